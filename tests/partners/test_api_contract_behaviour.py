"""What the schema promises, as the API does it: the JSON error body on every path under /api/
(unknown routes, 405, 406, 500 included), rate-limit headers on successful answers, a strict
`page_size`, UTC datetimes, absolute URLs, the read scope for reports and the migrations that
renamed the report states and granted that scope."""

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.test import RequestFactory
from django.utils import translation

from jmo_portal import pages
from partners.auth import AnonymousIpThrottle, PartnerRateThrottle
from partners.models import ContributionReport, PartnerCredential, PartnerScope
from tests.factories import ContributionReportFactory

from .conftest import bearer, make_key
from .test_auth import assert_error_shape

pytestmark = pytest.mark.django_db

BASE = "/api/v1/employers/me"
UTC_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/contributions/abc",
        f"{BASE}/members/",
        f"{BASE}/contributions/1/cancel/now",
        "/api/v1/nothing-here",
        "/api/",
    ],
)
def test_a_path_under_api_that_matches_no_route_is_the_json_error_body(client, key_a, path):
    body = assert_error_shape(client.get(path, **bearer(key_a)), 404, "not_found")
    assert body["fields"] == {}


def test_the_json_404_speaks_the_requests_language(client):
    english = client.get(f"{BASE}/contributions/abc", HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get(f"{BASE}/contributions/abc")
    assert english.json()["message"].startswith("Nothing was found at this address")
    assert indonesian.json()["message"].startswith("Tidak ada yang ditemukan")
    assert (english["Content-Language"], indonesian["Content-Language"]) == ("en", "id")


def test_a_page_outside_api_keeps_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_wrong_method_is_a_405_in_the_error_shape_with_allow(client, key_a):
    response = client.get(f"{BASE}/leavers", **bearer(key_a))
    assert_error_shape(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_asking_for_html_is_a_406_in_the_error_shape(client, key_a):
    response = client.get(f"{BASE}/members", HTTP_ACCEPT="text/html", **bearer(key_a))
    assert_error_shape(response, 406, "not_acceptable")
    assert response["Content-Type"] == "application/json"


def test_a_server_error_under_api_is_the_json_error_body():
    request = RequestFactory().get(f"{BASE}/members", HTTP_ACCEPT_LANGUAGE="en")
    response = pages.server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b'"code": "error"' in response.content


def test_successful_answers_carry_the_rate_limit_headers(client, key_a, monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "rate", "5/min", raising=False)
    first = client.get(f"{BASE}/members", **bearer(key_a))
    second = client.get(f"{BASE}/members", **bearer(key_a))
    assert first.status_code == second.status_code == 200
    assert (first["RateLimit-Limit"], first["RateLimit-Remaining"]) == ("5", "4")
    assert second["RateLimit-Remaining"] == "3"
    assert 0 < int(second["RateLimit-Reset"]) <= 60


@pytest.mark.parametrize(
    ("language", "start"),
    [("en", "Too many requests. Try again in "), ("id", "Terlalu banyak permintaan. Coba lagi")],
)
def test_a_429_says_when_to_come_back_in_one_language(client, key_a, monkeypatch, language, start):
    monkeypatch.setattr(PartnerRateThrottle, "rate", "1/min", raising=False)
    client.get(f"{BASE}/members", **bearer(key_a))
    response = client.get(f"{BASE}/members", HTTP_ACCEPT_LANGUAGE=language, **bearer(key_a))
    body = assert_error_shape(response, 429, "throttled")
    assert body["message"].startswith(start)
    if language == "id":
        assert "Expected" not in body["message"]
        assert "second" not in body["message"]
    assert int(response["Retry-After"]) > 0
    assert response["RateLimit-Remaining"] == "0"


def test_a_key_without_the_scope_is_counted_and_told_its_limit(client, employer_a, monkeypatch):
    monkeypatch.setattr(PartnerRateThrottle, "rate", "5/min", raising=False)
    key = make_key(employer_a, scopes=[PartnerScope.CLAIMS_READ])
    refused = client.get(f"{BASE}/members", **bearer(key))
    allowed = client.get(f"{BASE}/claims", **bearer(key))
    assert (refused.status_code, allowed.status_code) == (403, 200)
    assert (refused["RateLimit-Remaining"], allowed["RateLimit-Remaining"]) == ("4", "3")


def test_a_call_without_a_key_carries_the_per_address_limit(client, monkeypatch):
    monkeypatch.setattr(AnonymousIpThrottle, "rate", "7/min", raising=False)
    response = client.get(f"{BASE}/members")
    assert response.status_code == 401
    assert (response["RateLimit-Limit"], response["RateLimit-Remaining"]) == ("7", "6")


@pytest.mark.parametrize("value", ["abc", "0", "201", "-1", "1.5"])
def test_a_bad_page_size_is_a_400_naming_the_field(client, key_a, value):
    response = client.get(f"{BASE}/members?page_size={value}", **bearer(key_a))
    body = assert_error_shape(response, 400, "invalid")
    assert list(body["fields"]) == ["page_size"]


def test_the_largest_page_size_is_accepted(client, key_a):
    assert client.get(f"{BASE}/claims?page_size=200", **bearer(key_a)).status_code == 200


def test_a_report_posted_within_the_request_has_utc_datetimes_and_an_absolute_url(
    client, key_a, card_a, dated_rules
):
    row = {"kpj": card_a.number, "month": "2026-01", "wage": 5_000_000}
    response = client.post(
        f"{BASE}/contributions", data={"rows": [row]}, content_type="application/json",
        **bearer(key_a),
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    report = response.json()["report"]
    assert report["status"] == "posted"
    for field in ("created_at", "started_at", "finished_at"):
        assert UTC_SECONDS.match(report[field]), (field, report[field])
    assert report["started_at"] <= report["finished_at"]
    assert report["status_url"] == f"{settings.PORTAL_BASE_URL}{BASE}/contributions/{report['id']}"


def test_reading_reports_needs_the_read_scope_and_posting_the_write_scope(client, employer_a):
    writer = make_key(employer_a, scopes=[PartnerScope.CONTRIBUTIONS_WRITE])
    reader = make_key(employer_a, scopes=[PartnerScope.CONTRIBUTIONS_READ])
    report = ContributionReportFactory(employer=employer_a)
    for url in (f"{BASE}/contributions", f"{BASE}/contributions/{report.pk}"):
        body = assert_error_shape(client.get(url, **bearer(writer)), 403, "permission_denied")
        assert "'contributions:read'" in body["message"]
        assert client.get(url, **bearer(reader)).status_code == 200
    refused = client.post(
        f"{BASE}/contributions", data={"rows": []}, content_type="application/json",
        **bearer(reader),
    )  # fmt: skip
    assert (
        "'contributions:write'" in assert_error_shape(refused, 403, "permission_denied")["message"]
    )


def test_the_migration_gives_every_writing_key_the_read_scope(employer_a):
    migration = importlib.import_module("partners.migrations.0003_contributions_read_scope")
    writer = make_key(employer_a, scopes=[PartnerScope.CONTRIBUTIONS_WRITE])
    other = make_key(employer_a, scopes=[PartnerScope.MEMBERS_READ])
    migration.grant_read(apps, None)
    scopes = {
        key.split("_")[1]: PartnerCredential.objects.get(prefix=key.split("_")[1]).scopes
        for key in (writer, other)
    }
    assert scopes[writer.split("_")[1]] == ["contributions:read", "contributions:write"]
    assert scopes[other.split("_")[1]] == ["members:read"]


def test_the_migration_renames_the_stored_report_states(employer_a):
    migration = importlib.import_module("partners.migrations.0002_contribution_report_state_names")
    done = ContributionReportFactory(employer=employer_a)
    failed = ContributionReportFactory(employer=employer_a)
    ContributionReport.objects.filter(pk=done.pk).update(status="done")
    ContributionReport.objects.filter(pk=failed.pk).update(status="failed")
    migration.rename(apps, None)
    done.refresh_from_db()
    failed.refresh_from_db()
    assert (done.status, failed.status) == ("posted", "refused")
    with translation.override("en"):
        assert done.get_status_display() == "Posted"


def test_a_list_answers_absolute_paging_links(client, key_a, employer_a):
    ContributionReportFactory.create_batch(3, employer=employer_a)
    page = client.get(f"{BASE}/contributions?page_size=1&page=2", **bearer(key_a)).json()
    assert page["next"] == f"{settings.PORTAL_BASE_URL}{BASE}/contributions?page=3&page_size=1"
    assert page["previous"] == f"{settings.PORTAL_BASE_URL}{BASE}/contributions?page_size=1"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The body is not valid JSON (line 1, column 2). Correct it and send it again."),
        ("id", "Isi permintaan bukan JSON yang benar (baris 1, kolom 2). Perbaiki lalu kirim "
               "lagi."),
    ],
)  # fmt: skip
def test_broken_json_says_where_in_the_requests_language(client, key_a, language, expected):
    response = client.post(
        f"{BASE}/leavers", data="{not json", content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language, **bearer(key_a),
    )  # fmt: skip
    assert assert_error_shape(response, 400, "parse_error")["message"] == expected


def test_rest_framework_messages_its_catalogue_lacks_are_indonesian_too(client, key_a):
    response = client.post(
        f"{BASE}/leavers", data={"leavers": []}, content_type="application/json", **bearer(key_a)
    )
    body = assert_error_shape(response, 400, "invalid")
    assert body["fields"] == {"leavers": ["Isi paling sedikit 1 item."]}


def test_a_page_past_the_last_is_a_404_that_says_so(client, key_a):
    response = client.get(f"{BASE}/members?page=9", HTTP_ACCEPT_LANGUAGE="en", **bearer(key_a))
    message = assert_error_shape(response, 404, "not_found")["message"]
    assert message == "This page does not exist. Start again from page 1."
