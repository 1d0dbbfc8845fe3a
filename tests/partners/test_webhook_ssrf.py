"""Webhooks cannot be used to reach internal addresses (SSRF, issue 18): refused when saved
and again at delivery, pinned to the checked address, no redirects, a log that says little."""

from http.server import BaseHTTPRequestHandler

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims.services import claim_transition
from partners import netguard
from partners.models import PartnerWebhook, WebhookDelivery, validate_webhook_url
from partners.webhooks import webhook_deliver
from tests.factories import ClaimFactory, PartnerWebhookFactory, UserFactory
from tests.local_server import LocalServer

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"


class Server(LocalServer):
    """A local endpoint answering `code` (with a Location header for redirects)."""

    def __init__(self, code=200, location=None):
        self.calls = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.calls.append(dict(self.headers))
                self.send_response(code)
                if location:
                    self.send_header("Location", location)
                self.end_headers()
                self.wfile.write(b"internal secret banner")

            def do_GET(self):  # noqa: N802
                outer.calls.append(dict(self.headers))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(Handler, "/hook")


@pytest.fixture
def fake_dns(monkeypatch):
    """Names resolve to what the test says; every lookup is counted."""
    table: dict[str, list[str]] = {}
    lookups: list[str] = []

    def resolve(host, port):
        lookups.append(host)
        return table[host]

    monkeypatch.setattr(netguard, "resolve", resolve)
    return table, lookups


def deliver_once(hook, card_a):
    claim = ClaimFactory(participant=card_a.participant)
    claim_transition(claim=claim, to_status="verifying", actor=None)
    delivery = WebhookDelivery.objects.get(webhook=hook)
    webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/hook",
        "https://172.16.5.4/hook",
        "https://192.168.1.1/hook",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_internal_addresses_are_refused_when_saved(url, settings):
    settings.WEBHOOKS_ALLOW_NETWORKS = []
    with pytest.raises(ValidationError) as caught:
        validate_webhook_url(url)
    assert caught.value.code == "forbidden_address"


def test_a_name_with_any_internal_address_is_refused(fake_dns):
    table, _ = fake_dns
    table["partner.example"] = [PUBLIC, "10.0.0.1"]
    with pytest.raises(ValidationError) as caught:
        validate_webhook_url("https://partner.example/hook")
    assert caught.value.code == "forbidden_address"
    table["partner.example"] = [PUBLIC]
    validate_webhook_url("https://partner.example/hook")


def test_plain_http_and_credentials_in_the_url_are_refused(settings, fake_dns):
    fake_dns[0]["partner.example"] = [PUBLIC]
    settings.WEBHOOKS_ALLOW_HTTP = False
    for url, code in [
        ("http://partner.example/hook", "insecure_url"),
        ("ftp://partner.example/hook", "insecure_url"),
        ("https://user:pw@partner.example/hook", "bad_url"),
    ]:
        with pytest.raises(ValidationError) as caught:
            validate_webhook_url(url)
        assert caught.value.code == code, url


def test_the_admin_explains_the_refusal_in_english_and_indonesian(client, employer_a, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True, password=None))
    form = {
        "employer": employer_a.pk,
        "secret": "s" * 40,
        "active": "on",
        "url": "https://169.254.169.254/latest/meta-data/",
    }
    for language, words in [("en", "internal or private network"), ("id", "jaringan internal")]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(reverse("admin:partners_partnerwebhook_add"), form)
        assert response.status_code == 200
        assert words in response.context["adminform"].form.errors["url"][0]
    assert not PartnerWebhook.objects.exists()


def test_delivery_checks_the_address_again_and_sends_nothing_to_a_rebound_name(
    employer_a, card_a, fake_dns, settings
):
    """Saved while the name was public; by delivery it points at the metadata service."""
    table, _ = fake_dns
    hook = PartnerWebhookFactory(employer=employer_a, url="https://partner.example/hook")
    table["partner.example"] = ["169.254.169.254"]
    delivery = deliver_once(hook, card_a)
    assert delivery.status == "pending"
    assert delivery.log[-1]["error"] == "forbidden_address"
    assert delivery.log[-1]["status"] is None


def test_the_local_server_is_refused_without_the_test_setting(employer_a, card_a, settings):
    settings.WEBHOOKS_ALLOW_NETWORKS = []
    with Server() as server:
        hook = PartnerWebhookFactory(employer=employer_a, url=server.url)
        delivery = deliver_once(hook, card_a)
    assert server.calls == []
    assert delivery.log[-1]["error"] == "forbidden_address"


def test_the_connection_goes_to_the_checked_address_resolved_once(
    employer_a, card_a, fake_dns, settings
):
    """The name is looked up once per delivery and the socket goes to that address; the
    Host header still carries the name."""
    table, lookups = fake_dns
    with Server() as server:
        table["partner.test"] = ["127.0.0.1"]
        hook = PartnerWebhookFactory(
            employer=employer_a, url=f"http://partner.test:{server.port}/h"
        )
        delivery = deliver_once(hook, card_a)
    assert delivery.status == "delivered"
    assert lookups == ["partner.test"]
    assert server.calls[0]["Host"] == f"partner.test:{server.port}"


def test_redirects_are_not_followed_and_the_log_says_only_the_status_class(
    employer_a, card_a, settings
):
    with Server() as internal, Server(code=302, location=internal.url + "?x") as partner:
        hook = PartnerWebhookFactory(employer=employer_a, url=partner.url)
        delivery = deliver_once(hook, card_a)
    assert len(partner.calls) == 1
    assert internal.calls == []
    assert delivery.status == "pending"  # a redirect is not a delivery
    assert delivery.log == [{"at": delivery.log[0]["at"], "status": "3xx", "error": ""}]


def test_the_log_keeps_a_bounded_number_of_attempts(employer_a, card_a, settings):
    settings.WEBHOOKS_ALLOW_NETWORKS = []
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    hook = PartnerWebhookFactory(employer=employer_a, url="http://127.0.0.1:9/x")
    delivery = deliver_once(hook, card_a)
    for _ in range(5):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="pending")
        webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert len(delivery.log) == 3
    assert all(set(entry) == {"at", "status", "error"} for entry in delivery.log)
