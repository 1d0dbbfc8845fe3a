"""The branch's virtual queue: arrival on the day, call order, walk-ins, no-shows, figures."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appointments import door, rules, selectors, services
from appointments.models import Appointment, QueueTicket
from appointments.tasks import queue_release_no_shows_task
from insights.selectors import counter_day_figures
from tests.factories import (
    AppointmentFactory,
    BranchFactory,
    ClaimFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

from .conftest import TODAY, TOMORROW, open_branch

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 12, 7, 8, 50, tzinfo=JAKARTA)),
]
STAFF_PERMS = ["appointments.view_queueticket", "appointments.change_queueticket"]
COUNTER = reverse("admin:appointments_queueticket_counter")


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=JAKARTA)


@pytest.fixture
def branch(service):
    """Open 9 to 11 with one counter: four 30-minute slots a day."""
    return open_branch(BranchFactory(code="near", name="KCP Dekat"), service, periods=((9, 11),))


def visit(branch, service, starts, *, code=None, name="Budi Santoso"):
    """A confirmed visit in one slot (the scheduler's result, made directly)."""
    return AppointmentFactory(
        participant=ParticipantFactory(user=UserFactory(), branch=branch, full_name=name),
        service_type=service, branch_choice_1=branch, branch=branch, scheduled_for=starts,
        seat=1, status=Appointment.Status.ACCEPTED, window_start=starts.date(),
        window_end=starts.date(), booking_code=code or services.booking_code_new(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"), (1, "satu"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"),
        (19, "sembilan belas"), (20, "dua puluh"), (45, "empat puluh lima"), (100, "seratus"),
        (101, "seratus satu"), (111, "seratus sebelas"), (250, "dua ratus lima puluh"),
        (999, "sembilan ratus sembilan puluh sembilan"), (1000, "seribu"),
        (2012, "dua ribu dua belas"), (11000, "sebelas ribu"),
    ],
)  # fmt: skip
def test_numbers_in_indonesian_words(n, words):
    assert rules.number_words_id(n) == words


def test_a_call_reads_the_letter_then_the_whole_number():
    assert rules.ticket_label("A", 12) == "A-012"
    assert rules.ticket_words_id("A", 12) == "A dua belas"
    assert rules.call_words_id("B", 7, 2) == "Nomor antrean B tujuh, silakan ke loket dua"
    with pytest.raises(ValueError, match="-1"):
        rules.number_words_id(-1)


def test_check_in_by_the_door_qr_code_on_the_day(client, service, branch):
    today = visit(branch, service, at(TODAY, 9))
    client.force_login(today.participant.user)
    url = reverse("appointments:queue_door", args=[door.door_token(branch_id=branch.pk, day=TODAY)])
    assert "Lapor hadir" in client.get(url).content.decode()
    response = client.post(url)
    assert response.url == reverse("appointments:detail", args=[today.pk])
    today.refresh_from_db()
    assert today.status == Appointment.Status.CHECKED_IN
    ticket = today.queue_ticket
    assert (ticket.label, ticket.channel, ticket.due_at) == ("A-001", "qr", today.scheduled_for)
    client.post(url)  # a second scan gives the same number back
    assert QueueTicket.objects.count() == 1
    page = client.get(response.url).content.decode()
    assert "A-001" in page
    assert "Anda berikutnya" in page


def test_yesterdays_door_code_and_a_forged_one_are_refused(client, service, branch):
    today = visit(branch, service, at(TODAY, 9))
    client.force_login(today.participant.user)
    old = door.door_token(branch_id=branch.pk, day=TODAY - datetime.timedelta(days=1))
    for token in (old, old[:-2] + "xx"):
        response = client.post(reverse("appointments:queue_door", args=[token]))
        assert response.status_code == 404
        assert "bukan kode kantor cabang untuk hari ini" in response.content.decode()
    assert not QueueTicket.objects.exists()


