from django import template

from core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """{{ 1500000|rupiah }} -> Rp1.500.000; empty for no amount (None or "")."""
    if amount is None or amount == "":
        return ""
    return format_rupiah(amount)
