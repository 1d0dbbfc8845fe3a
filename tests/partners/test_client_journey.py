"""A partner's journey through clients generated from the published partner document by tools
nobody on the project wrote, against a live server:

- openapi-python-client generates the client the journey runs through (register members,
  list and read them, report a leaver, post a report, replay it, poll it, list reports, cancel
  a posted and a queued one, list claims, and a few refusals);
- datamodel-code-generator generates pydantic models, strict about nullable fields
  (`--strict-nullable`: a field may be null only where the schema says so) and about extra
  fields (`--extra-fields forbid`); every answer of the journey must validate against the model
  the document names for its operation and status.

Both are generated once per test session into a temporary folder.
"""

import datetime
import importlib
import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from django.test import Client

from participants.models import KpjCard
from partners.models import ContributionReport
from tests.factories import ClaimFactory, ContributionReportFactory, make_nik

from .conftest import make_key

BIN = Path(sys.executable).parent
CLIENT_PACKAGE = "jmo_partner_client"
MODELS_MODULE = "jmo_partner_models"
BIRTH = datetime.date(1991, 3, 14)


@dataclass
class Contract:
    schema: dict
    client: ModuleType
    models: ModuleType

    def operation(self, operation_id: str) -> dict:
        for items in self.schema["paths"].values():
            for operation in items.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    return operation
        raise KeyError(operation_id)

    def model_for(self, operation_id: str, status: int):
        response = self.operation(operation_id)["responses"][str(status)]
        return self.model_of(response["content"]["application/json"])

    def model_of(self, content: dict):
        return getattr(self.models, content["schema"]["$ref"].rsplit("/", 1)[1])


def _run(command: list[str], folder: Path) -> None:
    done = subprocess.run(  # noqa: S603 - our pinned tools, fixed arguments
        command, cwd=folder, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="session")
def contract(django_db_setup, django_db_blocker, tmp_path_factory) -> Contract:
    folder = tmp_path_factory.mktemp("partner_contract")
    with django_db_blocker.unblock():
        response = Client().get(
            "/api/schema/partner/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
    assert response.status_code == 200
    schema_file = folder / "partner.json"
    schema_file.write_bytes(response.content)
    config = folder / "client.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: the code is only imported
    _run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(schema_file),
         "--meta", "none", "--output-path", str(folder / CLIENT_PACKAGE),
         "--config", str(config)],
        folder,
    )  # fmt: skip
    _run(
        [str(BIN / "datamodel-codegen"), "--input", str(schema_file),
         "--input-file-type", "openapi", "--output", str(folder / f"{MODELS_MODULE}.py"),
         "--output-model-type", "pydantic_v2.BaseModel", "--strict-nullable",
         "--extra-fields", "forbid", "--output-datetime-class", "AwareDatetime",
         "--use-annotated", "--disable-timestamp", "--formatters", "black"],
        folder,
    )  # fmt: skip
    sys.path.insert(0, str(folder))
    try:
        yield Contract(
            schema=json.loads(response.content),
            client=_import_client(),
            models=importlib.import_module(MODELS_MODULE),
        )
    finally:
        sys.path.remove(str(folder))


def _import_client() -> ModuleType:
    package = importlib.import_module(CLIENT_PACKAGE)
    importlib.import_module(f"{CLIENT_PACKAGE}.models")
    return package


class Journey:
    """Calls the generated client and holds every answer to the models generated apart."""

    def __init__(self, contract: Contract, base_url: str, key: str):
        self.contract = contract
        self.http = contract.client.AuthenticatedClient(
            base_url=base_url, token=key, headers={"Accept-Language": "en"}
        )
        self.checked: list[tuple[str, int]] = []

    def call(self, module: str, operation_id: str, expected: int, **kwargs):
        api = importlib.import_module(f"{CLIENT_PACKAGE}.api.{module}.{operation_id}")
        response = api.sync_detailed(client=self.http, **kwargs)
        assert response.status_code == expected, response.content
        # The generated client parsed it into the type its document names ...
        model = self.contract.model_for(operation_id, expected)
        assert type(response.parsed).__name__ == model.__name__, (operation_id, response.parsed)
        # ... and the independent pydantic model, strict about nulls and extra fields, takes it.
        model.model_validate_json(response.content)
        for header in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
            assert header in response.headers, (operation_id, header)
        self.checked.append((operation_id, expected))
        return response

    def body(self, name: str, data: dict):
        return getattr(self.contract.client.models, name).from_dict(data)