def test_check_in_a_day_early_is_refused_everywhere(client, service, branch):
    tomorrow = visit(branch, service, at(TOMORROW, 9), code="ACD379")
    with pytest.raises(services.AppointmentError) as refused:
        services.ticket_check_in(appointment=tomorrow, channel="staff")
    assert refused.value.code == "check_in_early"
    assert "Selasa, 8 Desember 2026" in refused.value.message
    client.force_login(tomorrow.participant.user)
    token = door.door_token(branch_id=branch.pk, day=TODAY)
    page = client.post(reverse("appointments:queue_door", args=[token])).content.decode()
    assert "Lapor hadir hanya bisa pada hari itu" in page
    client.logout()
    kiosk = reverse("appointments:queue_kiosk", args=[branch.code])
    page = client.post(kiosk, {"booking_code": "acd-379"}).content.decode()
    assert "Lapor hadir hanya bisa pada hari itu" in page
    tomorrow.refresh_from_db()
    assert tomorrow.status == Appointment.Status.ACCEPTED
    assert not QueueTicket.objects.exists()


def test_kiosk_gives_a_number_for_a_booking_code_and_shows_a_masked_name(client, service, branch):
    today = visit(branch, service, at(TODAY, 9), code="KMN4PQ")
    kiosk = reverse("appointments:queue_kiosk", args=[branch.code])
    response = client.post(kiosk, {"booking_code": " kmn4pq "})
    page = response.content.decode()
    assert "A-001" in page
    assert "A satu" in page
    assert "B*** S***" in page
    assert "Budi" not in page
    assert today.participant.nik not in page
    assert QueueTicket.objects.get().channel == "kiosk"


def test_kiosk_refuses_unknown_codes_and_stops_after_too_many(client, service, branch, settings):
    settings.QUEUE_KIOSK_TRIES_PER_10_MINUTES = 3
    elsewhere = open_branch(BranchFactory(code="far"), service)
    visit(elsewhere, service, at(TODAY, 9), code="FAR777")
    kiosk = reverse("appointments:queue_kiosk", args=[branch.code])
    # another branch's code is answered as an unknown one
    page = client.post(kiosk, {"booking_code": "FAR777"}).content.decode()
    assert "tidak ada kunjungan di kantor cabang ini dengan kode itu" in page
    for _ in range(2):
        client.post(kiosk, {"booking_code": "XXXXXX"})
    mine = visit(branch, service, at(TODAY, 9, 30), code="MNP333")
    page = client.post(kiosk, {"booking_code": mine.booking_code}).content.decode()
    assert "Terlalu banyak kode salah" in page
    assert not QueueTicket.objects.exists()


def test_call_next_takes_booked_visits_by_their_time_and_fits_walk_ins(service, branch):
    """Visits at 9:00 and 10:00; the walk-ins fill the free 9:30 and 10:30 slots, and a third
    comes after the day's slots. Arrival order does not matter, the slot does."""
    staff = StaffFactory(branch=branch)
    late = visit(branch, service, at(TODAY, 10))
    early = visit(branch, service, at(TODAY, 9))
    a_late = services.ticket_check_in(appointment=late, channel="staff")
    walk_ins = [
        services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")
        for _ in range(3)
    ]
    a_early = services.ticket_check_in(appointment=early, channel="staff")
    assert [w.due_at for w in walk_ins] == [at(TODAY, 9, 30), at(TODAY, 10, 30), None]
    assert [w.label for w in walk_ins] == ["B-001", "B-002", "B-003"]
    called = [services.ticket_call_next(branch=branch, counter=2, staff=staff) for _ in range(5)]
    expected = [a_early, walk_ins[0], a_late, walk_ins[1], walk_ins[2]]
    assert [t.pk for t in called] == [t.pk for t in expected]
    assert services.ticket_call_next(branch=branch, counter=2, staff=staff) is None
    assert {t.status for t in QueueTicket.objects.all()} == {"called"}


