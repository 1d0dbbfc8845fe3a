"""Security headers everywhere; no-store on personal pages and the API; production transport."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from complaints.tokens import ticket_status_token
from participants.card import card_token
from tests.factories import (
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant_client(client):
    client.force_login(ParticipantFactory(user=UserFactory()).user)
    return client


def test_every_page_forbids_framing_sniffing_and_leaking_the_referrer(client):
    for url in ("/", "/news/", reverse("account_login"), "/api/schema/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp, url
        assert "default-src 'self'" in csp, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Frame-Options"] == "DENY", url


@pytest.mark.parametrize("url", ["/news/", "/guides/", "/faq/"])
def test_public_pages_seen_anonymously_stay_cacheable(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/balance/", "/claims/", "/complaints/", "/appointments/", "/news/"]
)
def test_every_page_of_a_logged_in_participant_is_no_store(participant_client, url):
    response = participant_client.get(url)
    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"], url


def test_pages_anonymous_visitors_reach_by_a_private_link_or_form_are_no_store(client):
    """The middleware covers logged-in people; these views say no-store themselves."""
    card = KpjCardFactory()
    ticket = TicketFactory(
        participant=None,
        branch=card.participant.branch,
        contact_nik=card.participant.nik,
        contact_email="siti@example.test",
    )
    urls = [
        reverse("card_verify", args=[card_token(kpj_card_id=card.pk)]),
        reverse("complaints:create", args=["cannot_log_in"]),
        reverse("complaints:status", args=[ticket.number, ticket_status_token(ticket=ticket)]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_staff_pages_are_no_store(client):
    client.force_login(StaffFactory(is_superuser=True))
    for url in ("/admin/", "/admin/participants/participant/", "/admin/claims/claim/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/simulations/pension-age", 400),  # anonymous, no parameters
        ("get", "/api/v1/me/balance", 403),
        ("get", "/api/v1/employers/me/members", 401),
        ("get", "/api/schema/", 200),
        ("get", "/api/v1/no-such-endpoint", 404),
    ],
)
def test_every_api_answer_is_no_store_errors_included(client, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert "no-store" in response["Cache-Control"]


PRODUCTION_SETTINGS = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_PATH",
    "SECURE_REDIRECT_EXEMPT",
)


def production_settings() -> dict:
    """The values production.py really gives (its own process: it reads the environment)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "jmo_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "portal.example.id",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_uses_hsts_https_and_secure_cookies():
    values = production_settings()
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_with_production_transport_settings_the_answers_carry_hsts_and_secure_cookies(client):
    values = production_settings()
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    user = UserFactory(email="budi@example.test")
    from tests.factories import TEST_PASSWORD, EmailAddressFactory

    EmailAddressFactory(user=user)
    with override_settings(**values):
        plain = client.get("/news/")
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://")
        response = client.post(
            reverse("account_login"),
            {"login": user.email, "password": TEST_PASSWORD},
            headers={"x-forwarded-proto": "https"},
        )
        assert response.status_code == 302
        hsts = response["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts
        assert "includeSubDomains" in hsts
        session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert session_cookie["secure"] is True
        assert session_cookie["httponly"] is True
        assert response.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True
        # The browser keeps a __Host- cookie only when it is Secure, Path=/ and has no Domain.
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
            assert name.startswith("__Host-"), name
            cookie = response.cookies[name]
            assert cookie["secure"] is True
            assert cookie["path"] == "/"
            assert not cookie["domain"]


def test_every_answer_switches_off_browser_features_the_portal_never_uses(client):
    for url in ("/", "/news/", reverse("account_login"), "/api/schema/", "/healthz"):
        policy = client.get(url)["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, (url, feature)
