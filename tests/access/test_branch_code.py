"""At the branch: staff check the KTP, issue a code, a second staff member confirms it, the
participant enters it with their NIK and sets a new login. Single use, expiring, hashed."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from access import services
from access.models import AccessLock, BranchRecoveryCode
from core.models import AuditEvent
from participants.models import User
from tests.factories import StaffFactory

from .conftest import NEW_PASSWORD

pytestmark = pytest.mark.django_db

PERMS = ["access.view_branchrecoverycode", "access.add_branchrecoverycode",
         "access.change_branchrecoverycode"]  # fmt: skip


@pytest.fixture
def issuer(holder):
    return StaffFactory(branch=holder.branch, perms=PERMS, email="issuer@bpjs.test")


@pytest.fixture
def checker(holder):
    return StaffFactory(branch=holder.branch, perms=PERMS, email="checker@bpjs.test")


def issue_in_admin(client, staff, participant, ktp_checked="on"):
    client.force_login(staff)
    data = {"participant": participant.pk}
    if ktp_checked:
        data["ktp_checked"] = ktp_checked
    return client.post(reverse("admin:access_branchrecoverycode_add"), data)


def confirm_in_admin(client, staff, row):
    client.force_login(staff)
    return client.post(
        reverse("admin:access_branchrecoverycode_changelist"),
        {"action": "confirm", "_selected_action": [row.pk]},
        follow=True,
    )


def enter(client, participant, code):
    return client.post(reverse("access:recover_branch"), {"nik": participant.nik, "code": code})


def set_login(client, email="asep.branch@example.test"):
    return client.post(
        reverse("access:new_login"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_issue_confirm_enter_and_set_a_new_login(client, holder, issuer, checker):
    response = issue_in_admin(client, issuer, holder)
    assert response.status_code == 200
    code = re.search(r'id="recovery-code">([0-9A-Z-]+)<', response.content.decode()).group(1)
    row = BranchRecoveryCode.objects.get()
    assert code.replace("-", "") not in row.code_hash  # stored hashed only
    assert row.issued_by == issuer

    # Not usable until a second staff member confirms.
    assert enter(client, holder, code).status_code == 200
    confirm_in_admin(client, checker, row)
    row.refresh_from_db()
    assert row.confirmed_by == checker

    visitor = type(client)()
    response = enter(visitor, holder, code.lower().replace("-", " "))  # as typed from paper
    assert response["Location"] == reverse("access:new_login")
    assert set_login(visitor).status_code == 302
    user = User.objects.get(pk=holder.user_id)
    assert user.email == "asep.branch@example.test"
    assert user.check_password(NEW_PASSWORD)
    row.refresh_from_db()
    assert row.used_at is not None
    actions = set(AuditEvent.objects.filter(participant=holder).values_list("action", flat=True))
    assert {"branch_recovery_code_issued", "branch_recovery_code_confirmed",
            "login_recovered"} <= actions  # fmt: skip

    again = type(client)()  # single use
    assert enter(again, holder, code).status_code == 200
    assert "access.recovery" not in again.session


def test_the_issuer_cannot_confirm_their_own_code(client, holder, issuer):
    issue_in_admin(client, issuer, holder)
    row = BranchRecoveryCode.objects.get()
    page = confirm_in_admin(client, issuer, row)
    assert "petugas lain harus mengonfirmasinya" in page.content.decode()
    row.refresh_from_db()
    assert row.confirmed_at is None
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database agrees
        BranchRecoveryCode.objects.filter(pk=row.pk).update(confirmed_by=issuer)


def test_a_code_needs_the_ktp_checked(client, holder, issuer):
    response = issue_in_admin(client, issuer, holder, ktp_checked="")
    assert response.status_code == 200
    assert "ktp_checked" in response.context["adminform"].form.errors
    assert not BranchRecoveryCode.objects.exists()


def test_staff_of_another_branch_can_neither_issue_nor_confirm_nor_see(client, holder, issuer):
    stranger = StaffFactory(perms=PERMS)
    response = issue_in_admin(client, stranger, holder)
    assert response.status_code == 200  # the participant is not among the form's choices
    assert not BranchRecoveryCode.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.branch_code_issue(participant=holder, staff=stranger, ktp_checked=True)
    row, _code = services.branch_code_issue(participant=holder, staff=issuer, ktp_checked=True)
    with pytest.raises(services.PermissionDenied):
        services.branch_code_confirm(code=row, staff=stranger)
    client.force_login(stranger)
    listing = client.get(reverse("admin:access_branchrecoverycode_changelist"))
    assert holder.full_name not in listing.content.decode()


def test_codes_expire(client, holder, issuer, checker, clock):
    row, code = services.branch_code_issue(participant=holder, staff=issuer, ktp_checked=True)
    services.branch_code_confirm(code=row, staff=checker)
    clock.shift(datetime.timedelta(hours=73))
    assert enter(client, holder, code).status_code == 200
    assert "access.recovery" not in client.session


def test_a_new_code_ends_the_earlier_one(client, holder, issuer, checker):
    first, first_code = services.branch_code_issue(
        participant=holder, staff=issuer, ktp_checked=True
    )
    services.branch_code_confirm(code=first, staff=checker)
    services.branch_code_issue(participant=holder, staff=issuer, ktp_checked=True)
    assert enter(client, holder, first_code).status_code == 200
    assert "access.recovery" not in client.session


def test_wrong_guesses_spend_the_live_code(client, holder, issuer, checker):
    row, code = services.branch_code_issue(participant=holder, staff=issuer, ktp_checked=True)
    services.branch_code_confirm(code=row, staff=checker)
    for _ in range(5):
        assert services.branch_code_check(nik=holder.nik, code="AAAA-BBBB-CCCC") is None
    assert services.branch_code_check(nik=holder.nik, code=code) is None


def test_entering_codes_is_limited_per_nik(client, holder):
    statuses = [enter(type(client)(), holder, "AAAA-BBBB-CCCC").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_the_branch_path_unlocks_a_locked_account(client, holder, issuer, checker):
    services.access_lock(participant=holder, source="participant", actor=holder.user)
    services.access_lock(participant=holder, kind="online_recovery", source="failures",
                         actor=None)  # fmt: skip
    row, code = services.branch_code_issue(participant=holder, staff=issuer, ktp_checked=True)
    services.branch_code_confirm(code=row, staff=checker)
    enter(client, holder, code)
    set_login(client)
    assert User.objects.get(pk=holder.user_id).is_active is True
    assert not AccessLock.objects.filter(lifted_at__isnull=True).exists()


def test_a_member_we_have_no_contact_for_gets_an_account_at_the_branch(
    client, holder, issuer, checker
):
    old_user = holder.user
    holder.user, holder.email, holder.phone = None, "", ""
    holder.save(update_fields=["user", "email", "phone"])
    old_user.delete()
    row, code = services.branch_code_issue(participant=holder, staff=issuer, ktp_checked=True)
    services.branch_code_confirm(code=row, staff=checker)
    enter(client, holder, code)
    assert set_login(client, email="asep.first@example.test").status_code == 302
    holder.refresh_from_db()
    assert holder.user.email == "asep.first@example.test"