def test_serving_then_done_closes_the_visit(service, branch, clock):
    staff = StaffFactory(branch=branch)
    today = visit(branch, service, at(TODAY, 9))
    ticket = services.ticket_check_in(appointment=today, channel="staff")
    services.ticket_call_next(branch=branch, counter=1, staff=staff)
    ticket.refresh_from_db()
    services.ticket_serve_start(ticket=ticket, staff=staff)
    with pytest.raises(services.AppointmentError):
        services.ticket_serve_start(ticket=ticket, staff=staff)
    services.ticket_serve_finish(ticket=ticket, staff=staff)
    today.refresh_from_db()
    assert today.status == Appointment.Status.DONE
    assert today.served_at is not None
    assert QueueTicket.objects.get().status == "done"


def test_another_branchs_staff_cannot_call_or_work_this_queue(client, service, branch):
    services.ticket_check_in(appointment=visit(branch, service, at(TODAY, 9)), channel="staff")
    ticket = QueueTicket.objects.get()
    other = StaffFactory(branch=open_branch(BranchFactory(code="far"), service), perms=STAFF_PERMS)
    with pytest.raises(PermissionDenied):
        services.ticket_call_next(branch=branch, counter=1, staff=other)
    with pytest.raises(PermissionDenied):
        services.ticket_no_show(ticket=ticket, staff=other)
    client.force_login(other)
    # asking for this branch in the admin works the staff member's own branch instead
    client.post(COUNTER, {"branch": branch.pk, "counter": 1, "action": "call_next"})
    response = client.post(COUNTER, {"branch": branch.pk, "ticket": ticket.pk, "action": "no_show"})
    assert response.status_code == 404
    assert QueueTicket.objects.get().status == "waiting"
    assert "A-001" not in client.get(COUNTER, {"branch": branch.pk}).content.decode()


def test_staff_call_next_and_issue_a_walk_in_from_the_admin(client, service, branch):
    services.ticket_check_in(appointment=visit(branch, service, at(TODAY, 9)), channel="staff")
    client.force_login(StaffFactory(branch=branch, perms=STAFF_PERMS))
    client.post(COUNTER, {"counter": 3, "action": "call_next"})
    ticket = QueueTicket.objects.get()
    assert (ticket.status, ticket.counter) == ("called", 3)
    client.post(COUNTER, {"counter": 3, "action": "walk_in", "service_type": service.pk})
    walk_in = QueueTicket.objects.get(prefix="B")
    assert (walk_in.label, walk_in.channel, walk_in.participant) == ("B-001", "staff", None)
    page = client.get(COUNTER).content.decode()
    assert "Panggil berikutnya" in page
    assert "B-001" in page


def test_walk_in_at_the_kiosk(client, service, branch):
    url = reverse("appointments:queue_kiosk_walk_in", args=[branch.code])
    assert service.name_id in client.get(url).content.decode()
    page = client.post(url, {"service_type": service.pk}).content.decode()
    assert "B-001" in page
    assert QueueTicket.objects.get().due_at == at(TODAY, 9)


def test_the_beat_task_releases_no_shows_after_the_grace_period(service, branch, clock):
    assert settings.CELERY_BEAT_SCHEDULE["appointments-queue-release-no-shows"]["task"] == (
        "appointments.tasks.queue_release_no_shows_task"
    )
    staff = StaffFactory(branch=branch)
    came = visit(branch, service, at(TODAY, 9))
    never = visit(branch, service, at(TODAY, 9, 30))
    later = visit(branch, service, at(TODAY, 10))
    services.ticket_check_in(appointment=came, channel="staff")
    called = services.ticket_call_next(branch=branch, counter=1, staff=staff)
    grace = datetime.timedelta(minutes=settings.QUEUE_NO_SHOW_GRACE_MINUTES)
    clock.move_to(at(TODAY, 9, 30) + grace + datetime.timedelta(minutes=1))
    result = queue_release_no_shows_task.apply().get()
    assert result == {"tickets": 1, "appointments": 1}
    assert queue_release_no_shows_task.apply().get() == {"tickets": 0, "appointments": 0}
    called.refresh_from_db()
    assert called.status == "no_show"
    statuses = dict(Appointment.objects.values_list("pk", "status"))
    assert statuses == {came.pk: "no_show", never.pk: "no_show", later.pk: "accepted"}


