"""Server-rendered SVG charts: no JavaScript, no CDN, nothing inline for the CSP to block.

Colours are SVG presentation attributes (allowed by `style-src 'self'`); every chart has a
<title> and an aria-label, and the table under it carries the same numbers for screen readers.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .report import Table

PALETTE = ["#1f6f43", "#e0a100", "#b3261e", "#2f5ea8", "#6b4fa0"]
WIDTH = 640
LEFT = 170  # room for the row labels of a bar chart
BAR = 14
GAP = 10
LINE_HEIGHT = 200
MARGIN = 30


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


def _fmt(value: float) -> str:
    return f"{value:g}"


def _legend(names: list[str], y: int) -> str:
    parts, x = [], LEFT
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="11">{}</text>',
                x,
                y,
                colour,
                x + 14,
                y + 9,
                name,
            )  # fmt: skip
        )
        x += 24 + 7 * len(name)
    return "".join(parts)


def bar_chart(table: Table) -> SafeString:
    """Horizontal grouped bars: one group per table row, one bar per drawn column."""
    names = [table.columns[i] for i in table.chart_columns]
    values = [[_number(row[i]) for i in table.chart_columns] for row in table.rows]
    top = _nice_max(max((v for group in values for v in group), default=0))
    group_height = BAR * len(names) + GAP
    height = MARGIN + group_height * max(1, len(table.rows)) + 24
    plot = WIDTH - LEFT - 60
    parts = []
    y = MARGIN
    for row, group in zip(table.rows, values, strict=True):
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>',
                LEFT - 6,
                y + group_height / 2,
                str(row[0])[:28],
            )  # fmt: skip
        )
        for index, value in enumerate(group):
            length = plot * value / top
            parts.append(
                format_html(
                    '<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{}: {}</title></rect>"
                    '<text x="{}" y="{}" font-size="10">{}</text>',
                    LEFT,
                    y + index * BAR,
                    f"{length:.1f}",
                    BAR - 2,
                    PALETTE[index % len(PALETTE)],
                    names[index],
                    _fmt(value),
                    LEFT + length + 4,
                    y + index * BAR + BAR - 4,
                    _fmt(value),
                )  # fmt: skip
            )
        y += group_height
    if not table.rows:
        parts.append(format_html('<text x="{}" y="{}" font-size="12">–</text>', LEFT, MARGIN + 12))
    axis = format_html(
        '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#666"></line>'
        '<text x="{3}" y="{4}" font-size="10" text-anchor="end">{5} {6}</text>',
        LEFT, MARGIN - 4, y, LEFT + plot, MARGIN - 8, _fmt(top), table.unit,
    )  # fmt: skip
    return _svg(table, height, axis + "".join(parts) + _legend(names, 6))


def line_chart(table: Table) -> SafeString:
    """One line per drawn column over the table's rows (days); gaps where a value is missing."""
    names = [table.columns[i] for i in table.chart_columns]
    count = len(table.rows)
    left, right, bottom = 50, WIDTH - 20, LINE_HEIGHT - 30
    values = [[row[i] for i in table.chart_columns] for row in table.rows]
    top = _nice_max(max((_number(v) for group in values for v in group), default=0))

    def x(index):
        return left + (right - left) * (index / max(1, count - 1))

    def y(value):
        return bottom - (bottom - MARGIN) * _number(value) / top

    parts = [
        format_html(
            '<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#666"></line>'
            '<line x1="{0}" y1="{3}" x2="{0}" y2="{1}" stroke="#666"></line>'
            '<text x="{4}" y="{5}" font-size="10" text-anchor="end">{6}</text>'
            '<text x="{4}" y="{1}" font-size="10" text-anchor="end">0</text>',
            left,
            bottom,
            right,
            MARGIN,
            left - 4,
            MARGIN + 4,
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
        for index in sorted({0, count - 1}):
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                    x(index),
                    bottom + 14,
                    table.rows[index][0],
                )
            )
    return _svg(table, LINE_HEIGHT, "".join(parts) + _legend(names, 6))


def _svg(table: Table, height: int, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every value above went through format_html/escape
        f'<svg class="chart" id="chart-{escape(table.key)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(table.title)}"><title>{escape(table.title)}</title>{body}</svg>'
    )


def chart(table: Table) -> SafeString:
    return line_chart(table) if table.chart == "line" else bar_chart(table)
