"""The public simulators: API contract, one error shape, throttling, schema and pages."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from participants import ledger
from participants.models import ContributionPosting
from tests.factories import BranchFactory, KpjCardFactory, ParticipantFactory, StaffFactory

pytestmark = pytest.mark.django_db
CONTRIBUTION = "/api/v1/simulations/contribution"


def simulate(client, **body):
    return client.post(CONTRIBUTION, body, content_type="application/json")


def test_jakon_worked_case_through_the_api(client):
    response = simulate(client, category="JAKON", on_date="2024-01-01", project_value=850_000_000)
    assert response.status_code == 200
    data = response.json()
    assert data["programs"] == [
        {"program": "JKK", "employer": 1_345_000, "worker": 0, "total": 1_345_000,
         "government": 0, "recomposed": 0},
        {"program": "JKM", "employer": 180_000, "worker": 0, "total": 180_000,
         "government": 0, "recomposed": 0},
    ]  # fmt: skip
    assert data["total"] == 1_525_000
    assert data["rules_valid_on"] == "2024-01-01"


def test_ppu_through_the_api_lists_each_program(client):
    data = simulate(client, category="PPU", on_date="2025-06-01", monthly_wage=5_000_000,
                    jkk_risk_class=1).json()  # fmt: skip
    assert [p["program"] for p in data["programs"]] == ["JKK", "JKM", "JHT", "JP", "JKP"]
    assert data["unconfirmed"] is True  # the 2025 JP cap is flagged unconfirmed


def test_jkk_relief_through_the_api(client):
    """Class 3 (0.89 %) on Rp5,000,000 in March 2025: halved to 0.445 % with the relief."""
    body = {"category": "PPU", "on_date": "2025-03-01", "monthly_wage": 5_000_000,
            "jkk_risk_class": 3}  # fmt: skip
    full = simulate(client, **body).json()["programs"][0]
    relieved = simulate(client, **body, jkk_relief=True).json()["programs"][0]
    assert (full["program"], full["employer"]) == ("JKK", 44_500)
    assert (relieved["program"], relieved["employer"]) == ("JKK", 22_250)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"category": "PPU", "on_date": "2024-01-01"}, {"monthly_wage", "jkk_risk_class"}),
        ({"category": "PPU", "on_date": "2024-13-01", "monthly_wage": 1, "jkk_risk_class": 1},
         {"on_date"}),
        ({"category": "PPU", "on_date": "2024-01-01", "monthly_wage": 1, "jkk_risk_class": 9},
         {"jkk_risk_class"}),
        ({"category": "NOPE", "on_date": "2024-01-01"}, {"category"}),
        ({"category": "PMI", "on_date": "2024-01-01"}, {"pmi_phase"}),
        ({"category": "JAKON", "on_date": "2024-01-01", "project_value": -5}, {"project_value"}),
        ({"category": "BPU", "on_date": "2010-01-01", "monthly_wage": 1}, {"on_date"}),
        ({}, {"category", "on_date"}),
    ],
)  # fmt: skip
def test_missing_or_impossible_fields_give_400_per_field(client, body, fields):
    response = simulate(client, **body)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert set(data["fields"]) == fields
    assert all(messages and all(isinstance(m, str) for m in messages)
               for messages in data["fields"].values())  # fmt: skip


def test_errors_are_in_indonesian_by_default_and_english_on_request(client):
    body = {"category": "PPU", "on_date": "2024-01-01", "jkk_risk_class": 1}
    indonesian = simulate(client, **body).json()["fields"]["monthly_wage"][0]
    client.cookies["django_language"] = "en"
    english = simulate(client, **body).json()["fields"]["monthly_wage"][0]
    assert english == "Enter the monthly wage in rupiah."
    assert indonesian != english


def test_pension_age_api(client):
    assert client.get("/api/v1/simulations/pension-age", {"year": 2031}).json() == {
        "year": 2031,
        "pension_age": 61,
    }
    response = client.get("/api/v1/simulations/pension-age", {"year": "soon"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["year"]
    assert client.get("/api/v1/simulations/pension-age", {"year": 2010}).status_code == 400


def test_jht_projection_api(client):
    response = client.post(
        "/api/v1/simulations/jht-projection",
        {"balance": 10_000_000, "monthly_wage": 5_000_000, "years": 2, "annual_return": "6"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["years"][0] == {"year": 1, "opening": 10_000_000, "contributions": 3_420_000,
                                "returns": 702_600, "closing": 14_122_600}  # fmt: skip
    assert data["final_balance"] == data["years"][1]["closing"]


def test_simulators_are_throttled_per_client(client, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "simulations", "3/min")
    for _ in range(3):
        assert client.get("/api/v1/simulations/pension-age", {"year": 2030}).status_code == 200
    response = client.get("/api/v1/simulations/pension-age", {"year": 2030})
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_openapi_schema_lists_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/simulations/contribution", "/api/v1/simulations/pension-age",
                 "/api/v1/simulations/jht-projection", "/api/v1/me/balance"):  # fmt: skip
        assert path in schema["paths"]
    body = schema["paths"]["/api/v1/simulations/contribution"]["post"]
    assert "400" in body["responses"]


# --- pages ------------------------------------------------------------------------------------


def test_contribution_page_without_an_account(client):
    response = client.get(
        reverse("simulate_contribution"),
        {"category": "JAKON", "on_date": "2024-01-01", "project_value": 850_000_000},
    )
    assert response.status_code == 200
    assert "Rp1.345.000" in response.content.decode()


def test_contribution_page_takes_the_jkk_relief(client):
    client.cookies["django_language"] = "en"
    query = {"category": "PPU", "on_date": "2025-03-01", "monthly_wage": 5_000_000,
             "jkk_risk_class": 3}  # fmt: skip
    full = client.get(reverse("simulate_contribution"), query).content.decode()
    relieved = client.get(reverse("simulate_contribution"), {**query, "jkk_relief": "on"})
    body = relieved.content.decode()
    assert "Rp44.500" in full
    assert "JKK relief:" not in full
    assert "Rp22.250" in body
    assert "JKK relief: 50 % off the rate (PP 7/2025, PP 36/2025)." in body
    client.cookies["django_language"] = "id"
    indonesian = client.get(reverse("simulate_contribution"), {**query, "jkk_relief": "on"})
    assert "Keringanan iuran JKK: tarif dipotong 50 %" in indonesian.content.decode()


def test_contribution_page_shows_field_errors(client):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("simulate_contribution"), {"category": "PMI",
                                                             "on_date": "2024-01-01"})  # fmt: skip
    assert response.context["form"].errors["pmi_phase"] == [
        "Choose pre_departure (before leaving) or placement."
    ]


def test_pension_age_on_the_page(client):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("simulate_contribution"), {"year": 2043}).content.decode()
    assert "In 2043 the pension age is 65." in body


def test_jht_page_draws_a_table_and_a_chart(client):
    response = client.get(
        reverse("simulate_jht"),
        {"balance": 0, "monthly_wage": 5_000_000, "years": 5, "annual_return": "5.5"},
    )
    body = response.content.decode()
    assert body.count("<rect") == 5
    assert "Rp3.420.000" in body


# --- admin ------------------------------------------------------------------------------------


def test_staff_see_only_their_branchs_postings_and_cannot_edit_them(client):
    soreang, majalaya = BranchFactory(code="soreang"), BranchFactory(code="majalaya")
    mine = KpjCardFactory(participant=ParticipantFactory(branch=soreang), number="30000000001")
    theirs = KpjCardFactory(participant=ParticipantFactory(branch=majalaya), number="30000000002")
    for card in (mine, theirs):
        ledger.ledger_contribution_post(kpj_card=card, month=datetime.date(2024, 1, 1),
                                        program="JHT", employer_amount=1, worker_amount=1,
                                        paid_on=datetime.date(2024, 2, 1))  # fmt: skip
    perms = ["participants.view_contributionposting", "participants.change_contributionposting",
             "participants.view_jhtbalance"]  # fmt: skip
    client.force_login(StaffFactory(branch=soreang, perms=perms))
    body = client.get(reverse("admin:participants_contributionposting_changelist")).content
    assert b"30000000001" in body
    assert b"30000000002" not in body
    posting = ContributionPosting.objects.get(kpj_card=mine)
    change = client.post(
        reverse("admin:participants_contributionposting_change", args=[posting.pk]),
        {"amount": 999},
    )
    assert change.status_code == 403
    assert ContributionPosting.objects.get(pk=posting.pk).amount == 2
    balances = client.get(reverse("admin:participants_jhtbalance_changelist")).content.decode()
    assert mine.participant.full_name in balances
    assert theirs.participant.full_name not in balances


def test_rate_tables_flag_unconfirmed_rows_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:participants_ruleamount_changelist"),
                          {"unconfirmed__exact": "1"})  # fmt: skip
    assert response.status_code == 200
    assert b"10547400" in response.content or b"10.547.400" in response.content