def test_the_participant_sees_their_place(client, service, branch):
    for _ in range(2):
        services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")
    mine = visit(branch, service, at(TODAY, 10, 30))
    services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")
    services.ticket_check_in(appointment=mine, channel="qr")
    client.force_login(mine.participant.user)
    detail = reverse("appointments:detail", args=[mine.pk])
    page = client.get(detail).content.decode()
    assert "3 orang sebelum Anda" in page
    assert 'data-poll-url="' + reverse("appointments:queue_place", args=[mine.pk]) in page
    staff = StaffFactory(branch=branch)
    services.ticket_call_next(branch=branch, counter=1, staff=staff)
    fragment = client.get(reverse("appointments:queue_place", args=[mine.pk])).json()["html"]
    assert "2 orang sebelum Anda" in fragment
    for _ in range(3):
        services.ticket_call_next(branch=branch, counter=2, staff=staff)
    fragment = client.get(reverse("appointments:queue_place", args=[mine.pk])).json()["html"]
    assert "segera ke loket 2" in fragment
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Nomor antrean A-001" in dashboard
    # someone else's appointment: the same 404 as a missing one
    client.force_login(ParticipantFactory(user=UserFactory(), branch=branch).user)
    assert client.get(reverse("appointments:queue_place", args=[mine.pk])).status_code == 404


def test_the_display_shows_numbers_and_words_and_no_names(client, service, branch):
    today = visit(branch, service, at(TODAY, 9), name="Siti Aminah")
    services.ticket_check_in(appointment=today, channel="qr")
    services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")
    services.ticket_call_next(branch=branch, counter=2, staff=StaffFactory(branch=branch))
    page = client.get(reverse("appointments:queue_display", args=[branch.code])).content.decode()
    assert "A-001" in page
    assert "A satu" in page
    assert "Loket 2" in page
    assert "1 nomor menunggu" in page
    assert "Siti" not in page
    assert "<svg" in page  # today's door code
    now = client.get(reverse("appointments:queue_display_now", args=[branch.code])).json()
    assert "A-001" in now["html"]


def test_the_days_figures_on_a_hand_made_day(client, service, branch):
    staff = StaffFactory(branch=branch)
    one = visit(branch, service, at(TODAY, 9))
    two = visit(branch, service, at(TODAY, 9, 30))
    visit(branch, service, at(TODAY, 10)).__class__.objects.filter(
        scheduled_for=at(TODAY, 10)
    ).update(status="no_show")  # a booked visit that never came
    t1 = services.ticket_check_in(appointment=one, channel="qr", now=at(TODAY, 8, 0))
    t2 = services.ticket_check_in(appointment=two, channel="qr", now=at(TODAY, 8, 5))
    t3 = services.ticket_issue_walk_in(
        branch=branch, service_type=service, channel="kiosk", now=at(TODAY, 8, 30)
    )
    services.ticket_call_next(branch=branch, counter=1, staff=staff, now=at(TODAY, 8, 10))
    services.ticket_serve_start(ticket=t1, staff=staff, now=at(TODAY, 8, 12))
    services.ticket_serve_finish(ticket=t1, staff=staff, now=at(TODAY, 8, 22))
    services.ticket_call_next(branch=branch, counter=1, staff=staff, now=at(TODAY, 8, 25))
    services.ticket_serve_start(ticket=t2, staff=staff, now=at(TODAY, 8, 25))
    services.ticket_serve_finish(ticket=t2, staff=staff, now=at(TODAY, 8, 45))
    services.ticket_call_next(branch=branch, counter=1, staff=staff, now=at(TODAY, 8, 40))
    services.ticket_no_show(ticket=t3, staff=staff, now=at(TODAY, 8, 48))
    ClaimFactory(participant=one.participant, status="approved", decided_at=at(TODAY, 8, 20))
    ClaimFactory(participant=two.participant, status="rejected", decided_at=at(TODAY, 8, 40))
    ClaimFactory(participant=two.participant, status="approved", decided_at=at(TODAY, 0, 0)
                 - datetime.timedelta(minutes=1))  # fmt: skip
    figures = counter_day_figures(branch_id=branch.pk, day=TODAY)
    queue = figures.queue
    assert (queue.issued, queue.walk_ins, queue.served, queue.no_shows) == (3, 1, 2, 2)
    assert (queue.wait_average, queue.wait_median) == (13.3, 10.0)  # 10, 20 and 10 minutes
    assert (queue.counter_average, queue.counter_median) == (15.0, 15.0)  # 10 and 20
    assert figures.claims_decided == 2
    assert selectors.queue_day_figures(branch_id=branch.pk, day=TOMORROW).issued == 0


