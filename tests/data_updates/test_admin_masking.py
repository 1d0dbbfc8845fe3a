"""The data-update review page shows a new bank account number masked (last four digits)."""

import pytest

from data_updates.models import DataUpdateRequest
from tests.factories import ParticipantFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
PERMISSIONS = ["data_updates.view_dataupdaterequest", "data_updates.change_dataupdaterequest",
               "participants.view_participant", "core.view_auditevent",
               "documents.view_document"]  # fmt: skip
ACCOUNT = "7310029384756"


def test_the_review_page_masks_the_new_bank_account_number(client):
    participant = ParticipantFactory(user=UserFactory(), full_name="Budi Santoso")
    request = DataUpdateRequest.objects.create(
        participant=participant,
        kind=DataUpdateRequest.Kind.BANK_ACCOUNT,
        status=DataUpdateRequest.Status.IN_REVIEW,
        values={"bank": "BRI", "account_number": ACCOUNT, "holder": "Budi Santoso"},
    )
    client.force_login(StaffFactory(branch=participant.branch, perms=PERMISSIONS))
    response = client.get(f"/admin/data_updates/dataupdaterequest/{request.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert ACCOUNT not in body
    assert "****" + ACCOUNT[-4:] in body
    # The rest of what was asked for is what staff review: in full.
    assert "BRI" in body
    assert "Budi Santoso" in body
