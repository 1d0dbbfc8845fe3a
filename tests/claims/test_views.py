import datetime
import zoneinfo

import pytest
from django.test import override_settings
from django.urls import reverse

from claims.choices import Status
from claims.models import Claim
from claims.services import claim_transition
from tests.claims.conftest import give_jht_balance, pay_through_bank
from tests.documents.files import upload
from tests.factories import ClaimFactory, StaffFactory

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 1, 14, 9, 0, tzinfo=JAKARTA)),
]


@pytest.fixture
def budi(client, resigned, media_root):
    client.force_login(resigned.user)
    return resigned


def file_data(participant, *, files=True, **overrides):
    """The filing form as posted, with a real scan for each document a resignation needs."""
    data = {
        "claim_type": "JHT:full:resignation",
        "event_date": "2025-12-14",
        "idempotency_key": "form-key-1",
    }
    if files:
        for code in ("kpj_card", "ktp", "bank_book", "resignation_letter"):
            data[f"document_{code}"] = upload(f"{code}.png")
    return {**data, **overrides}


def test_checker_says_from_when_and_what_to_bring(client, budi):
    response = client.get(
        reverse("claims:check"),
        {"claim_type": "JHT:full:resignation", "event_date": "2025-12-20"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Anda dapat mengajukan klaim mulai 20 Januari 2026" in body
    assert "Surat pengunduran diri (paklaring) dari pemberi kerja" in body
    assert reverse("claims:file") not in body  # not yet: no filing button


def test_checker_offers_filing_when_eligible(client, budi):
    response = client.get(
        reverse("claims:check"), {"claim_type": "JHT:full:resignation", "event_date": "2025-12-14"}
    )
    assert "Anda dapat mengajukan klaim sekarang" in response.content.decode()
    assert reverse("claims:file") + "?claim_type=" in response.content.decode()


def test_checker_above_the_online_limit_offers_a_branch_appointment(client, budi):
    give_jht_balance(budi, 15_000_001)
    response = client.get(
        reverse("claims:check"), {"claim_type": "JHT:full:resignation", "event_date": "2025-12-14"}
    )
    body = response.content.decode()
    assert reverse("claims:branch_appointment") in body
    assert "Rp15.000.000" in body
    booking = client.get(reverse("claims:branch_appointment"))
    assert booking.status_code == 302
    assert booking.url == reverse("appointments:book") + "?service=jht_verification"


def test_filing_twice_with_the_same_form_gives_one_claim(client, budi):
    first = client.post(reverse("claims:file"), file_data(budi))
    second = client.post(reverse("claims:file"), file_data(budi))
    claim = Claim.objects.get()
    assert first.url == second.url == reverse("claims:detail", args=[claim.pk])
    assert claim.participant == budi


def test_the_filing_page_shows_the_verified_payout_account(client, budi):
    page = client.get(reverse("claims:file")).content.decode()
    assert "BRI ****9012" in page
    assert reverse("data_update_bank_account") in page


def test_without_a_bank_account_checker_and_filing_say_so_with_the_link(client, budi):
    budi.bank_account.delete()
    query = "?claim_type=JHT:full:resignation&event_date=2025-12-14"
    check = client.get(reverse("claims:check") + query).content.decode()
    assert "belum memuat rekening bank atas nama Anda sendiri" in check
    assert reverse("data_update_bank_account") in check
    assert "Ajukan klaim ini" not in check

    response = client.post(reverse("claims:file"), file_data(budi))
    assert response.status_code == 200
    assert "Perbarui data, Rekening bank" in response.content.decode()
    assert reverse("data_update_bank_account") in response.content.decode()
    assert not Claim.objects.exists()


def test_filing_too_early_shows_the_reasons(client, budi):
    response = client.post(reverse("claims:file"), file_data(budi, event_date="2025-12-20"))
    assert "20 Januari 2026" in response.content.decode()
    assert not Claim.objects.exists()


def test_filing_above_the_online_limit_goes_to_the_claims_branch_visit(client, budi):
    give_jht_balance(budi, 20_000_000)
    response = client.post(reverse("claims:file"), file_data(budi))
    claim = Claim.objects.get()
    assert claim.branch_visit is True
    assert response.url == reverse("claims:branch_visit", args=[claim.pk])


def test_filing_with_an_open_claim_shows_that_claim(client, budi):
    open_claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    response = client.post(reverse("claims:file"), file_data(budi))
    assert response.url == reverse("claims:detail", args=[open_claim.pk])


def test_tracking_page_shows_step_next_action_and_expected_date(client, budi, staff):
    claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW,
                         complete_at=datetime.datetime(2026, 1, 9, 10, tzinfo=JAKARTA))  # fmt: skip
    claim_transition(claim=claim, to_status=Status.NEEDS_DOCUMENTS, actor=staff, reason="Paklaring")
    claim_transition(claim=claim, to_status=Status.IN_REVIEW, actor=budi.user)
    Claim.objects.filter(pk=claim.pk).update(
        complete_at=datetime.datetime(2026, 1, 9, 10, tzinfo=JAKARTA)
    )
    body = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert 'aria-current="step">Sedang ditinjau' in body
    assert "16 Januari 2026" in body  # Friday + 5 working days
    assert "oleh petugas cabang" in body
    assert "oleh Anda" in body
    assert "****9012" in body


def test_participant_cancels_an_undecided_claim_after_a_confirmation_page(client, budi):
    """The tracking page links to a confirmation page; only its POST cancels."""
    claim = ClaimFactory(participant=budi, status=Status.VERIFYING)
    cancel_url = reverse("claims:cancel", args=[claim.pk])
    detail = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert f'<a class="button danger" href="{cancel_url}">' in detail
    assert f'action="{cancel_url}"' not in detail  # no one-tap cancel on the tracking page

    confirm = client.get(cancel_url)
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert f"Batalkan klaim #{claim.pk}?" in body
    assert f'<form method="post" action="{cancel_url}"' in body
    assert 'class="button danger"' in body
    assert f'href="{reverse("claims:detail", args=[claim.pk])}"' in body  # the way back
    assert Claim.objects.get().status == Status.VERIFYING  # looking cancels nothing

    client.post(cancel_url)
    assert Claim.objects.get().status == Status.CANCELLED


def test_a_decided_claim_cannot_be_cancelled(client, budi):
    claim = ClaimFactory(participant=budi, status=Status.APPROVED)
    response = client.post(reverse("claims:cancel", args=[claim.pk]), follow=True)
    assert "tidak dapat menjadi" in response.content.decode()
    assert Claim.objects.get().status == Status.APPROVED


# -- ownership: participant B gets 404 on A's claim everywhere ------------------------------


@pytest.fixture
def other_claim():
    return ClaimFactory(status=Status.IN_REVIEW)


@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "claims:detail"), ("get", "claims:cancel"), ("post", "claims:cancel"),
     ("get", "api-me-claim")],
)  # fmt: skip
def test_someone_elses_claim_is_not_found(client, budi, other_claim, method, name):
    response = getattr(client, method)(reverse(name, args=[other_claim.pk]))
    assert response.status_code == 404
    assert Claim.objects.get(pk=other_claim.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize("name", ["claims:detail", "api-me-claim"])
def test_a_missing_claim_is_the_same_404(client, budi, name):
    assert client.get(reverse(name, args=[987654])).status_code == 404


def test_lists_show_only_my_claims(client, budi, other_claim):
    mine = ClaimFactory(participant=budi)
    page = client.get(reverse("claims:list")).content.decode()
    assert reverse("claims:detail", args=[mine.pk]) in page
    assert reverse("claims:detail", args=[other_claim.pk]) not in page
    api = client.get(reverse("api-me-claims")).json()
    assert [row["id"] for row in api] == [mine.pk]


@pytest.mark.parametrize("name", ["claims:list", "claims:check", "claims:file"])
def test_staff_without_a_participant_record_get_404(client, name):
    client.force_login(StaffFactory(password=None))
    assert client.get(reverse(name)).status_code == 404


def test_anonymous_visitors_are_sent_to_login_and_the_api_refuses(client, other_claim):
    response = client.get(reverse("claims:detail", args=[other_claim.pk]))
    assert response.status_code == 302
    assert "login" in response.url
    assert client.get(reverse("api-me-claims")).status_code == 403
    assert client.get(reverse("api-me-claim", args=[other_claim.pk])).status_code == 403


def test_api_detail_has_the_timeline_and_a_masked_account(client, budi, staff):
    claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)
    data = client.get(reverse("api-me-claim", args=[claim.pk])).json()
    assert data["status"] == "approved"
    assert data["bank_account"] == "BRI ****9012"
    assert [event["to_status"] for event in data["timeline"]] == ["approved"]
    assert "0123456789012" not in str(data)
    assert {d["document_type"] for d in data["required_documents"]} == set()


