"""Server-rendered SVG charts: no JavaScript, no CDN, nothing inline for the CSP to block.

Colours are SVG presentation attributes (allowed by `style-src 'self'`); every chart has a
<title> and an aria-label, and the table under it carries the same numbers for screen readers.
"""

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .report import Table

PALETTE = ["#1f6f43", "#e0a100", "#b3261e", "#2f5ea8", "#6b4fa0"]
WIDTH = 640
LEFT = 240  # room for the row labels of a bar chart
LABEL_CHARS = 33
BAR = 14
GAP = 10
LINE_HEIGHT = 200


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _nice_max(value: float) -> float:
    """A round axis end at or above `value` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def _fmt(value) -> str:
    """As the table beside it shows numbers (the active language's decimal separator)."""
    if value is None:
        return "–"
    if float(value) % 1 == 0:
        return number_format(int(value))
    return number_format(value, decimal_pos=1)


def _short(label) -> str:
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _legend(names: list[str]) -> tuple[str, int]:
    """Colour keys from the left edge, wrapped onto more lines; (markup, height used)."""
    parts, x, y = [], 10, 4
    for index, name in enumerate(names):
        width = 24 + 6 * len(name)
        if x > 10 and x + width > WIDTH:
            x, y = 10, y + 16
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="11">{}</text>',
                x,
                y,
                PALETTE[index % len(PALETTE)],
                x + 14,
                y + 9,
                name,
            )  # fmt: skip
        )
        x += width
    return "".join(parts), y + 16


def bar_chart(table: Table) -> SafeString:
    """Horizontal grouped bars: one group per table row, one bar per drawn column.

    A missing value (nothing to measure, e.g. no claim decided) draws no bar and reads "–".
    """
    names = [table.columns[i] for i in table.chart_columns]
    legend, legend_height = _legend(names)
    margin = legend_height + 20
    values = [[row[i] for i in table.chart_columns] for row in table.rows]
    top = _nice_max(max((_number(v) for group in values for v in group), default=0))
    group_height = BAR * len(names) + GAP
    height = margin + group_height * max(1, len(table.rows)) + 10
    plot = WIDTH - LEFT - 60
    parts = []
    y = margin
    for row, group in zip(table.rows, values, strict=True):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>',
                LEFT - 6,
                y + group_height / 2,
                _short(row[0]),
            )  # fmt: skip
        )
        for index, value in enumerate(group):
            length = plot * _number(value) / top
            if value is not None:
                parts.append(
                    format_html(
                        '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                        "<title>{}: {}</title></rect>",
                        LEFT,
                        y + index * BAR,
                        f"{length:.1f}",
                        BAR - 2,
                        PALETTE[index % len(PALETTE)],
                        names[index],
                        _fmt(value),
                    )  # fmt: skip
                )
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10">{}</text>',
                    LEFT + length + 4,
                    y + index * BAR + BAR - 4,
                    _fmt(value),
                )  # fmt: skip
            )
        y += group_height
    if not table.rows:
        parts.append(format_html('<text x="{}" y="{}" font-size="12">–</text>', LEFT, margin + 12))
    axis = format_html(
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#666"></line>'
        '<text x="{3}" y="{4}" font-size="10" text-anchor="end">{5} {6}</text>',
        LEFT, margin - 4, y, LEFT + plot, margin - 6, _fmt(top), table.unit,
    )  # fmt: skip
    return _svg(table, height, axis + "".join(parts) + legend)


def line_chart(table: Table) -> SafeString:
    """One line per drawn column over the table's rows (days); gaps where a value is missing."""
    names = [table.columns[i] for i in table.chart_columns]
    legend, legend_height = _legend(names)
    top_y = legend_height + 14
    count = len(table.rows)
    left, right, bottom = 50, WIDTH - 20, LINE_HEIGHT - 30
    values = [[row[i] for i in table.chart_columns] for row in table.rows]
    top = _nice_max(max((_number(v) for group in values for v in group), default=0))

    def x(index):
        return left + (right - left) * (index / max(1, count - 1))

    def y(value):
        return bottom - (bottom - top_y) * _number(value) / top

    parts = [
        format_html(
            '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#666"></line>'
            '<line x1="{0}" y1="{3}" x2="{0}" y2="{1}" stroke="#666"></line>'
            '<text x="{4}" y="{5}" font-size="10" text-anchor="end">{6}</text>'
            '<text x="{4}" y="{1}" font-size="10" text-anchor="end">0</text>',
            left,
            bottom,
            right,
            top_y,
            left - 4,
            top_y + 4,
            f"{_fmt(top)} {table.unit}".strip(),
        )  # fmt: skip
    ]
    for series in range(len(names)):
        colour = PALETTE[series % len(PALETTE)]
        points = [
            f"{x(i):.1f},{y(group[series]):.1f}"
            for i, group in enumerate(values)
            if group[series] is not None
        ]
        if points:
            parts.append(
                format_html(
                    '<polyline class="series" fill="none" stroke="{}" stroke-width="2" '
                    'points="{}"><title>{}</title></polyline>',
                    colour,
                    " ".join(points),
                    names[series],
                )  # fmt: skip
            )
    if count:
        for index, anchor in [(0, "start")] + ([(count - 1, "end")] if count > 1 else []):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" text-anchor="{}">{}</text>',
                    x(index),
                    bottom + 14,
                    anchor,
                    table.rows[index][0],
                )  # fmt: skip
            )
    return _svg(table, LINE_HEIGHT, "".join(parts) + legend)


def _svg(table: Table, height: int, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every value above went through format_html/escape
        f'<svg class="chart" id="chart-{escape(table.key)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(table.title)}"><title>{escape(table.title)}</title>{body}</svg>'
    )


def chart(table: Table) -> SafeString:
    return line_chart(table) if table.chart == "line" else bar_chart(table)
