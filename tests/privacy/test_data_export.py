"""A participant downloads all their data and its processing history (UU PDP)."""

import datetime
import json

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment, ServiceType
from claims.models import ClaimEvent
from complaints.models import TicketMessage
from documents.services import document_upload
from participants.data_export import participant_data_collect
from participants.models import (
    AuditEvent,
    BankAccount,
    DataUpdateRequest,
    DataUpdateStep,
    Enrolment,
    FamilyMember,
    KpjCard,
)
from tests.documents.files import upload
from tests.factories import (
    ClaimFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

URL = "/account/my-data/"


def fill(participant, *, times: int):
    """`times` of everything a participant can have, each with children."""
    for n in range(times):
        card = KpjCardFactory(participant=participant)
        Enrolment.objects.create(kpj_card=card, program="JKK", started_on=datetime.date(2024, 1, 1))
        claim = ClaimFactory(  # one open claim per program: the older ones were rejected
            participant=participant,
            idempotency_key=f"k-{participant.pk}-{n}",
            status="submitted" if n == 0 else "rejected",
        )
        ClaimEvent.objects.create(
            claim=claim, at=timezone.now(), from_status="", to_status="submitted"
        )
        request = DataUpdateRequest.objects.create(
            participant=participant,
            kind="address",
            values={"city": f"Kota {n}"},
            status="draft" if n == 0 else "applied",  # one open request per kind
        )
        DataUpdateStep.objects.create(request=request, status="draft")
        with TestCase.captureOnCommitCallbacks(execute=True):  # verification runs
            document_upload(owner=participant, kind="ktp", upload=upload(), actor=None)
        ticket = TicketFactory(participant=participant)
        TicketMessage.objects.create(ticket=ticket, body=f"Pesan {n}")
        service, _ = ServiceType.objects.get_or_create(
            code=f"export_{n}",
            defaults={"name_id": f"Layanan {n}", "name_en": f"Service {n}", "duration_minutes": 30},
        )
        Appointment.objects.create(
            participant=participant,
            service_type=service,
            branch_choice_1=participant.branch,
            window_start=datetime.date(2026, 12, 1),
            window_end=datetime.date(2026, 12, 14),
        )
        FamilyMember.objects.create(
            participant=participant,
            full_name=f"Anak {n}",
            relationship="child",
            birth_date=datetime.date(2015, 1, 1),
        )
    BankAccount.objects.create(
        participant=participant, bank="BRI", account_number="5550001112223", account_name="X"
    )


@pytest.fixture
def owner(client):
    participant = ParticipantFactory(user=UserFactory(), full_name="Rina Marlina")
    client.force_login(participant.user)
    return participant


def download(client) -> dict:
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="jmo-data-saya-')
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def test_the_download_holds_all_my_data_and_its_history(client, owner):
    fill(owner, times=2)
    data = download(client)

    assert data["profile"]["nik"] == owner.nik
    assert data["profile"]["full_name"] == "Rina Marlina"
    assert len(data["kpj_cards"]) == 2
    assert data["kpj_cards"][0]["enrolments"][0]["program"] == "JKK"
    assert len(data["claims"]) == 2
    assert data["claims"][0]["events"][0]["to_status"] == "submitted"
    assert len(data["data_updates"]) == 2
    assert data["data_updates"][0]["steps"][0]["status"] == "draft"
    assert len(data["documents"]) == 2
    assert len(data["documents"][0]["checks"]) == 5  # the verification pipeline's checks
    assert "storage_name" not in data["documents"][0]
    assert len(data["appointments"]) == 2
    assert data["complaints"][0]["messages"][0]["body"] == "Pesan 0"
    assert data["bank_account"]["account_number"] == "5550001112223"
    assert len(data["family_members"]) == 2
    history = {(event["action"], event["by"]) for event in data["processing_history"]}
    assert ("exported", "you") in history
    assert ("document_checked", "system") in history


def test_the_export_is_recorded_and_staff_access_shows_in_it(client, owner):
    staff = StaffFactory(branch=owner.branch, is_superuser=True)
    client.force_login(staff)
    client.get(reverse("admin:participants_participant_change", args=[owner.pk]))
    client.force_login(owner.user)

    data = download(client)

    assert AuditEvent.objects.filter(
        participant=owner, actor=owner.user, action="exported", detail={"record": "own_data"}
    ).exists()
    seen = [e for e in data["processing_history"] if e["action"] == "viewed"]
    assert seen == [
        {
            "at": seen[0]["at"],
            "action": "viewed",
            "detail": {"record": "participants.participant", "id": owner.pk},
            "by": "staff",
        }
    ]


def test_only_my_own_data_is_in_my_download(client, owner):
    other = ParticipantFactory(user=UserFactory(), full_name="Orang Lain")
    fill(other, times=1)
    data = download(client)
    text = json.dumps(data)
    assert other.nik not in text
    assert "Orang Lain" not in text
    assert "5550001112223" not in text
    assert data["claims"] == []
    assert data["kpj_cards"] == []


def test_the_number_of_queries_does_not_grow_with_the_data(owner):
    small, large = owner, ParticipantFactory()
    fill(small, times=1)
    fill(large, times=4)
    counts = []
    for participant in (small, large):
        with CaptureQueriesContext(connection) as queries:
            participant_data_collect(participant_id=participant.pk)
        counts.append(len(queries))
    assert counts[0] == counts[1] == 19


def test_the_whole_download_request_has_a_constant_query_count(
    client, owner, django_assert_num_queries
):
    fill(owner, times=3)
    # session, user, participant, savepoint pair and the audit row, then the 19 reads
    with django_assert_num_queries(26):
        client.post(URL)


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_recorded(client):
    for response in (client.get(URL), client.post(URL)):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    assert not AuditEvent.objects.exists()


def test_a_staff_login_without_a_participant_gets_404(client):
    client.force_login(StaffFactory())
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404
    assert not AuditEvent.objects.exists()


def test_other_methods_are_refused(client, owner):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_the_page_explains_in_indonesian_and_english_and_the_dashboard_links_it(
    client, owner, settings
):
    page = client.get(URL)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    body = page.content.decode()
    assert "Unduh semua data saya" in body
    assert 'method="post"' in body
    assert URL in client.get(reverse("dashboard")).content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Download all my data" in client.get(URL).content.decode()
    assert not AuditEvent.objects.filter(action="exported").exists()  # looking is not exporting


def test_kpj_card_numbers_are_listed_in_full_for_their_owner(client, owner):
    card = KpjCardFactory(participant=owner)
    data = download(client)
    assert [c["number"] for c in data["kpj_cards"]] == [card.number]
    assert KpjCard.objects.count() == 1
