from django import template

from claims.rules import rupiah as _rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    """{{ 1500000|rupiah }} -> Rp1.500.000; empty for no amount."""
    return "" if amount is None else _rupiah(int(amount))
