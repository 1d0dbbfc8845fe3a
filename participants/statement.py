"""The annual JHT statement as a PDF (fpdf2, pure Python, core fonts)."""

import datetime

from django.utils.translation import gettext as _
from fpdf import FPDF

from core.money import format_rupiah

from .models import Participant
from .selectors import StatementLine


def statement_pdf(
    *,
    participant: Participant,
    year: int,
    lines: list[StatementLine],
    postings: list,
    generated_on: datetime.date,
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_("JHT annual statement %(year)s") % {"year": year})
    pdf.set_author("JMO Portal")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 10, _("JHT annual statement %(year)s") % {"year": year}, new_x="LMARGIN",
             new_y="NEXT")  # fmt: skip
    pdf.set_font("Helvetica", size=10)
    for label, value in [
        (_("Participant"), participant.full_name),
        (_("NIK"), participant.masked_nik),
        (_("Category"), participant.get_category_display()),
        (_("Period"), f"01/01/{year} - 31/12/{year}"),
        (_("Printed on"), generated_on.strftime("%d/%m/%Y")),
    ]:
        pdf.cell(40, 6, label)
        pdf.cell(0, 6, str(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    headings = [_("KPJ"), _("Opening"), _("Contributions"), _("Returns"), _("Corrections"),
                _("Withdrawals"), _("Closing")]  # fmt: skip
    widths = [26, 28, 28, 26, 26, 26, 28]
    pdf.set_font("Helvetica", "B", 9)
    for heading, width in zip(headings, widths, strict=True):
        pdf.cell(width, 7, heading, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    totals = [0, 0, 0, 0, 0, 0]
    for line in lines:
        # Balance merges between the person's own cards show with the corrections.
        values = [line.opening, line.contributions, line.returns,
                  line.reversals + line.transfers, line.withdrawals, line.closing]  # fmt: skip
        pdf.cell(widths[0], 6, line.kpj_number, border=1)
        for index, value in enumerate(values):
            totals[index] += value
            pdf.cell(widths[index + 1], 6, format_rupiah(value), border=1, align="R")
        pdf.ln()
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(widths[0], 6, _("Total"), border=1)
    for index, value in enumerate(totals):
        pdf.cell(widths[index + 1], 6, format_rupiah(value), border=1, align="R")
    pdf.ln(10)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _("JHT postings in %(year)s") % {"year": year}, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    if not postings:
        pdf.cell(0, 6, _("No postings in this year."), new_x="LMARGIN", new_y="NEXT")
    for posting in postings:
        pdf.cell(20, 5, posting.month.strftime("%m/%Y"))
        pdf.cell(28, 5, posting.kpj_card.number)
        pdf.cell(40, 5, str(posting.get_kind_display()))
        pdf.cell(30, 5, format_rupiah(posting.amount), align="R")
        pdf.cell(0, 5, posting.paid_on.strftime("%d/%m/%Y"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0, 4,
        _("BPJS Ketenagakerjaan reports the JHT balance once a year (PP 46/2015 Art. 22(7)). "
          "Questions: call centre 175 or your branch office."),
    )  # fmt: skip
    return bytes(pdf.output())
