"""Outbound webhooks for claim status changes, against a real HTTP server on 127.0.0.1."""

import datetime
import hashlib
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.services import claim_transition
from partners.models import PartnerWebhook, WebhookDelivery
from partners.tasks import webhook_retry_due_task
from partners.webhooks import SIGNATURE_HEADER, backoff_seconds
from tests.factories import (
    ClaimEventFactory,
    ClaimFactory,
    KpjCardFactory,
    PartnerWebhookFactory,
    UserFactory,
)
from tests.local_server import LocalServer

pytestmark = pytest.mark.django_db


class PartnerServer(LocalServer):
    """A partner's endpoint in a thread: answers from `codes` in turn, records every call."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.calls = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.calls.append({"headers": self.headers, "body": body})
                code = server.codes.pop(0) if len(server.codes) > 1 else server.codes[0]
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(Handler, "/hooks/jmo")


def verify(secret: str, call: dict) -> bool:
    """What the partner does with the signature header."""
    parts = dict(item.split("=", 1) for item in call["headers"][SIGNATURE_HEADER].split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + call["body"], hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@pytest.fixture
def worker_claim(card_a):
    return ClaimFactory(participant=card_a.participant)


def move(claim, capture):
    with capture(execute=True):
        claim_transition(claim=claim, to_status="verifying", actor=None)


def test_a_status_change_is_posted_signed_without_amounts(
    employer_a, worker_claim, card_a, django_capture_on_commit_callbacks
):
    with PartnerServer([200]) as server:
        hook = PartnerWebhookFactory(employer=employer_a, url=server.url)
        move(worker_claim, django_capture_on_commit_callbacks)
    assert len(server.calls) == 1
    call = server.calls[0]
    assert verify(hook.secret, call)
    assert not verify("another-secret", call)
    body = json.loads(call["body"])
    assert body["event"] == "claim.status_changed"
    assert body["claim"] == {
        "id": worker_claim.pk, "kpj": card_a.number, "program": "JHT", "kind": "full",
        "reason": "resignation", "from_status": "submitted", "status": "verifying",
        "at": body["claim"]["at"],
    }  # fmt: skip
    assert "amount" not in call["body"].decode()
    delivery = WebhookDelivery.objects.get()
    assert call["headers"]["X-JMO-Delivery"] == body["id"] == str(delivery.event_id)
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert delivery.log[0]["status"] == "2xx"


def test_a_tampered_body_fails_the_signature(
    employer_a, worker_claim, django_capture_on_commit_callbacks
):
    with PartnerServer([200]) as server:
        hook = PartnerWebhookFactory(employer=employer_a, url=server.url)
        move(worker_claim, django_capture_on_commit_callbacks)
    call = {**server.calls[0]}
    call["body"] = call["body"].replace(b"verifying", b"approved_")
    assert not verify(hook.secret, call)


def test_only_employers_of_the_worker_with_an_active_hook_hear_of_it(
    employer_a, employer_b, worker_claim, card_b, django_capture_on_commit_callbacks
):
    with PartnerServer([200]) as server:
        PartnerWebhookFactory(employer=employer_a, url=server.url, active=False)
        PartnerWebhookFactory(employer=employer_b, url=server.url)
        move(worker_claim, django_capture_on_commit_callbacks)
    assert server.calls == []
    assert not WebhookDelivery.objects.exists()


def test_a_failing_partner_is_retried_with_backoff_then_given_up(
    employer_a, worker_claim, settings, django_capture_on_commit_callbacks
):
    """In-process (eager) mode: no waiting inside the request; the beat job re-queues
    the delivery once its next attempt is due, until WEBHOOK_MAX_ATTEMPTS."""
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_GRACE_SECONDS = 0
    with PartnerServer([500]) as server:
        PartnerWebhookFactory(employer=employer_a, url=server.url)
        move(worker_claim, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert webhook_retry_due_task() == 0  # not due yet
        for attempt in (2, 3):
            delivery.refresh_from_db()
            time.sleep(max(0, (delivery.next_attempt_at - timezone.now()).total_seconds()))
            assert webhook_retry_due_task() == 1
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
    assert len(server.calls) == 3
    assert delivery.status == "failed"
    assert delivery.next_attempt_at is None
    assert [entry["status"] for entry in delivery.log] == ["5xx", "5xx", "5xx"]
    assert webhook_retry_due_task() == 0


def test_backoff_doubles_and_is_capped(settings):
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 30
    settings.WEBHOOK_BACKOFF_MAX_SECONDS = 200
    assert [backoff_seconds(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_an_unreachable_partner_is_logged_not_crashed(employer_a, worker_claim, settings):
    from partners.webhooks import webhook_deliver

    hook = PartnerWebhookFactory(employer=employer_a, url="http://127.0.0.1:9/none")
    claim_transition(claim=worker_claim, to_status="verifying", actor=None)
    delivery = WebhookDelivery.objects.get(webhook=hook)
    status, wait = webhook_deliver(delivery_id=delivery.pk)
    assert (status, wait) == ("pending", settings.WEBHOOK_BACKOFF_BASE_SECONDS)
    delivery.refresh_from_db()
    assert delivery.log[0]["error"]
    assert delivery.next_attempt_at > delivery.created_at
    # A delivered or failed delivery is never sent again.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="delivered")
    assert webhook_deliver(delivery_id=delivery.pk) == ("delivered", None)


def test_admin_lists_webhooks_deliveries_and_reports(client, employer_a):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, password=None))
    PartnerWebhookFactory(employer=employer_a, url="https://partner.example/hook")
    for name in ("partnerwebhook", "webhookdelivery", "contributionreport"):
        response = client.get(reverse(f"admin:partners_{name}_changelist"))
        assert response.status_code == 200, name
    assert client.get(reverse("admin:partners_webhookdelivery_add")).status_code == 403


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_live_worker_retries_with_exponential_backoff_until_delivered(celery_worker):
    """Real Celery worker and Redis: 503, 503, then 200; the waits double (test base 0.2 s)."""
    from tests.factories import EmployerFactory

    employer = EmployerFactory()
    card = KpjCardFactory(employer=employer, joined_on=datetime.date(2020, 1, 1))
    claim = ClaimFactory(participant=card.participant)
    with PartnerServer([503, 503, 200]) as server:
        hook = PartnerWebhookFactory(employer=employer, url=server.url)
        claim_transition(claim=claim, to_status="verifying", actor=None)
        delivery = WebhookDelivery.objects.get(webhook=hook)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            delivery.refresh_from_db()
            if delivery.status != "pending":
                break
            time.sleep(0.1)
    assert delivery.status == "delivered", delivery.log
    assert delivery.attempts == 3
    assert [entry["status"] for entry in delivery.log] == ["5xx", "5xx", "2xx"]
    times = [datetime.datetime.fromisoformat(entry["at"]) for entry in delivery.log]
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert gaps[0] >= 0.2
    assert gaps[1] >= 0.4
    assert all(verify(hook.secret, call) for call in server.calls)
    assert len({call["headers"]["X-JMO-Delivery"] for call in server.calls}) == 1


def test_without_webhooks_a_status_change_costs_one_query(worker_claim, django_assert_num_queries):
    from partners.webhooks import deliveries_for_claim_event

    event = ClaimEventFactory(claim=worker_claim, from_status="submitted", to_status="verifying")
    with django_assert_num_queries(1):
        assert deliveries_for_claim_event(event) == []


def test_the_admin_refuses_a_plain_http_url_outside_tests(
    client, employer_a, settings, monkeypatch
):
    settings.WEBHOOKS_ALLOW_HTTP = False
    monkeypatch.setattr("partners.netguard.resolve", lambda host, port: ["93.184.215.14"])
    client.force_login(UserFactory(is_staff=True, is_superuser=True, password=None))
    add = reverse("admin:partners_partnerwebhook_add")
    form = {"employer": employer_a.pk, "secret": "s" * 40, "active": "on"}
    refused = client.post(add, {**form, "url": "http://partner.example/hook"})
    assert refused.status_code == 200
    assert "https://" in refused.context["adminform"].form.errors["url"][0]
    accepted = client.post(add, {**form, "url": "https://partner.example/hook"})
    assert accepted.status_code == 302
    assert PartnerWebhook.objects.get().url == "https://partner.example/hook"
