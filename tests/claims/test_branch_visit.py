"""A JHT claim above the online limit is finished at a priority branch visit."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from appointments.models import Appointment, ServiceType
from appointments.services import (
    appointment_record_visit,
    appointment_request_create,
    appointments_schedule_pending,
)
from claims.choices import Status
from claims.models import Claim
from claims.services import (
    ClaimError,
    ClaimTransitionError,
    claim_branch_visit_request,
    claim_file,
    claim_transition,
)
from core.models import AuditEvent
from tests.appointments.conftest import open_branch
from tests.claims.conftest import give_jht_balance, submit_kwargs
from tests.factories import ClaimFactory, ParticipantFactory, StaffFactory

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 1, 14, 9, 0, tzinfo=JAKARTA)),
]
TODAY = datetime.date(2026, 1, 14)  # a Wednesday
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture
def visit_service():
    """The seeded JHT verification service (a data migration)."""
    return ServiceType.objects.get(code="jht_verification")


@pytest.fixture
def above_limit(resigned, visit_service):
    """Budi's balance is above the Rp15 juta limit; his branch has one counter, 9 to 10."""
    open_branch(resigned.branch, visit_service, counters=1, periods=((9, 10),))
    give_jht_balance(resigned, 20_000_000)
    claim = claim_file(**submit_kwargs(resigned, on_date=TODAY)).claim
    assert claim.branch_visit is True
    return claim


def book(client, claim, **overrides):
    data = {
        "branch_choice_1": claim.participant.branch_id,
        "window_start": TOMORROW.isoformat(),
        "window_end": TOMORROW.isoformat(),
        **overrides,
    }
    return client.post(reverse("claims:branch_visit", args=[claim.pk]), data)


def test_the_booking_link_creates_a_priority_request_linked_to_the_claim(client, above_limit):
    client.force_login(above_limit.participant.user)
    page = client.get(reverse("claims:detail", args=[above_limit.pk])).content.decode()
    assert reverse("claims:branch_visit", args=[above_limit.pk]) in page
    form = client.get(reverse("claims:branch_visit", args=[above_limit.pk]))
    assert "service_type" not in form.context["form"].fields

    response = book(client, above_limit)

    visit = Appointment.objects.get()
    assert response.url == reverse("appointments:detail", args=[visit.pk])
    assert (visit.claim_id, visit.priority, visit.service_type.code) == (
        above_limit.pk, True, "jht_verification",
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="claim_branch_visit_requested").exists()
    again = client.get(reverse("claims:branch_visit", args=[above_limit.pk]))
    assert again.url == reverse("appointments:detail", args=[visit.pk])  # one visit, not two


def test_the_scheduler_serves_the_claims_visit_before_earlier_requests(
    client, above_limit, visit_service
):
    """Two ordinary requests came first; the one seat at 9:00 goes to the claim's visit."""
    earlier = [
        appointment_request_create(
            participant=ParticipantFactory(branch=above_limit.participant.branch),
            service_type=visit_service,
            branch_choices=[above_limit.participant.branch],
            window_start=TOMORROW,
            window_end=TOMORROW,
            today=TODAY,
        )
        for _ in range(2)
    ]
    client.force_login(above_limit.participant.user)
    book(client, above_limit)
    appointments_schedule_pending(service_type_id=visit_service.pk, today=TODAY)

    visit = Appointment.objects.get(claim_id=above_limit.pk)
    assert visit.status == Appointment.Status.ASSIGNED
    assert visit.scheduled_for == datetime.datetime(2026, 1, 15, 9, 0, tzinfo=JAKARTA)
    statuses = sorted(
        Appointment.objects.filter(pk__in=[a.pk for a in earlier]).values_list("status", flat=True)
    )
    assert statuses == [Appointment.Status.ASSIGNED, Appointment.Status.PENDING]


def test_approval_waits_for_the_branch_visit(client, above_limit, visit_service):
    staff = StaffFactory(branch=above_limit.participant.branch, password=None)
    claim = Claim.objects.select_related("participant").get()
    Claim.objects.filter(pk=claim.pk).update(status=Status.IN_REVIEW)
    claim.status = Status.IN_REVIEW
    with pytest.raises(ClaimTransitionError, match="setujui setelah peserta berkunjung"):
        claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)

    client.force_login(above_limit.participant.user)
    book(client, above_limit)
    appointments_schedule_pending(service_type_id=visit_service.pk, today=TODAY)
    visit = Appointment.objects.get(claim_id=claim.pk)
    appointment_record_visit(
        appointment=visit, action="check_in", actor=staff, now=visit.scheduled_for
    )

    claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)
    assert Claim.objects.get().status == Status.APPROVED


def test_a_claim_within_the_limit_has_no_branch_visit_page(client, resigned):
    claim = ClaimFactory(participant=resigned)
    client.force_login(resigned.user)
    response = client.get(reverse("claims:branch_visit", args=[claim.pk]))
    assert response.url == reverse("claims:detail", args=[claim.pk])
    with pytest.raises(ClaimError, match="tidak perlu kunjungan ke kantor cabang"):
        claim_branch_visit_request(
            claim=claim,
            branch_choices=[resigned.branch],
            window_start=TOMORROW,
            window_end=TOMORROW,
            earliest_anywhere=False,
            actor=resigned.user,
        )
    assert not Appointment.objects.exists()


def test_someone_elses_claim_visit_page_is_not_found(client, above_limit):
    other = ParticipantFactory(user=StaffFactory(is_staff=False, password=None))
    client.force_login(other.user)
    assert client.get(reverse("claims:branch_visit", args=[above_limit.pk])).status_code == 404
    assert book(client, above_limit).status_code == 404
    assert not Appointment.objects.exists()
