from django import template

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """Whole rupiah with Indonesian thousands dots: 1234567 -> "Rp1.234.567"."""
    if value is None or value == "":
        return ""
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")
