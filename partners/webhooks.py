"""Claim status changes pushed to partners' webhooks, signed, retried with backoff, logged.

Every status change writes a ClaimEvent; a listener on it (participants/signals.py) records,
in that same transaction, one WebhookDelivery per active webhook of each employer whose KPJ
card with the worker covers the claim's date (partners/selectors.py), and enqueues its
delivery on commit. The body holds no amounts (as `GET claims`).
Signature header: `X-JMO-Signature: t=<unix time>,v1=<hex>` where
`v1 = HMAC-SHA256(secret, "<t>.<body>")`: the partner recomputes it and rejects old `t`.
"""

import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outbox.services import enqueue_on_commit

from .models import WebhookDelivery
from .selectors import webhooks_for_claim

EVENT = "claim.status_changed"
SIGNATURE_HEADER = "X-JMO-Signature"


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def backoff_seconds(attempt: int) -> float:
    """Wait before attempt `attempt + 1`: base, 2 x base, 4 x base, ... capped."""
    base = settings.WEBHOOK_BACKOFF_BASE_SECONDS
    return min(base * 2 ** (attempt - 1), settings.WEBHOOK_BACKOFF_MAX_SECONDS)


def deliveries_for_claim_event(claim_event) -> list[int]:
    """In the caller's transaction: one delivery per webhook that should hear of it."""
    claim = claim_event.claim
    # Only employers whose card covers the claim's date hear of it (partners/selectors.py);
    # one query when none does (the common case).
    hooks = webhooks_for_claim(claim)
    if not hooks:
        return []
    deliveries = [
        WebhookDelivery(
            webhook=hook,
            event=EVENT,
            claim_event=claim_event,
            payload={
                "event": EVENT,
                "claim": {
                    "id": claim.pk,
                    "kpj": kpj,
                    "program": claim.program,
                    "kind": claim.kind,
                    "reason": claim.reason,
                    "from_status": claim_event.from_status,
                    "status": claim_event.to_status,
                    "at": claim_event.at.isoformat(),
                },
            },
        )
        for hook, kpj in hooks
    ]
    ids = [d.pk for d in WebhookDelivery.objects.bulk_create(deliveries)]
    if ids:
        from partners.tasks import webhook_deliver_task

        for pk in ids:
            enqueue_on_commit(webhook_deliver_task, pk)
    return ids


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - staff-set partner URL
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def webhook_deliver(*, delivery_id: int) -> tuple[str, float | None]:
    """One attempt. Returns the delivery's status and, when it should be retried, the wait."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return (delivery.status if delivery else "missing"), None
        body = json.dumps(
            {"id": str(delivery.event_id), **delivery.payload}, separators=(",", ":")
        ).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "JMO-Portal-Webhooks/1",
            "X-JMO-Event": delivery.event,
            "X-JMO-Delivery": str(delivery.event_id),
            SIGNATURE_HEADER: sign(secret=delivery.webhook.secret, timestamp=timestamp, body=body),
        }
        started = time.monotonic()
        code, error = None, ""
        try:
            code = _post(delivery.webhook.url, body, headers)
        except (OSError, ValueError) as exc:  # refused, timed out, bad URL
            error = exc.__class__.__name__
        now = timezone.now()
        delivery.attempts += 1
        delivery.log = [
            *delivery.log,
            {"at": now.isoformat(), "status_code": code, "error": error,
             "ms": round((time.monotonic() - started) * 1000)},
        ]  # fmt: skip
        wait = None
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                WebhookDelivery.Status.DELIVERED, now, None,
            )  # fmt: skip
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        else:
            wait = backoff_seconds(delivery.attempts)
            delivery.next_attempt_at = now + datetime.timedelta(seconds=wait)
        delivery.save(
            update_fields=["attempts", "log", "status", "delivered_at", "next_attempt_at"]
        )
        return delivery.status, wait


def webhook_deliveries_overdue(*, now: datetime.datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose next attempt is more than the grace period overdue."""
    due = now - datetime.timedelta(seconds=settings.WEBHOOK_RETRY_GRACE_SECONDS)
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=due
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
