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
import http.client
import json
import socket
import ssl
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outbox.services import enqueue_on_commit

from . import netguard
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


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain http (tests only) to the checked address; the Host header keeps the name."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the certificate checked against the URL's name."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST once to the address checked just now; no redirect is followed (http.client
    never follows one), and the address the socket reached is checked again."""
    scheme, host, port, path = netguard.parse(url)
    address = netguard.checked_address(host, port)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        host, port, address=address, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
    )
    try:
        connection.connect()
        if netguard.address_forbidden(connection.sock.getpeername()[0]):
            raise netguard.AddressRefused("forbidden_address")
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read(1024)  # the body is never kept or logged
        return answer.status
    finally:
        connection.close()


def _status_class(code: int | None) -> str | None:
    """Only the class of the answer is logged (2xx, 3xx, ...): exact codes, answers and
    timings of an endpoint would make the log a port scanner."""
    if code is None:
        return None
    return f"{code // 100}xx" if 100 <= code <= 599 else "other"


def _error_kind(exc: Exception) -> str:
    if isinstance(exc, netguard.AddressRefused):
        return exc.code
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(exc, ssl.SSLError):
        return "tls_error"
    return "connection_error"


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
        code, error = None, ""
        try:
            code = _post(delivery.webhook.url, body, headers)
        except (OSError, ValueError, http.client.HTTPException, netguard.AddressRefused) as exc:
            error = _error_kind(exc)
        now = timezone.now()
        delivery.attempts += 1
        delivery.log = [
            *delivery.log,
            {"at": now.isoformat(), "status": _status_class(code), "error": error},
        ][-settings.WEBHOOK_MAX_ATTEMPTS :]
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