# -- constant query counts ------------------------------------------------------------------


def _grow(participant, staff, n):
    for _ in range(n):
        # Each paid JHT claim withdraws from the ledger: a contribution pays for it first.
        give_jht_balance(
            participant, 8_000_000, month=datetime.date(2001 + Claim.objects.count(), 1, 1)
        )
        claim = ClaimFactory(participant=participant, status=Status.IN_REVIEW)
        claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)
        pay_through_bank(claim)


@pytest.mark.parametrize("name", ["claims:list", "api-me-claims"])
def test_claim_lists_take_the_same_queries_for_1_or_5_claims(
    client, budi, staff, django_assert_num_queries, name
):
    _grow(budi, staff, 1)
    client.get(reverse(name))  # warms the site-wide maintenance-notice cache
    # The HTML list as rendered: from the page cache it reads no claim (test_list_cache.py).
    with override_settings(PAGE_CACHE_SECONDS=0):
        with django_assert_num_queries(4):
            client.get(reverse(name))
        _grow(budi, staff, 4)
        with django_assert_num_queries(4):
            client.get(reverse(name))


@pytest.mark.parametrize("name", ["claims:detail", "api-me-claim"])
def test_tracking_takes_the_same_queries_for_a_short_or_long_timeline(
    client, budi, staff, django_assert_num_queries, name
):
    claim = ClaimFactory(
        participant=budi, status=Status.IN_REVIEW, complete_at=datetime.datetime.now(tz=JAKARTA)
    )
    expected = 7 if name == "claims:detail" else 6
    client.get(reverse(name, args=[claim.pk]))  # warms the site-wide maintenance-notice cache
    with django_assert_num_queries(expected):
        client.get(reverse(name, args=[claim.pk]))
    for _ in range(3):
        claim_transition(claim=claim, to_status=Status.NEEDS_DOCUMENTS, actor=staff, reason="x")
        claim_transition(claim=claim, to_status=Status.IN_REVIEW, actor=staff)
    with django_assert_num_queries(expected):
        client.get(reverse(name, args=[claim.pk]))


def test_a_decided_claim_offers_no_cancel_page(client, budi):
    claim = ClaimFactory(participant=budi, status=Status.APPROVED)
    response = client.get(reverse("claims:cancel", args=[claim.pk]), follow=True)
    assert response.redirect_chain == [(reverse("claims:detail", args=[claim.pk]), 302)]
    assert "Klaim ini tidak dapat dibatalkan lagi." in response.content.decode()
    assert reverse("claims:cancel", args=[claim.pk]) not in response.content.decode()
