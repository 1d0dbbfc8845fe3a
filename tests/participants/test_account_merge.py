"""Staff merge two accounts of the same person: one survives, the other's data moves, its
login is retired and its sessions end; audited, scoped, all or nothing."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from participants import account_merge, ledger, services
from participants.models import JhtBalance, KpjCard, Participant
from tests.factories import (
    TEST_PASSWORD,
    BankAccountFactory,
    BranchFactory,
    ClaimFactory,
    EmailAddressFactory,
    FamilyMemberFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
    make_nik,
)

pytestmark = pytest.mark.django_db
D = datetime.date
BORN = D(1990, 7, 25)
MERGE = ["participants.view_participant", "participants.change_participant"]


def post(card, month, amount):
    ledger.ledger_contribution_post(
        kpj_card=card, month=month, program="JHT", employer_amount=amount, worker_amount=0,
        paid_on=month,
    )  # fmt: skip


@pytest.fixture
def records():
    """Siti's real record (NIK on her KTP) and the one an employer made with a mistyped
    NIK, each with a login, a card and a balance; the duplicate also has a claim, a
    complaint, a family member and the bank account."""
    branch = BranchFactory()
    real = ParticipantFactory(
        nik=make_nik(birth_date=BORN, sequence=1), full_name="Siti Aminah", birth_date=BORN,
        gender="F", branch=branch, user=UserFactory(email="siti@example.test"),
    )  # fmt: skip
    typo = ParticipantFactory(
        nik=make_nik(birth_date=BORN, sequence=2), full_name="SITI  AMINAH", birth_date=BORN,
        gender="F", branch=branch, user=UserFactory(email="siti.lama@example.test"),
        phone="081234567890",
    )  # fmt: skip
    EmailAddressFactory(user=real.user)
    EmailAddressFactory(user=typo.user)
    EmailAddressFactory(user=typo.user, email="belum@example.test", verified=False, primary=False)
    post(KpjCardFactory(participant=real, number="10000000023"), D(2024, 1, 1), 200_000)
    post(KpjCardFactory(participant=typo, number="10000000022"), D(2018, 1, 1), 300_000)
    ClaimFactory(participant=typo)
    TicketFactory(participant=typo)
    FamilyMemberFactory(participant=typo)
    BankAccountFactory(participant=typo)
    return real, typo


@pytest.fixture
def staff(records):
    return StaffFactory(branch=records[0].branch, perms=MERGE)


def merge(records, staff, **changes):
    real, typo = records
    arguments = {
        "survivor": real, "duplicate": typo, "keep_login_id": real.user_id,
        "ktp_nik": real.nik, "reason": "KTP diperiksa di loket", "actor": staff, **changes,
    }  # fmt: skip
    return account_merge.account_merge(**arguments)


def test_the_duplicates_data_ends_up_under_the_survivor(records, staff):
    real, typo = records
    result = merge(records, staff)
    assert result.cards_moved == 1
    assert set(KpjCard.objects.filter(participant=real).values_list("number", flat=True)) == {
        "10000000022", "10000000023"
    }  # fmt: skip
    assert real.claims.count() == 1
    assert real.tickets.count() == 1
    assert real.family_members.count() == 1
    assert real.bank_account.account_number
    assert not KpjCard.objects.filter(participant=typo).exists()
    assert result.rows_moved["claims.claim"] == 1
    typo.refresh_from_db()
    real.refresh_from_db()
    assert (typo.merged_into, typo.user) == (real, None)
    assert real.phone == "081234567890"  # the survivor had none


def test_a_merge_keeps_the_ledger_equal(records, staff):
    real, typo = records
    merge(records, staff)
    assert JhtBalance.objects.get(participant=real).balance == 500_000
    assert JhtBalance.objects.get(participant=typo).balance == 0
    assert ledger.ledger_balances_rebuild() == []


def test_the_other_login_is_retired_and_its_addresses_move(records, staff):
    real, typo = records
    retired = typo.user
    merge(records, staff)
    retired.refresh_from_db()
    assert retired.is_active is False
    assert retired.has_usable_password() is False
    assert retired.email.endswith("@retired.invalid")
    addresses = dict(EmailAddress.objects.filter(user=real.user).values_list("email", "primary"))
    assert addresses == {"siti@example.test": True, "siti.lama@example.test": False}
    assert not EmailAddress.objects.filter(email="belum@example.test").exists()
    # The moved address now signs in to the kept login, the retired one never again.
    assert authenticate(email="siti.lama@example.test", password=TEST_PASSWORD) == real.user
    assert not ModelBackend().user_can_authenticate(retired)


def test_the_sessions_of_the_other_account_end(records, staff):
    real, typo = records
    kept_browser, retired_browser = Client(), Client()
    kept_browser.force_login(real.user)
    retired_browser.force_login(typo.user)
    retired_key = retired_browser.session.session_key
    assert retired_browser.get(reverse("dashboard")).status_code == 200

    result = merge(records, staff)

    assert result.sessions_ended == 1
    assert not Session.objects.filter(session_key=retired_key).exists()
    assert retired_browser.get(reverse("dashboard")).status_code == 302  # to the login
    assert kept_browser.get(reverse("dashboard")).status_code == 200


def test_staff_may_keep_the_duplicates_login(records, staff):
    real, typo = records
    kept = typo.user
    merge(records, staff, keep_login_id=kept.pk)
    real.refresh_from_db()
    assert real.user == kept
    assert kept.is_active


def test_the_proposed_login_has_a_verified_address_and_the_latest_login(records):
    real, typo = records
    typo.user.last_login = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    typo.user.save(update_fields=["last_login"])
    assert account_merge.login_suggested(survivor=real, duplicate=typo) == typo.user
    EmailAddress.objects.filter(user=typo.user).update(verified=False)
    assert account_merge.login_suggested(survivor=real, duplicate=typo) == real.user


def test_the_merge_is_audited_on_both_records(records, staff):
    real, typo = records
    merge(records, staff)
    rows = AuditEvent.objects.filter(action="account_merged")
    assert {row.participant_id for row in rows} == {real.pk, typo.pk}
    detail = rows.first().detail
    assert (detail["kept_login"], detail["reason"]) == (real.user_id, "KTP diperiksa di loket")
    assert AuditEvent.objects.filter(action="kpj_card_linked", participant=real).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ktp_nik": "3204106507900099"}, "ktp_nik"),
        ({"keep_login_id": None}, "keep_login"),
    ],
)
def test_a_merge_needs_the_ktp_nik_and_a_login_choice(records, staff, change, field):
    with pytest.raises(ValidationError) as error:
        merge(records, staff, **change)
    assert field in error.value.message_dict
    assert not Participant.objects.filter(merged_into__isnull=False).exists()


def test_records_of_different_people_are_not_merged(records, staff):
    real, typo = records
    Participant.objects.filter(pk=typo.pk).update(birth_date=D(1991, 7, 25))
    typo.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        merge((real, typo), staff)
    assert error.value.messages == [str(account_merge.MESSAGES["person"])]
    assert KpjCard.objects.filter(participant=typo).count() == 1


@pytest.mark.parametrize("who", ["other_branch", "no_permission", "participant"])
def test_only_staff_of_the_branch_with_the_permission_merge(records, who):
    actor = {
        "other_branch": lambda: StaffFactory(branch=BranchFactory(), perms=MERGE),
        "no_permission": lambda: StaffFactory(branch=records[0].branch),
        "participant": lambda: records[0].user,
    }[who]()
    with pytest.raises(PermissionDenied):
        merge(records, actor)
    assert not Participant.objects.filter(merged_into__isnull=False).exists()


def test_a_merged_record_cannot_be_signed_up_again(records, staff):
    real, typo = records
    merge(records, staff)
    typo.refresh_from_db()
    with pytest.raises(services.ParticipantAlreadyRegistered):
        services.participant_link_user(participant=typo, user=UserFactory())
    with pytest.raises(ValidationError) as error:
        merge((real, typo), staff)
    assert error.value.messages == [str(account_merge.MESSAGES["merged"])]


def test_when_both_have_a_bank_account_the_survivors_stays(records, staff):
    real, typo = records
    BankAccountFactory(participant=real, account_number="999")
    merge(records, staff)
    real.refresh_from_db()
    assert real.bank_account.account_number == "999"
    assert typo.bank_account.participant_id == typo.pk


def test_staff_merge_two_ticked_records_in_the_admin(client, records, staff):
    real, typo = records
    client.force_login(staff)
    changelist = reverse("admin:participants_participant_changelist")
    ticked = {"action": "merge_accounts", "_selected_action": [real.pk, typo.pk]}
    page = client.post(changelist, ticked)
    assert page.status_code == 200
    assert "merge_confirm" in page.content.decode()
    response = client.post(
        changelist,
        {**ticked, "merge_confirm": "1", "survivor": real.pk, "ktp_nik": real.nik,
         "keep_login": real.user_id, "reason": "KTP diperiksa"},
    )  # fmt: skip
    assert response.status_code == 302
    typo.refresh_from_db()
    assert typo.merged_into == real


def test_the_admin_page_shows_the_services_refusal(client, records, staff):
    real, typo = records
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("admin:participants_participant_changelist"),
        {"action": "merge_accounts", "_selected_action": [real.pk, typo.pk], "merge_confirm": "1",
         "survivor": real.pk, "ktp_nik": typo.nik, "keep_login": real.user_id, "reason": "x"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "must be the surviving record" in response.content.decode()
    typo.refresh_from_db()
    assert typo.merged_into is None
