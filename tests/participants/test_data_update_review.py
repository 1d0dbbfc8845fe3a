import contextlib
import threading

import pytest
from django.db import connection

from core.models import AuditEvent
from data_updates import services as data_updates
from data_updates.models import DataUpdateRequest
from tests.documents.files import upload
from tests.factories import BranchFactory, ParticipantFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.usefixtures("media_root")
Status = DataUpdateRequest.Status
PERMISSIONS = ["data_updates.view_dataupdaterequest", "data_updates.change_dataupdaterequest",
               "participants.view_participant", "core.view_auditevent",
               "documents.view_document"]  # fmt: skip


def name_request(participant, client, capture=None) -> DataUpdateRequest:
    """A name correction whose KTP passed the checks (capture runs on-commit work at once)."""
    client.force_login(participant.user)
    with capture(execute=True) if capture else contextlib.nullcontext():
        client.post("/data/identity/", {"what": "name", "new_name": "Budi Santosa",
                                        "ktp_file": upload("ktp.png")})  # fmt: skip
    client.logout()
    return DataUpdateRequest.objects.get(participant=participant, kind="name")


@pytest.fixture
def participant():
    return ParticipantFactory(user=UserFactory(), full_name="Budi Santoso")


def change_url(request):
    return f"/admin/data_updates/dataupdaterequest/{request.pk}/change/"


@pytest.mark.django_db
def test_branch_staff_approve_and_the_change_is_applied_with_history(
    client, participant, django_capture_on_commit_callbacks
):
    request = name_request(participant, client, django_capture_on_commit_callbacks)
    staff = StaffFactory(branch=participant.branch, perms=PERMISSIONS)
    client.force_login(staff)

    queue = client.get("/admin/data_updates/dataupdaterequest/?status__exact=in_review")
    assert "Name correction" in queue.content.decode() or "Koreksi nama" in queue.content.decode()
    assert client.get(change_url(request)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(request), {"decision": "approve", "decision_reason": ""})

    assert response.status_code == 302
    request.refresh_from_db()
    participant.refresh_from_db()
    assert request.status == Status.APPLIED
    assert request.decided_by == staff
    assert participant.full_name == "Budi Santosa"
    audit = AuditEvent.objects.get(action="data_updated", participant=participant)
    assert (audit.actor, audit.detail["old"], audit.detail["new"]) == (
        staff,
        "Budi Santoso",
        "Budi Santosa",
    )
    history = client.get(f"/admin/participants/participant/{participant.pk}/change/")
    assert "Budi Santosa" in history.content.decode()


@pytest.mark.django_db
def test_rejecting_needs_a_reason_that_the_participant_then_sees(
    client, participant, django_capture_on_commit_callbacks
):
    request = name_request(participant, client, django_capture_on_commit_callbacks)
    client.force_login(StaffFactory(branch=participant.branch, perms=PERMISSIONS))

    response = client.post(change_url(request), {"decision": "reject", "decision_reason": ""})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW

    client.post(change_url(request), {"decision": "reject",
                                      "decision_reason": "Nama di KTP tidak terbaca."})  # fmt: skip
    request.refresh_from_db()
    assert request.status == Status.REJECTED
    client.force_login(participant.user)
    assert (
        "Nama di KTP tidak terbaca." in client.get(f"/data/requests/{request.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_staff_of_another_branch_cannot_see_or_decide(
    client, participant, django_capture_on_commit_callbacks
):
    request = name_request(participant, client, django_capture_on_commit_callbacks)
    client.force_login(StaffFactory(branch=BranchFactory(), perms=PERMISSIONS))

    assert client.get(change_url(request)).status_code == 302  # admin: "does not exist"
    client.post(change_url(request), {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW
    document = request.documents.get()
    assert client.get(f"/documents/{document.pk}/download/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_at_once_one_wins(client, participant):
    request = name_request(participant, client)  # transaction=True: on-commit work runs
    assert request.status == Status.IN_REVIEW
    staff = [StaffFactory(branch=participant.branch, perms=PERMISSIONS) for _ in range(2)]
    barrier = threading.Barrier(2)
    results = []

    def decide(user):
        try:
            barrier.wait(timeout=10)
            data_updates.data_update_decide(request=request, staff=user, decision="approve")
            results.append("won")
        except data_updates.DataUpdateConflict:
            results.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(user,)) for user in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(results) == ["lost", "won"]
    assert AuditEvent.objects.filter(action="data_updated", participant=participant).count() == 1
    assert request.steps.filter(status=Status.APPLIED).count() == 1


@pytest.mark.django_db
def test_staff_ask_for_another_document_and_the_request_comes_back(
    client, participant, django_capture_on_commit_callbacks, mailoutbox
):
    request = name_request(participant, client, django_capture_on_commit_callbacks)
    client.force_login(StaffFactory(branch=participant.branch, perms=PERMISSIONS))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(request), {"decision": "ask_document",
                                          "decision_reason": "Foto KTP buram."})  # fmt: skip
    request.refresh_from_db()
    assert request.status == Status.NEEDS_DOCUMENT
    assert "Foto KTP buram." in mailoutbox[-1].body

    client.force_login(participant.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/data/requests/{request.pk}/",
            {"action": "document", "document_kind": "ktp", "file": upload("ktp2.png")},
        )
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW
    assert request.documents.count() == 2
