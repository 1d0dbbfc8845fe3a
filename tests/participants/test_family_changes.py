"""Changing and removing a family member or heir goes through the reviewed data-update flow."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from data_updates import services as data_updates
from data_updates.models import DataUpdateRequest
from participants.models import FamilyMember
from tests.documents.files import upload
from tests.factories import (
    FamilyMemberFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
    make_nik,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
Status = DataUpdateRequest.Status
CHILD_NIK = make_nik(birth_date=datetime.date(2015, 2, 3), gender="F", sequence=4)


@pytest.fixture
def participant():
    return ParticipantFactory(user=UserFactory(email="budi@example.test"), full_name="Budi")


@pytest.fixture
def member(participant):
    return FamilyMemberFactory(
        participant=participant,
        full_name="Ani",
        relationship="child",
        birth_date=datetime.date(2015, 2, 3),
    )


@pytest.fixture
def logged_in(client, participant):
    client.force_login(participant.user)
    client.cookies["django_language"] = "en"
    return client


def change(member, **overrides):
    return {
        "full_name": member.full_name,
        "relationship": member.relationship,
        "birth_date": member.birth_date.isoformat(),
        "nik": member.nik,
        **({"is_heir": "on"} if member.is_heir else {}),
        **overrides,
    }


def url(member, slug):
    return f"/data/family/{member.pk}/{slug}/"


def submitted(client, member, slug, data, capture):
    with capture(execute=True):
        response = client.post(url(member, slug), {**data, "kk_file": upload("kk.png")})
    assert response.status_code == 302, response.context["form"].errors
    return DataUpdateRequest.objects.get(
        kind=f"family_member_{'edit' if slug == 'change' else slug}"
    )


def approve(request):
    staff = StaffFactory(branch=request.participant.branch)
    return data_updates.data_update_decide(
        request=request, staff=staff, decision=data_updates.APPROVE
    )


def test_the_home_page_offers_change_and_remove_per_member(logged_in, member):
    page = logged_in.get("/data/").content.decode()
    assert url(member, "change") in page
    assert url(member, "remove") in page


def test_the_change_page_starts_from_the_members_data(logged_in, member):
    page = logged_in.get(url(member, "change")).content.decode()
    assert 'value="Ani"' in page
    assert 'value="2015-02-03"' in page


def test_a_change_waits_for_staff_then_applies_with_masked_history(
    logged_in, member, django_capture_on_commit_callbacks
):
    request = submitted(
        logged_in,
        member,
        "change",
        change(member, full_name="Ani Lestari", nik=CHILD_NIK, is_heir="on"),
        django_capture_on_commit_callbacks,
    )
    assert request.status == Status.IN_REVIEW
    member.refresh_from_db()
    assert (member.full_name, member.nik, member.is_heir) == ("Ani", "", False)  # not yet

    with django_capture_on_commit_callbacks(execute=True):
        approve(request)

    member.refresh_from_db()
    assert (member.full_name, member.nik, member.is_heir) == ("Ani Lestari", CHILD_NIK, True)
    rows = {
        event.detail["field"]: event.detail
        for event in AuditEvent.objects.filter(
            action="data_updated", participant=member.participant
        )
    }
    assert set(rows) == {"family_member.full_name", "family_member.nik", "family_member.is_heir"}
    assert rows["family_member.full_name"]["old"] == "Ani"
    assert CHILD_NIK not in str(rows["family_member.nik"])  # masked
    request.refresh_from_db()
    assert [step.status for step in request.steps.all()] == [
        Status.DRAFT, Status.CHECKING_DOCUMENTS, Status.IN_REVIEW, Status.APPLIED,
    ]  # fmt: skip
    detail = logged_in.get(f"/data/requests/{request.pk}/").content.decode()
    assert "Change a family member or heir" in detail


def test_a_removal_waits_for_staff_then_deletes_the_member_with_an_audit_row(
    logged_in, member, django_capture_on_commit_callbacks
):
    request = submitted(
        logged_in, member, "remove", {"reason": "mistake"}, django_capture_on_commit_callbacks
    )
    assert request.status == Status.IN_REVIEW
    assert request.values == {"member": member.pk, "full_name": "Ani", "reason": "mistake"}
    assert FamilyMember.objects.filter(pk=member.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        approve(request)

    assert not FamilyMember.objects.filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(action="data_updated", detail__field="family_member")
    assert (event.detail["old"], event.detail["new"]) == ("Ani", "")


def test_a_rejected_removal_keeps_the_member(logged_in, member, django_capture_on_commit_callbacks):
    request = submitted(
        logged_in, member, "remove", {"reason": "died"}, django_capture_on_commit_callbacks
    )
    staff = StaffFactory(branch=member.participant.branch)
    data_updates.data_update_decide(
        request=request, staff=staff, decision=data_updates.REJECT, reason="KK masih lama."
    )
    assert FamilyMember.objects.filter(pk=member.pk).exists()


def test_a_change_that_changes_nothing_is_refused_and_kept_as_a_draft(logged_in, member):
    response = logged_in.post(url(member, "change"), {**change(member), "kk_file": upload()})

    assert response.status_code == 200
    assert "Nothing changed: correct at least one field" in response.content.decode()
    draft = DataUpdateRequest.objects.get(status=Status.DRAFT)
    assert draft.values["member"] == member.pk


def test_the_remove_page_names_the_missing_reason_in_indonesian(client, participant, member):
    client.force_login(participant.user)
    response = client.post(url(member, "remove"), {"kk_file": upload()})
    page = response.content.decode()
    assert "Kolom ini wajib: silakan diisi." in page
    assert "Hapus Ani dari keluarga saya" in page


def test_a_second_open_request_for_the_same_member_is_refused(
    logged_in, member, django_capture_on_commit_callbacks
):
    submitted(logged_in, member, "remove", {"reason": "died"}, django_capture_on_commit_callbacks)

    response = logged_in.post(
        url(member, "change"), {**change(member, full_name="Ani L"), "kk_file": upload()}
    )

    assert response.status_code == 200
    assert "a change for this person is already waiting" in response.content.decode()


def test_approving_a_change_of_a_member_removed_meanwhile_says_so(
    logged_in, member, django_capture_on_commit_callbacks
):
    request = submitted(
        logged_in,
        member,
        "change",
        change(member, full_name="Ani Lestari"),
        django_capture_on_commit_callbacks,
    )
    member.delete()

    with pytest.raises(ValidationError) as caught:
        approve(request)

    assert caught.value.code == "member_gone"
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW  # staff can still reject it


@pytest.mark.parametrize("slug", ["change", "remove"])
def test_another_participants_member_is_the_same_404(client, member, slug):
    other = ParticipantFactory(user=UserFactory())
    client.force_login(other.user)
    assert client.get(url(member, slug)).status_code == 404
    assert client.post(url(member, slug), {"reason": "died"}).status_code == 404
    assert not DataUpdateRequest.objects.exists()


def test_an_unknown_member_page_is_404(logged_in, member):
    assert logged_in.get(url(member, "merge")).status_code == 404
    assert logged_in.get(f"/data/family/{member.pk + 99}/change/").status_code == 404


def test_the_admin_shows_the_member_on_record_next_to_the_change(
    client, logged_in, member, django_capture_on_commit_callbacks
):
    request = submitted(
        logged_in,
        member,
        "change",
        change(member, full_name="Ani Lestari"),
        django_capture_on_commit_callbacks,
    )
    staff = StaffFactory(
        branch=member.participant.branch,
        perms=["data_updates.view_dataupdaterequest", "data_updates.change_dataupdaterequest"],
    )
    client.force_login(staff)

    page = client.get(f"/admin/data_updates/dataupdaterequest/{request.pk}/change/")

    body = page.content.decode()
    assert "full_name: Ani<" in body
    assert "full_name: Ani Lestari<" in body
