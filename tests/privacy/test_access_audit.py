"""Staff opening or downloading a participant's personal data leaves an audit event."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from documents.services import document_upload
from tests.documents.files import upload
from tests.factories import (
    AppointmentFactory,
    BranchFactory,
    ClaimFactory,
    DataUpdateRequestFactory,
    ParticipantFactory,
    ServiceTypeFactory,
    StaffFactory,
    TicketFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

VIEW_PERMISSIONS = [
    "participants.view_participant",
    "claims.view_claim",
    "data_updates.view_dataupdaterequest",
    "documents.view_document",
    "complaints.view_ticket",
    "core.view_auditevent",
    "appointments.view_appointment",
]


@pytest.fixture
def participant():
    return ParticipantFactory(full_name="Sari Wulandari")


@pytest.fixture
def staff(client, participant):
    user = StaffFactory(branch=participant.branch, perms=VIEW_PERMISSIONS)
    client.force_login(user)
    return user


def records_of(participant):
    document = document_upload(owner=participant, kind="ktp", upload=upload(), actor=None)
    return {
        "participants.participant": participant,
        "claims.claim": ClaimFactory(participant=participant),
        "data_updates.dataupdaterequest": DataUpdateRequestFactory(
            participant=participant, kind="phone", values={"phone": "081200000002"}
        ),
        "documents.document": document,
        "complaints.ticket": TicketFactory(participant=participant),
        "appointments.appointment": AppointmentFactory(
            participant=participant,
            service_type=ServiceTypeFactory(
                code="audit_visit", name_id="Kunjungan", name_en="Visit", duration_minutes=30
            ),
            branch_choice_1=participant.branch,
            branch=participant.branch,
            window_start=datetime.date(2026, 12, 1),
            window_end=datetime.date(2026, 12, 14),
        ),
    }


def change_url(label, obj):
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_change", args=[obj.pk])


def viewed(**filters):
    return AuditEvent.objects.filter(action="viewed", **filters)


def test_opening_each_kind_of_record_names_the_staff_member_and_the_participant(
    client, staff, participant
):
    for label, obj in records_of(participant).items():
        response = client.get(change_url(label, obj))
        assert response.status_code == 200, label
        event = viewed(detail__record=label).get()
        assert (event.actor, event.participant) == (staff, participant)
        assert event.detail == {"record": label, "id": obj.pk}


def test_reopening_within_the_window_is_one_event_but_each_staff_member_counts(
    client, staff, participant
):
    url = change_url("participants.participant", participant)
    client.get(url)
    client.get(url)
    assert viewed(participant=participant).count() == 1

    colleague = StaffFactory(branch=participant.branch, perms=VIEW_PERMISSIONS)
    client.force_login(colleague)
    client.get(url)
    assert set(viewed(participant=participant).values_list("actor", flat=True)) == {
        staff.pk,
        colleague.pk,
    }


def test_another_branchs_record_writes_no_view_event(client, staff, participant):
    elsewhere = ParticipantFactory(branch=BranchFactory())
    client.get(reverse("admin:participants_participant_changelist"))
    response = client.get(change_url("participants.participant", elsewhere))
    assert response.status_code == 302  # not found for this branch: nothing shown
    assert not viewed(participant=elsewhere).exists()
    # The list showed only the branch's own participant: that row is its one event.
    assert list(viewed().values_list("participant", "detail__via")) == [(participant.pk, "list")]


def test_every_staff_download_of_a_document_is_an_export(client, staff, participant):
    document = document_upload(owner=participant, kind="ktp", upload=upload(), actor=None)
    url = reverse("documents:download", args=[document.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    exports = AuditEvent.objects.filter(action="exported", participant=participant)
    assert exports.count() == 2
    assert {e.actor for e in exports} == {staff}
    assert exports.first().detail == {"record": "documents.document", "id": document.pk}


def test_the_owner_downloading_their_own_document_is_not_an_access_event(client):
    owner = ParticipantFactory(user=StaffFactory(is_staff=False))
    document = document_upload(owner=owner, kind="ktp", upload=upload(), actor=None)
    client.force_login(owner.user)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200
    assert not AuditEvent.objects.filter(action__in=["viewed", "exported"]).exists()


def test_the_audit_log_is_read_only_even_for_a_superuser(client, participant):
    client.force_login(StaffFactory(is_superuser=True))
    client.get(change_url("participants.participant", participant))
    event = viewed().get()
    url = reverse("admin:core_auditevent_change", args=[event.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {"action": "edited"}).status_code == 403
    delete = reverse("admin:core_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    event.refresh_from_db()
    assert event.action == "viewed"


def test_staff_see_the_access_events_of_their_branch_only(client, staff, participant):
    elsewhere = ParticipantFactory(branch=BranchFactory(), full_name="Joko Elsewhere")
    other_staff = StaffFactory(is_superuser=True)
    client.force_login(other_staff)
    client.get(change_url("participants.participant", elsewhere))
    client.get(change_url("participants.participant", participant))

    client.force_login(staff)
    body = client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "Sari Wulandari" in body
    assert "Joko Elsewhere" not in body
