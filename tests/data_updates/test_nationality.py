"""Nationality: Indonesian by default, never read from the NIK, changed through pengkinian data
with the KTP (a KITAP holder's KTP prints WNA) and a staff review (issue 19)."""

import pytest

from claims.rules import CLAIM_TYPES_BY_CODE, ClaimRequest
from claims.selectors import claim_eligibility
from core.models import AuditEvent
from data_updates.models import DataUpdateRequest
from tests.documents.files import upload
from tests.factories import ParticipantFactory, StaffFactory, UserFactory
from tests.participants.test_data_update_review import PERMISSIONS, change_url

pytestmark = [pytest.mark.usefixtures("media_root"), pytest.mark.django_db]
LEAVING = CLAIM_TYPES_BY_CODE["JHT:full:leaving_indonesia"]


@pytest.fixture
def participant():
    return ParticipantFactory(user=UserFactory(), full_name="John Smith")


def ask(client, participant, capture, **data):
    client.force_login(participant.user)
    with capture(execute=True):
        return client.post(
            "/data/identity/",
            {"what": "nationality", "ktp_file": upload("ktp.png"), **data},
        )


def test_a_new_participant_is_indonesian_whatever_the_nik(participant):
    assert participant.nationality == "WNI"


def test_the_same_nationality_is_refused_by_the_field(
    client, participant, django_capture_on_commit_callbacks
):
    response = ask(client, participant, django_capture_on_commit_callbacks, new_nationality="WNI")
    assert response.status_code == 200
    assert "new_nationality" in response.context["form"].errors
    # A refused form keeps a draft (its files are not chosen again); nothing goes to review.
    assert not DataUpdateRequest.objects.filter(
        participant=participant, status__in=DataUpdateRequest.OPEN_STATUSES
    ).exists()


def test_a_missing_choice_is_refused_by_the_field(
    client, participant, django_capture_on_commit_callbacks
):
    response = ask(client, participant, django_capture_on_commit_callbacks, new_nationality="")
    assert "new_nationality" in response.context["form"].errors


def test_staff_approve_and_leaving_indonesia_becomes_claimable(
    client, participant, django_capture_on_commit_callbacks
):
    """Permenaker 4/2022 Art. 12(1): only a foreign national may claim for leaving Indonesia."""
    today = participant.created_at.date()
    request = ClaimRequest(claim_type=LEAVING)
    before = claim_eligibility(participant=participant, request=request, on_date=today)
    assert "leaving_indonesia_foreign_only" in [b.code for b in before.blockers]

    ask(client, participant, django_capture_on_commit_callbacks, new_nationality="WNA")
    change = DataUpdateRequest.objects.get(participant=participant, kind="nationality")
    assert change.status == DataUpdateRequest.Status.IN_REVIEW
    participant.refresh_from_db()
    assert participant.nationality == "WNI"  # nothing changes before the review

    client.force_login(StaffFactory(branch=participant.branch, perms=PERMISSIONS))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(change), {"decision": "approve", "decision_reason": ""})
    participant.refresh_from_db()
    assert participant.nationality == "WNA"
    audit = AuditEvent.objects.get(action="data_updated", participant=participant)
    assert (audit.detail["old"], audit.detail["new"]) == ("WNI", "WNA")
    after = claim_eligibility(participant=participant, request=request, on_date=today)
    assert "leaving_indonesia_foreign_only" not in [b.code for b in after.blockers]
