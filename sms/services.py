"""Sending an SMS: `sms_send` records it and queues its delivery; `sms_deliver` sends it once.

Callers (phone verification, password reset, recovery) compose the words and call `sms_send`;
it raises `SmsRateLimited` with a message for people when a number has had enough for now.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from outbox.services import enqueue_on_commit

from . import rules, sealing
from .backends import get_backend
from .backends.base import SmsPermanentError, SmsTemporaryError
from .models import SmsMessage
from .phone import phone_mask, phone_normalise

logger = logging.getLogger(__name__)


class SmsRateLimited(Exception):
    """Too many SMS to this number (for this purpose) lately; `message` is for people."""

    def __init__(self, *, wait: datetime.timedelta):
        self.wait = wait
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        self.message = ngettext(
            "We have sent several SMS to this number already. "
            "Please wait %(minutes)d minute before asking for a new one.",
            "We have sent several SMS to this number already. "
            "Please wait %(minutes)d minutes before asking for a new one.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(self.message)


def _limits(purpose: str) -> list[tuple[Q, int, datetime.timedelta]]:
    per_purpose = settings.SMS_RATE_LIMITS.get(purpose, settings.SMS_RATE_LIMITS["default"])
    return [
        (Q(purpose=purpose), *rules.rate_parse(per_purpose)),
        (Q(), *rules.rate_parse(settings.SMS_RATE_LIMIT_PER_NUMBER)),
    ]


def sms_rate_check(*, to: str, purpose: str, now: datetime.datetime | None = None) -> None:
    """Raise SmsRateLimited when `to` had its share of SMS (for `purpose`, or in all) lately.

    Counted from the delivery log in the database, so every process and worker sees the same
    count whatever the cache is; the `sms_to_purpose_recent` index answers it.
    """
    now = now or timezone.now()
    to = phone_normalise(to)
    for extra, count, period in _limits(purpose):
        recent = list(
            SmsMessage.objects.filter(extra, to=to, created_at__gt=now - period)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:count]
        )
        if len(recent) >= count:
            raise SmsRateLimited(wait=recent[-1] + period - now)


@transaction.atomic
def sms_send(*, to: str, text: str, purpose: str) -> SmsMessage:
    """Record one SMS and queue its delivery after commit.

    Raises ValidationError (code "phone") for a number that is not an Indonesian mobile
    number, and SmsRateLimited when the number has had enough SMS for now.
    """
    to = phone_normalise(to)
    if not text.strip():
        raise ValidationError(gettext("An SMS needs words."), code="empty")
    sms_rate_check(to=to, purpose=purpose)
    message = SmsMessage(
        to=to,
        purpose=purpose,
        text_masked=rules.text_mask(text)[:480],
        body_sealed=sealing.seal(text),
        next_attempt_at=timezone.now(),
    )
    message.full_clean()
    message.save()
    from .tasks import sms_deliver_task

    enqueue_on_commit(sms_deliver_task, message.pk)
    return message


def _claim(message_id: int, now: datetime.datetime) -> bool:
    """Take the message for one send by conditional UPDATE: queued, or left 'sending' by a
    worker that died long enough ago. A second run (duplicate task, redelivery) gets nothing."""
    stale = now - datetime.timedelta(seconds=settings.SMS_CLAIM_TIMEOUT_SECONDS)
    return bool(
        SmsMessage.objects.filter(
            Q(status=SmsMessage.Status.QUEUED)
            | Q(status=SmsMessage.Status.SENDING, claimed_at__lt=stale),
            pk=message_id,
        ).update(status=SmsMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def sms_deliver(*, message_id: int) -> tuple[str, float | None]:
    """One attempt at sending. Returns the status and, when it should be retried, the wait.

    Not in a transaction: the claim is committed before the gateway is asked, so a
    concurrent run sees it, and the gateway's slowness holds no row lock.
    """
    now = timezone.now()
    if not _claim(message_id, now):
        status = SmsMessage.objects.filter(pk=message_id).values_list("status", flat=True)
        return (status[0] if status else "missing"), None
    message = SmsMessage.objects.get(pk=message_id)
    rows = SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.SENDING)
    try:
        text = sealing.unseal(message.body_sealed)
        gateway_id = get_backend().send(to=message.to, text=text, reference=f"jmo-sms-{message.pk}")
    except SmsTemporaryError as exc:
        if message.attempts < settings.SMS_MAX_ATTEMPTS:
            wait = rules.backoff_seconds(
                attempts=message.attempts,
                base=settings.SMS_BACKOFF_BASE_SECONDS,
                cap=settings.SMS_BACKOFF_MAX_SECONDS,
            )
            rows.update(
                status=SmsMessage.Status.QUEUED,
                claimed_at=None,
                next_attempt_at=timezone.now() + datetime.timedelta(seconds=wait),
                error=str(exc)[:300],
            )
            logger.warning("sms %s: attempt %s failed (%s), retrying in %ss",
                           message.pk, message.attempts, exc, wait)  # fmt: skip
            return SmsMessage.Status.QUEUED, wait
        return _fail(rows, message, exc), None
    except (SmsPermanentError, ValueError) as exc:
        return _fail(rows, message, exc), None
    rows.update(
        status=SmsMessage.Status.SENT,
        sent_at=timezone.now(),
        gateway_id=gateway_id[:100],
        body_sealed="",
        error="",
    )
    logger.info("sms %s (%s) sent to %s", message.pk, message.purpose, phone_mask(message.to))
    return SmsMessage.Status.SENT, None


def _fail(rows, message: SmsMessage, exc: Exception) -> str:
    rows.update(
        status=SmsMessage.Status.FAILED,
        failed_at=timezone.now(),
        body_sealed="",
        error=str(exc)[:300],
    )
    logger.warning("sms %s (%s) failed for good after %s attempts: %s",
                   message.pk, message.purpose, message.attempts, exc)  # fmt: skip
    return SmsMessage.Status.FAILED


def sms_deliveries_overdue(*, now: datetime.datetime) -> list[int]:
    """Unfinished messages whose retry was lost (or that eager mode could not wait for):
    queued and due for longer than the grace, or 'sending' past the claim timeout."""
    grace = datetime.timedelta(seconds=settings.SMS_RETRY_GRACE_SECONDS)
    stale = now - datetime.timedelta(seconds=settings.SMS_CLAIM_TIMEOUT_SECONDS)
    return list(
        SmsMessage.objects.filter(
            Q(status=SmsMessage.Status.QUEUED, next_attempt_at__lte=now - grace)
            | Q(status=SmsMessage.Status.SENDING, claimed_at__lt=stale)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
