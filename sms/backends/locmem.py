from dataclasses import dataclass

import sms

from .base import BaseSmsBackend


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    reference: str


class SmsBackend(BaseSmsBackend):
    """Keeps each SMS in `sms.outbox` (tests), as Django's locmem mail backend does."""

    def send(self, *, to: str, text: str, reference: str) -> str:
        sms.outbox.append(SentSms(to=to, text=text, reference=reference))
        return f"locmem-{reference}"
