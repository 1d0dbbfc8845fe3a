"""The annual JHT statement as a PDF (fpdf2, pure Python).

Names come in every script a participant may have (Vietnamese accents, Arabic, Chinese
characters), which the PDF core fonts (Latin-1 only) cannot print: the text is set in the
bundled DejaVu Sans, with Droid Sans Fallback for Chinese, Japanese and Korean characters
(static/fonts/README.md). Only the glyphs used are embedded, so a statement stays small.
Tables wrap their headings inside each column, so no heading runs into the next one.
"""

import datetime
import functools
from pathlib import Path

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import FontFace

from core.money import format_rupiah

from .models import Participant
from .selectors import StatementLine

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
GREEN = (0, 122, 61)
PAGE_WIDTH = 190  # A4 less 10 mm margins


class StatementPdf(FPDF):
    def header(self):
        """The JMO Portal mark, drawn (no image file): a green tile with "JMO" and the name."""
        self.set_fill_color(*GREEN)
        self.rect(10, 8, 14, 14, style="F", round_corners=True, corner_radius=3)
        self.set_text_color(255, 255, 255)
        self.set_font("DejaVu", "B", 8)
        self.set_xy(10, 8)
        self.cell(14, 14, "JMO", align="C")
        self.set_text_color(*GREEN)
        self.set_font("DejaVu", "B", 14)
        self.set_xy(27, 8)
        self.cell(0, 7, "JMO Portal")
        self.set_text_color(90, 90, 90)
        self.set_font("DejaVu", "", 8)
        self.set_xy(27, 15)
        self.cell(0, 5, "BPJS Ketenagakerjaan")
        self.set_text_color(0, 0, 0)
        self.set_draw_color(*GREEN)
        self.line(10, 25, 200, 25)
        self.set_y(29)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, _("Page %(page)s of %(count)s") % {"page": self.page_no(), "count": "{nb}"},
                  align="R")  # fmt: skip


@functools.cache
def _dejavu_characters() -> frozenset[int]:
    with TTFont(FONTS / "DejaVuSans.ttf", lazy=True) as font:
        return frozenset(font.getBestCmap())


def _pdf(*, texts: list[str]) -> StatementPdf:
    pdf = StatementPdf(format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    # A glyph DejaVu lacks (李明) comes from the fallback, in bold text too. The fallback is
    # large (about a second to load), so only a statement that needs it loads it.
    known = _dejavu_characters()
    if any(ord(char) not in known for text in texts for char in text if not char.isspace()):
        pdf.add_font("DroidFallback", "", FONTS / "DroidSansFallback.ttf")
        pdf.set_fallback_fonts(["DroidFallback"], exact_match=False)
    return pdf


def statement_pdf(
    *,
    participant: Participant,
    year: int,
    lines: list[StatementLine],
    postings: list,
    generated_on: datetime.date,
) -> bytes:
    pdf = _pdf(texts=[participant.full_name])
    title = _("JHT annual statement %(year)s") % {"year": year}
    pdf.set_title(title)
    pdf.set_author("JMO Portal")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(0, 4, _("JHT: old-age savings (Jaminan Hari Tua)."),
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 10)
    # Label and value columns; a long name wraps inside its column.
    with pdf.table(col_widths=(40, 150), first_row_as_headings=False, borders_layout="NONE",
                   line_height=5.5, padding=(0.5, 0)) as table:  # fmt: skip
        for label, value in [
            (_("Participant"), participant.full_name),
            (_("NIK"), participant.masked_nik),
            (_("Category"), participant.get_category_display()),
            (_("Period"), f"01/01/{year} - 31/12/{year}"),
            (_("Printed on"), generated_on.strftime("%d/%m/%Y")),
        ]:
            table.row([str(label), str(value)])
    pdf.ln(4)
    _balances_table(pdf, lines)
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 7, _("JHT transactions in %(year)s") % {"year": year},
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font("DejaVu", "", 8)
    if not postings:
        pdf.multi_cell(0, 6, _("No transactions in this year."), new_x="LMARGIN", new_y="NEXT")
    else:
        _postings_table(pdf, postings)
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.multi_cell(
        0, 4,
        _("BPJS Ketenagakerjaan reports the JHT balance once a year (PP 46/2015 Art. 22(7)). "
          "Questions: call centre 175 or your branch office."),
    )  # fmt: skip
    return bytes(pdf.output())


def _balances_table(pdf: FPDF, lines: list[StatementLine]) -> None:
    """Per card: opening, movements and closing. Seven columns over the page's 190 mm; the
    headings wrap onto two lines where they must ("Hasil pengembangan")."""
    headings = [_("KPJ"), _("Opening"), _("Contributions"), _("Returns"), _("Corrections"),
                _("Withdrawals"), _("Closing")]  # fmt: skip
    totals = [0] * 6
    pdf.set_font("DejaVu", "", 8)
    bold = FontFace(emphasis="BOLD", fill_color=(230, 243, 235))
    with pdf.table(
        col_widths=(28, 27, 27, 27, 27, 27, 27),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=bold,
        line_height=4.5,
        width=PAGE_WIDTH,
    ) as table:
        table.row([str(heading) for heading in headings])
        for line in lines:
            # Balance merges between the person's own cards show with the corrections.
            values = [line.opening, line.contributions, line.returns,
                      line.reversals + line.transfers, line.withdrawals, line.closing]  # fmt: skip
            for index, value in enumerate(values):
                totals[index] += value
            table.row([line.kpj_number, *(format_rupiah(value) for value in values)])
        table.row([str(_("Total")), *(format_rupiah(value) for value in totals)], style=bold)


def _postings_table(pdf: FPDF, postings: list) -> None:
    headings = [_("Month"), capfirst(_("KPJ number")), _("Kind"), _("Amount"), _("Paid on")]
    with pdf.table(
        col_widths=(22, 32, 66, 36, 34),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=4.2,
        width=PAGE_WIDTH,
    ) as table:
        table.row([str(heading) for heading in headings])
        for posting in postings:
            table.row([
                posting.month.strftime("%m/%Y"),
                posting.kpj_card.number,
                str(posting.get_kind_display()),
                format_rupiah(posting.amount),
                posting.paid_on.strftime("%d/%m/%Y"),
            ])  # fmt: skip
