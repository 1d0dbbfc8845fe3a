"""The digital membership card: a signed verification token and its QR code (inline SVG).

The token carries only the card's internal id, signed with the secret key: it reveals no
NIK, name or KPJ number, and cannot be forged or guessed. It also carries the moment it was made
(signing.dumps is timestamped) and is good for CARD_QR_TOKEN_MAX_AGE seconds: a photo or a
screenshot of someone's card stops passing the check soon after, while the holder's own card
page makes a fresh code on each opening.
"""

import enum

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core import signing

SALT = "participants.kpj-card-verification"


def card_token(*, kpj_card_id: int) -> str:
    return signing.dumps(kpj_card_id, salt=SALT)


class TokenState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


def card_token_check(token: str) -> tuple[TokenState, int | None]:
    """(state, card id): the id only for a valid, unexpired token."""
    try:
        value = signing.loads(token, salt=SALT, max_age=settings.CARD_QR_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        # Checked before BadSignature, its parent: genuine, only too old.
        return TokenState.EXPIRED, None
    except signing.BadSignature:
        return TokenState.INVALID, None
    if not isinstance(value, int):
        return TokenState.INVALID, None
    return TokenState.VALID, value


def card_id_from_token(token: str) -> int | None:
    return card_token_check(token)[1]


def qr_svg(url: str) -> str:
    """An inline <svg> element (no XML declaration, no image file)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")
