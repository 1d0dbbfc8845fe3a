"""The nightly aggregation on rows in the apps' own tables: known answers, idempotence, edges."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from appointments.models import ServiceType
from complaints.models import SelfHelpOffer
from insights.aggregation import insights_aggregate_day
from insights.models import DailySummary
from insights.tasks import insights_aggregate_day_task, insights_aggregate_yesterday_task
from news.models import Guide
from participants.models import User
from tests.factories import (
    AppointmentFactory,
    AuditEventFactory,
    BranchFactory,
    ClaimEventFactory,
    ClaimFactory,
    DataUpdateRequestFactory,
    DataUpdateStepFactory,
    ParticipantFactory,
    QuizAttemptFactory,
    SelfHelpOfferFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

JKT = ZoneInfo("Asia/Jakarta")
DAY = datetime.date(2026, 11, 10)


def at(days=0, hours=0):
    return datetime.datetime(2026, 11, 10, tzinfo=JKT) + datetime.timedelta(days=days, hours=hours)


def _registered(branch, category="PPU", joined=None, **fields):
    user = UserFactory(password=None)
    User.objects.filter(pk=user.pk).update(date_joined=joined or at(-30), **fields)
    return ParticipantFactory(user=user, branch=branch, category=category)


@pytest.fixture
def world():
    """Two branches; each row below has a known effect on 10 Nov 2026 (Jakarta)."""
    x, y = BranchFactory(code="x"), BranchFactory(code="y")
    budi = _registered(x, "PPU", last_login=at(hours=10))  # active today
    _registered(x, "BPU", joined=at(hours=12))  # new today, never active
    rina = _registered(y, "PMI", joined=at(-40))
    # Active 5 days ago.
    AuditEventFactory(actor=rina.user, participant=rina, action="claim_submitted", at=at(-5))
    staff = StaffFactory(branch=x)
    # Staff acting on budi's record is not budi being active.
    AuditEventFactory(actor=staff, participant=budi, action="claim_approved", at=at(-20))
    ParticipantFactory(branch=x)  # a member without a portal login: not registered

    # Claims: decided today after 60 h; still open; paid today 248 h after submission.
    ClaimFactory(
        participant=budi,
        program="JHT",
        channel="online",
        status="approved",
        submitted_at=at(-2),
        decided_at=at(hours=12),
    )
    ClaimFactory(
        participant=budi,
        program="JP",
        reason="pension_age",
        channel="online",
        status="submitted",
        submitted_at=at(-1),
    )
    ClaimFactory(
        participant=rina,
        program="JHT",
        channel="branch",
        created_by=staff,
        status="paid",
        submitted_at=at(-10),
        decided_at=at(-3),
        paid_at=at(hours=8),
    )
    cancelled = ClaimFactory(
        participant=rina,
        program="JKK",
        reason="work_accident",
        channel="partner",
        status="cancelled",
        submitted_at=at(-1),
    )
    ClaimEventFactory(claim=cancelled, at=at(hours=9), from_status="submitted",
                      to_status="cancelled")  # fmt: skip

    # A complaint answered in time, resolved late and rated 4 today.
    TicketFactory(participant=budi, status="resolved", rating=4, rated_at=at(hours=15),
                  first_response_due=at(hours=8), first_responded_at=at(hours=7),
                  resolution_due=at(hours=12), resolved_at=at(hours=14))  # fmt: skip
    TicketFactory(participant=budi, created_at=at(hours=16))  # filed today

    # Two quiz attempts at the same guide (first one completes it) and a self-help offer.
    guide = Guide.objects.get(slug="register")
    QuizAttemptFactory(guide=guide, participant=budi, score=2, total=4, at=at(hours=9))
    QuizAttemptFactory(guide=guide, participant=budi, score=4, total=4, at=at(hours=10))
    SelfHelpOfferFactory(category="cannot_log_in", participant=None, solved=True,
                         at=at(hours=11))  # fmt: skip

    # A visit today booked 3 days ahead, missed.
    service = ServiceType.objects.get(code="consultation")
    AppointmentFactory(
        participant=budi, service_type=service, branch_choice_1=x, window_start=DAY,
        window_end=DAY, status="no_show", branch=x, scheduled_for=at(hours=9), seat=1,
        requested_at=at(-3, hours=20),
    )  # fmt: skip

    # A data update rejected today.
    request = DataUpdateRequestFactory(
        participant=rina, kind="bank_account", status="rejected", reason="Nama rekening beda"
    )
    DataUpdateStepFactory(request=request, status="rejected", by_staff=True,
                          note="Nama rekening beda", at=at(hours=13))  # fmt: skip
    return {"x": x, "y": y, "budi": budi, "rina": rina}


def test_one_day_known_answers(world):
    x, y = world["x"], world["y"]
    # x, y, the visitor's self-help (no branch) and the day's total
    assert insights_aggregate_day(day=DAY) == 4
    rows = {row.branch_id: row for row in DailySummary.objects.filter(day=DAY, is_total=False)}
    rx, ry, visitors = rows[x.pk], rows[y.pk], rows[None]

    assert (rx.registered, rx.new_registrations, rx.active_1d, rx.active_30d) == (2, 1, 1, 1)
    assert rx.by_category["BPU"] == {"registered": 1, "new": 1, "active_1d": 0, "active_30d": 0}
    assert (ry.registered, ry.new_registrations, ry.active_1d, ry.active_30d) == (1, 0, 0, 1)

    assert rx.claims == {
        "JHT|online": {"submitted": 0, "approved": 1, "rejected": 0, "pending": 0},
        "JP|online": {"submitted": 0, "approved": 0, "rejected": 0, "pending": 1},
    }
    assert rx.decision_hours == {"JHT|online": {"60": 1}}
    assert ry.payment_hours == {"JHT|branch": {"248": 1}}
    assert ry.claims == {}  # paid (decided earlier) and cancelled today: nothing pending

    assert rx.complaint_ratings == [0, 0, 0, 1, 0]
    assert (rx.tickets_filed, rx.tickets_responded, rx.tickets_responded_on_time) == (1, 1, 1)
    assert (rx.tickets_resolved, rx.tickets_resolved_on_time) == (1, 0)
    assert rx.quiz == {"register": {"attempts": 2, "score": 6, "total": 8, "completions": 1}}
    assert visitors.self_help == {"cannot_log_in": {"offered": 1, "solved": 1}}
    assert (rx.appointments_served, rx.appointments_no_show, rx.waiting_days) == (0, 1, {"3": 1})
    assert (ry.data_updates_applied, ry.data_updates_rejected) == (0, 1)
    assert ry.rejection_reasons == {"Nama rekening beda": 1}

    total = DailySummary.objects.get(day=DAY, is_total=True)
    assert total.branch_id is None
    assert (total.registered, total.active_1d, total.active_30d) == (3, 1, 2)
    assert total.claims["JHT|online"]["approved"] == 1
    assert total.complaint_ratings == [0, 0, 0, 1, 0]
    assert total.self_help == {"cannot_log_in": {"offered": 1, "solved": 1}}
    assert total.by_category["PMI"]["active_30d"] == 1


def test_running_twice_gives_the_same_rows(world):
    insights_aggregate_day(day=DAY)
    first = list(DailySummary.objects.filter(day=DAY).order_by("branch_id").values())
    insights_aggregate_day(day=DAY)
    second = list(DailySummary.objects.filter(day=DAY).order_by("branch_id").values())
    assert DailySummary.objects.filter(day=DAY).count() == 4

    def strip(rows):
        return [{k: v for k, v in row.items() if k != "computed_at"} for row in rows]

    assert strip(first) == strip(second)  # same ids too: updated in place


def test_a_rerun_after_data_went_away_drops_the_stale_row(world):
    insights_aggregate_day(day=DAY)
    SelfHelpOffer.objects.all().delete()
    assert insights_aggregate_day(day=DAY) == 3
    assert not DailySummary.objects.filter(day=DAY, branch__isnull=True, is_total=False).exists()
    assert DailySummary.objects.get(day=DAY, is_total=True).self_help == {}


def test_no_data_stores_nothing():
    assert insights_aggregate_day(day=DAY) == 0
    assert not DailySummary.objects.exists()


def test_one_branch_with_registered_participants_only_gets_a_row_of_zeros_but_counts():
    branch = BranchFactory()
    _registered(branch)
    assert insights_aggregate_day(day=DAY) == 2  # the branch and the total
    row = DailySummary.objects.get(is_total=False)
    assert (row.branch_id, row.registered, row.active_30d, row.claims) == (branch.pk, 1, 0, {})
    assert row.complaint_ratings == []  # no ratings that day
    total = DailySummary.objects.get(is_total=True)
    assert (total.registered, total.claims, total.complaint_ratings) == (1, {}, [])


def test_a_login_is_an_activity_the_backfill_still_sees_later(world):
    """Each login leaves an audit row, so a later login does not hide an earlier active day."""
    from participants.services import participant_mark_active

    budi = world["budi"]
    with time_machine.travel(at(-7, hours=9)):
        participant_mark_active(participant_id=budi.pk)
    with time_machine.travel(at(2)):
        participant_mark_active(participant_id=budi.pk)  # last_active_at moves past the day
    insights_aggregate_day(day=DAY - datetime.timedelta(days=7))
    row = DailySummary.objects.get(day=DAY - datetime.timedelta(days=7), branch=world["x"])
    assert row.active_1d == 1


def test_backfill_command_covers_each_day_and_is_repeatable(world):
    out = StringIO()
    call_command("insights_backfill", "--from", "2026-11-08", "--to", "2026-11-10", stdout=out)
    assert "3 day(s)" in out.getvalue()
    days = set(DailySummary.objects.values_list("day", flat=True))
    assert days == {datetime.date(2026, 11, 8), datetime.date(2026, 11, 9), DAY}
    count = DailySummary.objects.count()
    call_command("insights_backfill", "--from", "2026-11-08", "--to", "2026-11-10", stdout=out)
    assert DailySummary.objects.count() == count


def test_backfill_command_refuses_bad_dates_and_says_what_to_do():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("insights_backfill", "--from", "10/11/2026")
    with pytest.raises(CommandError, match="swap them"):
        call_command("insights_backfill", "--from", "2026-11-10", "--to", "2026-11-01")


def test_nightly_task_aggregates_yesterday_in_jakarta(world):
    # 00:20 in Jakarta on 11 Nov is still 10 Nov in UTC: "yesterday" is 10 Nov all the same.
    with time_machine.travel(at(1, hours=0.34)):
        assert insights_aggregate_yesterday_task.delay().get() == 4
    assert set(DailySummary.objects.values_list("day", flat=True)) == {DAY}
    assert insights_aggregate_day_task.delay(DAY.isoformat()).get() == 4
    assert DailySummary.objects.count() == 4


def test_beat_schedule_has_the_nightly_job(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["insights-aggregate-yesterday"]
    assert entry["task"] == "insights.tasks.insights_aggregate_yesterday_task"
    assert entry["schedule"].hour == {0}


def test_a_guide_quiz_or_a_self_help_step_alone_counts_as_activity():
    branch = BranchFactory()
    quizzer, helped = _registered(branch), _registered(branch)
    QuizAttemptFactory(
        guide=Guide.objects.get(slug="register"), participant=quizzer, score=1, total=4, at=at(-3)
    )
    SelfHelpOfferFactory(category="other", participant=helped, solved=False, at=at(hours=7))
    insights_aggregate_day(day=DAY)
    row = DailySummary.objects.get(branch=branch, day=DAY)
    assert (row.active_1d, row.active_30d) == (1, 2)
