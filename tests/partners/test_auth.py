"""Partner keys, scopes, the error shape, JSON only, throttles and the API's language."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone

from partners.auth import (
    AnonymousIpThrottle,
    PartnerApi,
    PartnerRateThrottle,
    partner_credential_revoke,
)
from partners.models import PartnerCredential, PartnerScope

from .conftest import bearer, make_key

pytestmark = pytest.mark.django_db

MEMBERS = "/api/v1/employers/me/members"


def assert_error_shape(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_a_missing_key_is_401_in_the_error_shape_with_a_bearer_challenge(client):
    response = client.get(MEMBERS)
    assert_error_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nonsense",
        "Bearer jmo_deadbeef_secret",
        "Bearer jmo_x",
    ],
)
def test_an_unknown_key_is_401(client, header, key_a):
    response = client.get(MEMBERS, HTTP_AUTHORIZATION=header)
    assert_error_shape(response, 401, "credential_invalid")


def test_the_right_prefix_with_a_wrong_secret_is_401(client, key_a):
    forged = key_a[:-4] + ("AAAA" if not key_a.endswith("AAAA") else "BBBB")
    assert_error_shape(client.get(MEMBERS, **bearer(forged)), 401, "credential_invalid")


def test_a_key_with_spaces_is_malformed(client, key_a):
    response = client.get(MEMBERS, HTTP_AUTHORIZATION=f"Bearer {key_a} extra")
    assert_error_shape(response, 401, "credential_malformed")


def test_an_expired_key_is_refused(client, employer_a):
    key = make_key(employer_a, expires_in=datetime.timedelta(seconds=-1))
    assert_error_shape(client.get(MEMBERS, **bearer(key)), 401, "credential_expired")


def test_a_revoked_key_is_refused_and_revoking_twice_changes_nothing(client, employer_a):
    key = make_key(employer_a)
    credential = PartnerCredential.objects.get()
    assert client.get(MEMBERS, **bearer(key)).status_code == 200
    assert partner_credential_revoke(credential=credential, revoked_by=None) is True
    assert partner_credential_revoke(credential=credential, revoked_by=None) is False
    assert_error_shape(client.get(MEMBERS, **bearer(key)), 401, "credential_revoked")


def test_only_the_hash_is_stored_and_use_is_recorded(client, key_a):
    credential = PartnerCredential.objects.get()
    assert key_a.split("_", 2)[2] not in credential.secret_hash
    assert len(credential.secret_hash) == 64
    assert credential.last_used_at is None
    client.get(MEMBERS, **bearer(key_a))
    credential.refresh_from_db()
    assert credential.last_used_at is not None


def test_a_key_in_the_url_is_not_accepted(client, key_a):
    assert client.get(f"{MEMBERS}?key={key_a}").status_code == 401


@pytest.mark.parametrize(
    ("scopes", "method", "path", "allowed"),
    [
        ([PartnerScope.MEMBERS_READ], "get", MEMBERS, True),
        ([PartnerScope.CLAIMS_READ], "get", MEMBERS, False),
        ([PartnerScope.CLAIMS_READ], "get", "/api/v1/employers/me/claims", True),
        ([PartnerScope.MEMBERS_READ], "get", "/api/v1/employers/me/claims", False),
        ([PartnerScope.MEMBERS_READ], "post", "/api/v1/employers/me/leavers", False),
        ([PartnerScope.MEMBERS_READ], "post", "/api/v1/employers/me/new-members", False),
        ([PartnerScope.CONTRIBUTIONS_WRITE], "post", "/api/v1/employers/me/leavers", False),
        ([PartnerScope.CLAIMS_READ], "post", "/api/v1/employers/me/collective-claims", False),
        ([PartnerScope.CLAIMS_WRITE], "get", "/api/v1/employers/me/collective-claims", False),
        ([PartnerScope.CLAIMS_READ], "get", "/api/v1/employers/me/collective-claims", True),
    ],
)
def test_each_endpoint_needs_its_scope(client, employer_a, scopes, method, path, allowed):
    key = make_key(employer_a, scopes=scopes)
    call = getattr(client, method)
    response = call(path, data={}, content_type="application/json", **bearer(key))
    if allowed:
        assert response.status_code == 200
    else:
        body = assert_error_shape(response, 403, "permission_denied")
        assert re.search(r"'(members|claims):(read|write)'", body["message"]), body["message"]


def test_a_portal_login_is_not_a_partner(client, card_a):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert_error_shape(client.get(MEMBERS), 401, "not_authenticated")


def test_every_partner_view_declares_its_own_permission():
    """Deny by default: no partner view relies on the inherited IsAuthenticated alone."""
    resolver = get_resolver()
    views = [
        pattern.callback.view_class
        for pattern in resolver.url_patterns
        if str(pattern.pattern) == "api/v1/employers/me/"
        for pattern in pattern.url_patterns
    ]
    assert len(views) == 11
    for view in views:
        assert issubclass(view, PartnerApi)
        assert "permission_classes" in vars(view), view
        assert all(hasattr(p, "scope") for p in view.permission_classes), view


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "leavers=1"),
        ("multipart/form-data; boundary=x", "--x--"),
        ("text/plain", "{}"),
    ],
)
def test_only_json_is_accepted(client, key_a, content_type, body):
    response = client.post(
        "/api/v1/employers/me/leavers", data=body, content_type=content_type, **bearer(key_a)
    )
    assert_error_shape(response, 415, "unsupported_media_type")


def test_broken_json_is_a_400_in_the_error_shape(client, key_a):
    response = client.post(
        "/api/v1/employers/me/leavers",
        data="{not json",
        content_type="application/json",
        **bearer(key_a),
    )
    assert_error_shape(response, 400, "parse_error")


def test_errors_are_indonesian_by_default_and_english_on_request(client):
    indonesian = client.get(MEMBERS)
    english = client.get(MEMBERS, HTTP_ACCEPT_LANGUAGE="en")
    assert indonesian["Content-Language"] == "id"
    assert english["Content-Language"] == "en"
    assert english.json()["message"] == (
        "No credentials were sent. A partner sends its API key as "
        "'Authorization: Bearer <key>'; a participant logs in first."
    )
    assert indonesian.json()["message"] != english.json()["message"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(MEMBERS).json()["message"] == english.json()["message"]


def test_our_own_messages_are_translated(client, employer_a):
    key = make_key(employer_a, expires_in=datetime.timedelta(seconds=-1))
    english = client.get(MEMBERS, HTTP_ACCEPT_LANGUAGE="en", **bearer(key)).json()
    indonesian = client.get(MEMBERS, **bearer(key)).json()
    assert "expired" in english["message"]
    assert indonesian["message"] != english["message"]


# Throttling ---------------------------------------------------------------------------------


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "rate", "3/min", raising=False)
    monkeypatch.setattr(AnonymousIpThrottle, "rate", "3/min", raising=False)


def test_each_key_has_its_own_budget(client, low_rates, employer_a, employer_b):
    first, second = make_key(employer_a), make_key(employer_b)
    for _ in range(3):
        assert client.get(MEMBERS, **bearer(first)).status_code == 200
    response = client.get(MEMBERS, **bearer(first))
    assert_error_shape(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert client.get(MEMBERS, **bearer(second)).status_code == 200


def test_guessing_keys_is_throttled_per_ip_even_with_a_forged_forwarded_for(client, low_rates):
    statuses = [
        client.get(
            MEMBERS,
            HTTP_AUTHORIZATION=f"Bearer jmo_guess{n}_x",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            REMOTE_ADDR="203.0.113.9",
        ).status_code
        for n in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    other_ip = client.get(MEMBERS, REMOTE_ADDR="203.0.113.10")
    assert other_ip.status_code == 401


def test_behind_one_proxy_only_the_address_it_appended_counts(client, low_rates):
    rest = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    with override_settings(REST_FRAMEWORK=rest):
        statuses = [
            client.get(
                MEMBERS,
                # the client forges the left part; the proxy appends the real address
                HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.77",
                REMOTE_ADDR="127.0.0.1",
            ).status_code
            for n in range(4)
        ]
        assert statuses == [401, 401, 401, 429]
        assert (
            client.get(
                MEMBERS, HTTP_X_FORWARDED_FOR="198.51.100.78", REMOTE_ADDR="127.0.0.1"
            ).status_code
            == 401
        )


def test_the_proxy_count_comes_from_the_environment():
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_expiry_is_checked_against_the_clock(client, employer_a, clock):
    clock.move_to(timezone.now())
    key = make_key(employer_a, expires_in=datetime.timedelta(hours=1))
    assert client.get(MEMBERS, **bearer(key)).status_code == 200
    clock.shift(datetime.timedelta(hours=2))
    assert_error_shape(client.get(MEMBERS, **bearer(key)), 401, "credential_expired")


def test_the_schema_documents_every_partner_endpoint_with_the_bearer_scheme(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in ["leavers", "new-members", "members", "members/{kpj}", "claims",
                 "contributions", "contributions/{report_id}",
                 "contributions/{report_id}/cancel"]:  # fmt: skip
        assert f"/api/v1/employers/me/{path}" in paths
    assert schema["components"]["securitySchemes"]["partnerKey"]["scheme"] == "bearer"
    leavers = paths["/api/v1/employers/me/leavers"]["post"]
    assert leavers["security"] == [{"partnerKey": ["members:write"]}]
    assert "422" in leavers["responses"]
    report = paths["/api/v1/employers/me/contributions"]["post"]
    assert {"202", "201", "413", "415", "422"} <= set(report["responses"])
    listing = paths["/api/v1/employers/me/contributions"]["get"]
    assert listing["operationId"] == "employer_contributions_list"
    assert {"page", "page_size", "status"} <= {p["name"] for p in listing["parameters"]}
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["$ref"].endswith("/PaginatedPartnerContributionReportStatusList")
    cancel = paths["/api/v1/employers/me/contributions/{report_id}/cancel"]["post"]
    assert {"200", "404", "409"} <= set(cancel["responses"])
    assert "requestBody" not in cancel


def test_the_docs_page_uses_local_assets(client):
    page = client.get(reverse("api-docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()
