"""The published OpenAPI documents are a contract a generated client can trust: valid
(openapi-spec-validator), clean under Redocly's recommended rules (tools/redocly), the partner
document holds only partner operations, and every partner operation states its scope, its
errors and its headers."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from openapi_spec_validator import validate

from jmo_portal.api_errors import ERROR_CODES
from tests.conftest import service_unavailable

pytestmark = pytest.mark.django_db

PARTNER_SCHEMA = "/api/schema/partner/"
FULL_SCHEMA = "/api/schema/"
REDOCLY_FOLDER = Path(settings.BASE_DIR) / "tools" / "redocly"
REDOCLY = REDOCLY_FOLDER / "node_modules" / ".bin" / "redocly"
ERRORS_EVERYWHERE = {"400", "401", "403", "404", "405", "406", "429"}
ERRORS_OF_WRITES = {"413", "415", "422"}
METHODS = {"get", "post", "put", "patch", "delete"}


def document(client, url: str) -> dict:
    response = client.get(url, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(schema: dict):
    for path, items in schema["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield path, method, operation


@pytest.mark.parametrize("url", [PARTNER_SCHEMA, FULL_SCHEMA])
def test_both_documents_pass_openapi_spec_validator(client, url):
    validate(document(client, url))


def redocly_problem() -> str | None:
    if not shutil.which("node"):
        return "needs Node.js 20 (apt-get install nodejs npm) for the Redocly lint"
    if not REDOCLY.exists():
        return "needs `npm ci --prefix tools/redocly` (make test runs it) for the Redocly lint"
    return None


@pytest.mark.parametrize("url", [PARTNER_SCHEMA, FULL_SCHEMA])
def test_redocly_recommended_lint_is_clean(client, url, tmp_path):
    reason = redocly_problem()
    if reason:
        service_unavailable(reason)
    path = tmp_path / "openapi.json"
    path.write_bytes(json.dumps(document(client, url)).encode())
    command = [str(REDOCLY), "lint", str(path), "--config", str(REDOCLY_FOLDER / "redocly.yaml")]
    if url == FULL_SCHEMA:
        # Only the participant's own claim list, /api/v1/me/claims/, ends in a slash (the
        # portal's pages and their tests call it so); the partner document has no such path
        # and is linted with the rule on.
        command += ["--skip-rule", "no-path-trailing-slash"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)  # noqa: S603
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "warning" not in done.stdout.lower(), done.stdout[-4000:]


def test_the_partner_document_holds_only_what_a_partner_key_may_call(client):
    schema = document(client, PARTNER_SCHEMA)
    assert set(schema["components"]["securitySchemes"]) == {"partnerKey"}
    found = {(path, method) for path, method, _op in operations(schema)}
    assert len(found) == 13
    assert all(path.startswith("/api/v1/employers/me/") for path, _method in found)
    assert schema["servers"] == [{"url": settings.PORTAL_BASE_URL, "description": "This portal."}]
    assert schema["openapi"].startswith("3.1")


def test_the_full_document_tags_partner_participant_and_public_operations_apart(client):
    schema = document(client, FULL_SCHEMA)
    for path, _method, operation in operations(schema):
        (tag,) = operation["tags"]
        if path.startswith("/api/v1/employers/me/"):
            assert tag.startswith("Partner: ")
        elif path.startswith("/api/v1/me/"):
            assert tag == "Participant: own data"
            assert operation["security"] == [{"cookieAuth": []}]
        else:
            assert tag == "Public: simulators"


def test_the_schema_is_english_whatever_the_request_asks(client):
    english = client.get(PARTNER_SCHEMA, HTTP_ACCEPT="application/json")
    indonesian = client.get(
        PARTNER_SCHEMA, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert english.content == indonesian.content
    states = json.loads(indonesian.content)["components"]["schemas"]["ContributionReportStatusEnum"]
    assert "`refused` - Refused" in states["description"]
    assert "Ditolak" not in states["description"]


def test_every_partner_operation_names_its_scope_errors_and_headers(client):
    schema = document(client, PARTNER_SCHEMA)
    scopes = {}
    for path, method, operation in operations(schema):
        assert operation["summary"], (path, method)
        (requirement,) = operation["security"]
        (scope,) = requirement["partnerKey"]
        scopes[(path, method)] = scope
        responses = operation["responses"]
        expected = ERRORS_EVERYWHERE | (ERRORS_OF_WRITES if method == "post" else set())
        assert expected <= set(responses), (path, method)
        assert f"`{scope}`" in responses["403"]["description"]
        for status, response in responses.items():
            assert response["description"], (path, method, status)
            headers = response.get("headers", {})
            assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(headers)
            if status == "429":
                assert "Retry-After" in headers
            if method == "post" and status.startswith("2"):
                assert "Idempotent-Replayed" in headers, (path, status)
        assert "idempotency key" in responses.get("422", {"description": "idempotency key"})[
            "description"
        ].lower().replace("`", "").replace("-", " ")
    contributions = "/api/v1/employers/me/contributions"
    collective = "/api/v1/employers/me/collective-claims"
    assert scopes == {
        ("/api/v1/employers/me/claims", "get"): "claims:read",
        (contributions, "get"): "contributions:read",
        (contributions, "post"): "contributions:write",
        (f"{contributions}/{{report_id}}", "get"): "contributions:read",
        (f"{contributions}/{{report_id}}/cancel", "post"): "contributions:write",
        ("/api/v1/employers/me/leavers", "post"): "members:write",
        ("/api/v1/employers/me/members", "get"): "members:read",
        ("/api/v1/employers/me/members/{kpj}", "get"): "members:read",
        ("/api/v1/employers/me/new-members", "post"): "members:write",
        (collective, "get"): "claims:read",
        (collective, "post"): "claims:write",
        (f"{collective}/csv", "post"): "claims:write",
        (f"{collective}/{{collective_id}}", "get"): "claims:read",
    }
    queued = schema["paths"][contributions]["post"]["responses"]["202"]
    assert queued["headers"]["Location"]["schema"]["format"] == "uri"
    filed = schema["paths"][collective]["post"]["responses"]["201"]
    assert filed["headers"]["Location"]["schema"]["format"] == "uri"
    assert "text/csv" in schema["paths"][f"{collective}/csv"]["post"]["requestBody"]["content"]


def test_the_error_schema_lists_every_code_with_its_meaning(client):
    schema = document(client, PARTNER_SCHEMA)["components"]["schemas"]
    error = schema["Error"]
    assert set(error["required"]) == {"code", "message", "fields"}
    (reference,) = error["properties"]["code"]["allOf"]
    code = schema[reference["$ref"].rsplit("/", 1)[1]]
    assert code["enum"] == list(ERROR_CODES)
    for value, meaning in ERROR_CODES.items():
        assert f"`{value}` - {meaning}" in code["description"]


def test_every_error_code_raised_in_the_code_is_in_the_enum():
    """A code given to ApiError or a DRF exception anywhere in the apps is listed (with its
    meaning) in ERROR_CODES; the handler answers an unlisted one as `error`."""
    raised = set()
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if path.parts[len(Path(settings.BASE_DIR).parts)] in {"tests", ".venv", "benchmarks"}:
            continue
        if "migrations" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text()
        if "rest_framework" not in text and "ApiError" not in text:
            continue
        raised |= set(re.findall(r'\bcode="([a-z_]+)"', text))
        for block in re.findall(r"answers = \{(.*?)\n    \}", text, re.S):
            raised |= set(re.findall(r'\(\s*"([a-z_]+)",', block))
    assert {"report_posted", "credential_revoked", "request_too_large"} <= raised
    assert raised - set(ERROR_CODES) == set()


def test_money_is_int64_and_datetimes_are_utc_date_times(client):
    schemas = document(client, PARTNER_SCHEMA)["components"]["schemas"]
    money = [
        ("PartnerContributionProgramAmount", "total"),
        ("PartnerContributionRowResult", "wage"),
        ("PartnerContributionRowResult", "total"),
        ("PartnerContributionTotals", "total"),
        ("PartnerContributionShareTotals", "employer"),
        ("PartnerContributionAmountInput", "worker"),
    ]
    for name, field in money:
        prop = schemas[name]["properties"][field]
        assert (prop["type"], prop["format"]) == ("integer", "int64"), (name, field)
        assert "whole rupiah" in prop["description"].lower()
    status = schemas["PartnerContributionReportStatus"]["properties"]
    for field in ("created_at", "started_at", "finished_at"):
        assert status[field]["format"] == "date-time"
        assert "UTC" in status[field]["description"]
    assert status["status_url"]["format"] == "uri"


def test_page_size_has_its_maximum_in_the_schema(client):
    schema = document(client, PARTNER_SCHEMA)
    listing = schema["paths"]["/api/v1/employers/me/members"]["get"]
    (page_size,) = [p for p in listing["parameters"] if p["name"] == "page_size"]
    assert (page_size["schema"]["minimum"], page_size["schema"]["maximum"]) == (1, 200)


def test_enums_carry_their_indonesian_labels_in_an_extension(client):
    schemas = document(client, PARTNER_SCHEMA)["components"]["schemas"]
    states = schemas["ContributionReportStatusEnum"]
    assert states["x-labels-id"]["refused"] == "Ditolak"
    assert "Ditolak" not in states["description"]
    assert "x-labels-id" not in schemas["ErrorCodeEnum"]