def test_the_branch_head_sees_the_days_figures_beside_the_insights(client, service, branch):
    staff = StaffFactory(branch=branch, perms=["insights.view_dailysummary"])
    t1 = services.ticket_check_in(appointment=visit(branch, service, at(TODAY, 9)), channel="qr")
    services.ticket_call_next(branch=branch, counter=1, staff=staff, now=at(TODAY, 8, 56))
    services.ticket_serve_finish(ticket=t1, staff=staff, now=at(TODAY, 9, 4))
    elsewhere = open_branch(BranchFactory(code="far"), service)
    services.ticket_issue_walk_in(branch=elsewhere, service_type=service, channel="kiosk")
    client.force_login(staff)
    url = reverse("admin:insights_dailysummary_changelist")
    page = client.get(url).content.decode()
    assert "Hari ini di loket" in page
    assert 'data-figure="served">1<' in page
    assert 'data-figure="wait-median">6.0<' in page or 'data-figure="wait-median">6,0<' in page
    assert 'data-figure="issued">1 (0)<' in page  # the other branch's walk-in is not counted
    yesterday = client.get(url, {"day": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert 'data-figure="served">0<' in yesterday.content.decode()


def test_staff_without_the_queue_permission_or_a_branch_get_no_counter_page(client, branch):
    client.force_login(StaffFactory(branch=branch))  # staff, no permission on queue numbers
    assert client.get(COUNTER).status_code == 403
    client.force_login(StaffFactory(branch=None, perms=STAFF_PERMS))
    assert client.get(COUNTER).status_code == 403
    client.force_login(ParticipantFactory(user=UserFactory(), branch=branch).user)
    assert client.get(COUNTER).status_code == 302  # to the admin's login


def test_query_counts_do_not_grow_with_the_queue(client, service, branch):
    """The display, its poll, the participant's place and the counter page read the same
    number of rows whatever the length of the queue."""
    staff = StaffFactory(branch=branch, perms=STAFF_PERMS)
    mine = visit(branch, service, at(TODAY, 10, 30))
    services.ticket_check_in(appointment=mine, channel="qr")
    display = reverse("appointments:queue_display_now", args=[branch.code])
    place = reverse("appointments:queue_place", args=[mine.pk])

    def counts():
        found = []
        for url, user in ((display, None), (place, mine.participant.user), (COUNTER, staff)):
            client.logout()
            if user:
                client.force_login(user)
            client.get(url)  # warm the per-session caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    for _ in range(10):
        services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")
    for counter in range(1, 4):  # the three walk-ins fitted before 10:30; mine still waits
        services.ticket_call_next(branch=branch, counter=counter, staff=staff)
    assert QueueTicket.objects.get(appointment=mine).status == "waiting"
    assert counts() == few
