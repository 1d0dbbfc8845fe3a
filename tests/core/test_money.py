"""One rupiah formatter: dots between thousands, the minus before the symbol."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from core.money import format_rupiah


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "Rp0"),
        (999, "Rp999"),
        (1_000, "Rp1.000"),
        (1_234_567, "Rp1.234.567"),
        (12_345_678_901_234, "Rp12.345.678.901.234"),
        (-1, "-Rp1"),
        (-1_234, "-Rp1.234"),
        (-15_000_000, "-Rp15.000.000"),
        (Decimal("1500000"), "Rp1.500.000"),
        (Decimal("2.5"), "Rp3"),
        (Decimal("-2.5"), "-Rp3"),
        (Decimal("2.49"), "Rp2"),
    ],
)
def test_format_rupiah(amount, text):
    assert format_rupiah(amount) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [(1_500_000, "Rp1.500.000"), (-1_234, "-Rp1.234"), (0, "Rp0"), (None, ""), ("", "")],
)
def test_the_template_filter_formats_and_leaves_no_amount_empty(amount, text):
    template = Template("{% load money %}[{{ amount|rupiah }}]")
    assert template.render(Context({"amount": amount})) == f"[{text}]"
