"""The same figures, each with its basis, on the checker, the claim page, the participant API
and the staff admin (issue 19)."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from claims.models import ClaimEstimate
from claims.rules import CLAIM_TYPES_BY_CODE
from claims.services import claim_file
from participants.ledger import ledger_contribution_post
from tests.claims.conftest import give_jht_balance, submit_kwargs
from tests.factories import KpjCardFactory, ParticipantFactory, StaffFactory, UserFactory

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
D = datetime.date
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 1, 14, 9, 0, tzinfo=JAKARTA)),
]
HOUSING = CLAIM_TYPES_BY_CODE["JHT:partial:housing"]


def contribute(card, months, programs):
    for index in range(months):
        month = D(2023 + index // 12, index % 12 + 1, 1)
        for program, amount in programs:
            ledger_contribution_post(
                kpj_card=card, month=month, program=program, employer_amount=amount,
                worker_amount=0, paid_on=month, wage=4_000_000,
            )  # fmt: skip


def check_page(client, participant, language="id", **query):
    client.force_login(participant.user)
    client.cookies["django_language"] = language
    return client.get(reverse("claims:check"), query).content.decode()


@pytest.fixture
def wage_earner():
    participant = ParticipantFactory(user=UserFactory(password=None), birth_date=D(1980, 1, 1))
    contribute(KpjCardFactory(participant=participant, joined_on=D(2023, 1, 1)), 24,
               [("JP", 120_000), ("JKM", 12_000)])  # fmt: skip
    return participant


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("id", ["Iuran JP", "Rp2.880.000", "24 bulan", "Dibayar sekaligus"]),
        ("en", ["JP contributions", "Rp2.880.000", "24 months", "Paid at once"]),
    ],
)
def test_the_checker_shows_the_jp_lump_sum_with_its_basis(client, wage_earner, language, words):
    """24 months × Rp120.000 = Rp2.880.000, no declared return yet (UU SJSN Art. 41)."""
    body = check_page(client, wage_earner, language, claim_type="JP:full:pension_age")
    for word in words:
        assert word in body


def test_the_checker_shows_the_scholarship_schedule_to_a_bpu_member(client):
    """36 JKM months of a BPU member, no JP at all: the scholarship table (PP 82/2019)."""
    participant = ParticipantFactory(user=UserFactory(password=None), category="BPU")
    contribute(KpjCardFactory(participant=participant, joined_on=D(2023, 1, 1)), 36,
               [("JKM", 6_800)])  # fmt: skip
    body = check_page(
        client, participant, "en", claim_type="JKM:full:death", event_date="2026-01-01"
    )
    assert "Scholarship for each child, by school level" in body
    assert "University or job training" in body
    assert "Rp60.000.000" in body  # 5 years × Rp12 juta


@pytest.mark.parametrize(
    ("category", "nationality", "offered"),
    [("PPU", "WNI", True), ("BPU", "WNI", False), ("PPU", "WNA", False)],
)
def test_jkp_is_offered_only_to_indonesian_wage_earners(client, category, nationality, offered):
    participant = ParticipantFactory(
        user=UserFactory(password=None), category=category, nationality=nationality
    )
    assert ('value="JKP:full:termination"' in check_page(client, participant)) is offered


def test_a_filed_claim_keeps_its_estimate_and_every_door_shows_the_same_figures(
    client, resigned, media_root
):
    """JHT partial for a home: 30 % × Rp20.000.000 = Rp6.000.000 (PP 46/2015 Art. 22(5))."""
    give_jht_balance(resigned, 20_000_000)
    claim = claim_file(**submit_kwargs(resigned, claim_type=HOUSING, event_date=None)).claim
    estimate = ClaimEstimate.objects.get(claim=claim)
    assert estimate.lines["en"][1] == ["Most you can withdraw (30 %)", 6_000_000,
                                       "30 % × Rp20.000.000"]  # fmt: skip
    assert estimate.lines["id"][1][1] == 6_000_000

    client.force_login(resigned.user)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Rp6.000.000" in page
    assert "30 % × Rp20.000.000" in page

    client.cookies["django_language"] = "en"
    listed = client.get(reverse("api-me-claims")).json()[0]
    assert listed["estimate"]["lines"][1] == {
        "label": "Most you can withdraw (30 %)", "amount": 6_000_000,
        "basis": "30 % × Rp20.000.000",
    }  # fmt: skip
    detail = client.get(reverse("api-me-claim", args=[claim.pk])).json()
    assert detail["estimate"]["lines"][1]["amount"] == 6_000_000

    client.force_login(
        StaffFactory(branch=resigned.branch, password=None, perms=["claims.view_claim"])
    )
    admin_page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert "Rp6.000.000" in admin_page.content.decode()
    assert "30 % × Rp20.000.000" in admin_page.content.decode()


def test_a_claim_filed_before_estimates_were_kept_shows_none(client, resigned):
    from tests.factories import ClaimFactory

    claim = ClaimFactory(participant=resigned)
    client.force_login(resigned.user)
    assert client.get(reverse("api-me-claim", args=[claim.pk])).json()["estimate"] is None
    assert client.get(reverse("claims:detail", args=[claim.pk])).status_code == 200


def test_staff_jkk_calculator_gives_the_benefits_with_their_basis(client):
    """Wage Rp5 juta, 13 months unable to work, right thumb lost (PP 82/2019, Lampiran III):
    12 × Rp5.000.000 + 1 × Rp2.500.000 = Rp62.500.000; 15 % × 80 × Rp5.000.000 = Rp60.000.000."""
    client.force_login(StaffFactory(password=None, perms=["claims.view_claim"]))
    client.cookies["django_language"] = "en"
    body = client.get(
        reverse("admin:claims_claim_jkk_calculator"),
        {"monthly_wage": 5_000_000, "stmb_months": 13, "disability_code": "thumb_right"},
    ).content.decode()
    assert "Rp62.500.000" in body
    assert "12 × Rp5.000.000 + 1 × Rp2.500.000" in body
    assert "Rp60.000.000" in body
    assert "15 % × 80 × Rp5.000.000" in body
    assert "Rp240.000.000" in body  # death: 48 × wage


def test_the_jkk_calculator_is_refused_without_the_claim_permission(client):
    client.force_login(StaffFactory(password=None, perms=[]))
    response = client.get(reverse("admin:claims_claim_jkk_calculator"))
    assert response.status_code == 403


def test_the_jkk_calculator_names_a_missing_wage(client):
    client.force_login(StaffFactory(password=None, perms=["claims.view_claim"]))
    client.cookies["django_language"] = "en"
    body = client.get(reverse("admin:claims_claim_jkk_calculator"), {"stmb_months": 2})
    assert "Monthly wage: enter the wage in rupiah." in body.content.decode()


def test_the_checker_estimates_jkk_from_the_reported_wage(client, wage_earner):
    """Last reported wage Rp4 juta: 13 months unable to work = 12 × Rp4.000.000 + 1 ×
    Rp2.000.000 = Rp50.000.000; right arm from the shoulder 40 % × 80 × Rp4 juta = Rp128 juta."""
    body = check_page(
        client, wage_earner, "en", claim_type="JKK:full:work_accident",
        event_date="2026-01-05", accident_reported="on", stmb_months="13",
        disability_code="arm_right_shoulder",
    )  # fmt: skip
    assert "12 × Rp4.000.000 + 1 × Rp2.000.000" in body
    assert "Rp50.000.000" in body
    assert "40 % × 80 × Rp4.000.000" in body
    assert "Rp128.000.000" in body


# No bank account yet: the date shown is the earliest, today once the age is reached.
@pytest.mark.parametrize(
    ("age", "says"), [("", "from 1 January 2036"), ("45", "from 14 January 2026")]
)
def test_the_checker_takes_the_contract_retirement_age(client, wage_earner, age, says):
    """Born 1 January 1980: 56 in 2036, or 45 by the contract (Permenaker 4/2022 Art. 6)."""
    body = check_page(
        client, wage_earner, "en", claim_type="JHT:full:retirement_age",
        contract_retirement_age=age,
    )  # fmt: skip
    assert f"You can claim {says}" in body
