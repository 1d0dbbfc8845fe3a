"""The words of a queued SMS, encrypted at rest until the delivery task has sent them.

The key is derived from SECRET_KEY (and its fallbacks, so a key rotation does not strand
queued messages); a database dump alone does not reveal a code waiting to go out.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "sms.sealing"


def _fernet() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys = [
        Fernet(
            base64.urlsafe_b64encode(
                salted_hmac(SALT, "key", secret=s, algorithm="sha256").digest()
            )
        )
        for s in secrets
    ]
    return MultiFernet(keys)


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    """The clear words; ValueError when the token cannot be read (wrong key, damaged)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("sealed SMS text cannot be read") from exc