@pytest.mark.django_db(transaction=True)
def test_a_partner_journey_through_two_generated_clients(
    contract, live_server, employer_a, dated_rules, request
):
    journey = Journey(contract, live_server.url, make_key(employer_a))
    # httpx keeps the connection alive, and with it the server thread and its database
    # connection: closed at the end so the test database can be dropped.
    request.addfinalizer(journey.http.get_httpx_client().close)
    members = "partner_members"
    reports = "partner_contribution_reports"

    # Register two workers, list and read them, report one as a leaver.
    people = [
        {"nik": make_nik(birth_date=BIRTH, sequence=n), "full_name": f"Pekerja {n}",
         "birth_date": BIRTH.isoformat(), "joined_on": "2025-12-01"}
        for n in (1, 2)
    ]  # fmt: skip
    created = journey.call(
        members, "employer_new_members_create", 201,
        body=journey.body("PartnerNewMembersInput", {"members": people}),
        idempotency_key=str(uuid.uuid4()),
    ).parsed  # fmt: skip
    first, second = (row.kpj for row in created.members)
    listed = journey.call(members, "employer_members_list", 200, page_size=1).parsed
    assert (listed.count, len(listed.results)) == (2, 1)
    assert listed.next_.startswith(live_server.url) is False  # PORTAL_BASE_URL, not the Host
    assert listed.next_.startswith("http")
    journey.call(members, "employer_members_retrieve", 200, kpj=first)
    journey.call(members, "employer_members_retrieve", 404, kpj="99999999999")
    journey.call(
        members, "employer_leavers_create", 200,
        body=journey.body(
            "PartnerLeaversInput",
            {"leavers": [{"kpj": second, "left_on": "2026-01-31", "reason": "resignation"}]},
        ),
    )  # fmt: skip

    # Post a report, replay it with the same key, poll it, list it, fail to cancel it.
    report = journey.body(
        "PartnerContributionReportInput",
        {"rows": [{"kpj": first, "month": "2026-01", "wage": 5_000_000}]},
    )
    key = str(uuid.uuid4())
    posted = journey.call(
        reports, "employer_contributions_create", 201, body=report, idempotency_key=key
    )
    replayed = journey.call(
        reports, "employer_contributions_create", 201, body=report, idempotency_key=key
    )
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert json.loads(replayed.content) == json.loads(posted.content)
    report_id = posted.parsed.report.id
    status = journey.call(reports, "employer_contributions_retrieve", 200, report_id=report_id)
    assert status.parsed.status.value == "posted"
    assert status.parsed.started_at is not None
    journey.call(reports, "employer_contributions_list", 200)
    refused = journey.call(reports, "employer_contributions_cancel", 409, report_id=report_id)
    assert refused.parsed.code.value == "report_posted"

    # Cancel a report no worker has started; reuse an idempotency key with another body.
    queued = ContributionReportFactory(employer=employer_a, status=ContributionReport.Status.QUEUED)
    cancelled = journey.call(reports, "employer_contributions_cancel", 200, report_id=queued.pk)
    assert cancelled.parsed.status.value == "cancelled"
    other = journey.body(
        "PartnerContributionReportInput",
        {"rows": [{"kpj": first, "month": "2026-02", "wage": 5_000_000}]},
    )
    journey.call(reports, "employer_contributions_create", 422, body=other, idempotency_key=key)

    # Claims of the workers; a bad page size is a 400 in the error body.
    ClaimFactory(participant=_participant_of(first))
    claims = journey.call("partner_claims", "employer_claims_list", 200).parsed
    assert claims.count == 1
    journey.call("partner_claims", "employer_claims_list", 400, page_size=0)

    # File a collective claim for the leaver and the worker still there; follow it, list it.
    _claim_rules_seeded()
    collective = "partner_collective_claims"
    filed = journey.call(
        collective, "employer_collective_claims_create", 201,
        body=journey.body(
            "PartnerCollectiveClaimInput", {"members": [{"kpj": second}, {"kpj": first}]}
        ),
        idempotency_key=str(uuid.uuid4()),
    )  # fmt: skip
    assert filed.headers["Location"] == filed.parsed.status_url
    codes = [[refusal.code.value for refusal in row.refusals] for row in filed.parsed.rows]
    assert "bank_account_missing" in codes[0]  # no payout account in the worker's name yet
    assert codes[1] == ["not_reported_left"]
    group = filed.parsed.id
    journey.call(collective, "employer_collective_claims_retrieve", 200, collective_id=group)
    journey.call(collective, "employer_collective_claims_retrieve", 404, collective_id=group + 1)
    journey.call(collective, "employer_collective_claims_list", 200)

    assert len(journey.checked) == 18


def _claim_rules_seeded():
    """The claim rules' dated rows, written again when a transactional test's flush removed
    them."""
    from claims.models import ClaimRuleValue
    from tests.claims.conftest import seed_claim_rules

    if not ClaimRuleValue.objects.exists():
        seed_claim_rules()


def _participant_of(kpj: str):
    return KpjCard.objects.select_related("participant").get(number=kpj).participant


def test_every_example_in_the_partner_document_fits_its_generated_model(contract):
    """Every request has an example, every operation an example of its success answer, and
    each example validates against the strict pydantic model of its schema."""
    checked = 0
    for items in contract.schema["paths"].values():
        for operation in items.values():
            if "requestBody" in operation:
                bodies = operation["requestBody"]["content"]
                if "text/csv" in bodies:  # a CSV file: a header line naming the kpj column
                    examples = bodies["text/csv"].get("examples")
                    assert examples, operation["operationId"]
                    for example in examples.values():
                        assert example["value"].splitlines()[0].split(",").count("kpj") == 1
                        checked += 1
                    bodies = {}
                for content in bodies.values():
                    assert content.get("examples"), operation["operationId"]
                    for example in content["examples"].values():
                        contract.model_of(content).model_validate(example["value"])
                        checked += 1
            successes = 0
            for status, response in operation["responses"].items():
                content = response.get("content", {}).get("application/json", {})
                for example in content.get("examples", {}).values():
                    contract.model_of(content).model_validate_json(json.dumps(example["value"]))
                    successes += status.startswith("2")
                    checked += 1
            assert successes, operation["operationId"]
    assert checked >= 19
