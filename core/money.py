"""Money as Indonesian readers write it; the one formatter for pages, messages and mails."""

from decimal import ROUND_HALF_UP, Decimal


def format_rupiah(amount: int | Decimal) -> str:
    """Whole rupiah with dots between thousands: 1234567 -> "Rp1.234.567", -1234 -> "-Rp1.234".

    The minus goes before the symbol, as the Indonesian currency pattern of CLDR writes it
    ("-Rp1.234"); "Rp-1.234" reads like a typo. A fraction of a rupiah is rounded half up, the
    rounding the contribution rules use.
    """
    whole = int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = "-" if whole < 0 else ""
    return f"{sign}Rp{abs(whole):,}".replace(",", ".")
