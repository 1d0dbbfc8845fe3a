"""The digital membership card: a signed verification token and its QR code (inline SVG).

The token carries only the card's internal id, signed with the secret key: it reveals no
NIK, name or KPJ number, and cannot be forged or guessed.
"""

import qrcode
import qrcode.image.svg
from django.core import signing

SALT = "participants.kpj-card-verification"


def card_token(*, kpj_card_id: int) -> str:
    return signing.dumps(kpj_card_id, salt=SALT)


def card_id_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def qr_svg(url: str) -> str:
    """An inline <svg> element (no XML declaration, no image file)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")
