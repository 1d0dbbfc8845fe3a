"""Load one day's rows from the apps' tables, compute the indicators, store the summaries.

`insights_aggregate_day` is the only writer of DailySummary. It replaces the day's rows as a
whole (update the rows that exist, add the new ones, drop the ones whose branch has nothing left
that day) inside one transaction, so running it twice, or again after late data, leaves exactly
the rows one run on the final data would. The nightly beat job runs it for yesterday; the
`insights_backfill` command for a range of days.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from appointments.models import Appointment
from claims.models import Claim, ClaimEvent
from complaints.models import SelfHelpOffer, Ticket
from core.models import AuditEvent
from data_updates.models import DataUpdateStep
from news.models import QuizAttempt
from participants.models import Participant

from . import metrics
from .models import DailySummary


def day_window(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight to the next local midnight (the portal's time zone, Asia/Jakarta)."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _local_date(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date()


# Row loaders: one query each, bounded by the day (or the 30-day activity window). -----------


def load_active_user_rows(start, end):
    registered_before = [
        metrics.RegisteredCount(row["branch_id"], row["category"], row["count"])
        for row in Participant.objects.filter(user__isnull=False, user__date_joined__lt=start)
        .values("branch_id", "category")
        .annotate(count=Count("id"))
        .order_by()
    ]
    registrations = [
        metrics.Registration(branch_id, category, at)
        for branch_id, category, at in Participant.objects.filter(
            user__date_joined__gte=start, user__date_joined__lt=end
        ).values_list("branch_id", "category", "user__date_joined")
    ]
    window_start = start - datetime.timedelta(days=metrics.ACTIVE_WINDOW_DAYS - 1)
    # Latest activity per participant inside the window, from each place it is recorded:
    # services used by the participant themself (audit rows they are the actor of, logins
    # included), the last login and activity stamps, guide quizzes and self-help offers. The
    # latest one tells both "that day" and "30 days".
    own_actions = AuditEvent.objects.filter(actor_id=F("participant__user_id"))
    latest = [
        rows.filter(at__gte=window_start, at__lt=end, participant__isnull=False)
        .values("participant_id", "participant__branch_id", "participant__category")
        .annotate(last=Max("at"))
        .order_by()
        .values_list("participant_id", "participant__branch_id", "participant__category", "last")
        for rows in (own_actions, QuizAttempt.objects.all(), SelfHelpOffer.objects.all())
    ]
    logins = Participant.objects.filter(
        user__last_login__gte=window_start, user__last_login__lt=end
    ).values_list("pk", "branch_id", "category", "user__last_login")
    stamps = Participant.objects.filter(
        last_active_at__gte=window_start, last_active_at__lt=end
    ).values_list("pk", "branch_id", "category", "last_active_at")
    activity = [metrics.Activity(*row) for rows in (*latest, logins, stamps) for row in rows]
    return {
        "registered_before": registered_before,
        "registrations": registrations,
        "activity": activity,
    }


def load_claim_rows(start, end):
    cancelled_at = ClaimEvent.objects.filter(claim=OuterRef("pk"), to_status="cancelled").values(
        "at"
    )[:1]
    claims = (
        Claim.objects.filter(submitted_at__lt=end)
        .filter(Q(decided_at__isnull=True) | Q(decided_at__gte=start) | Q(paid_at__gte=start))
        .annotate(cancelled_at=Subquery(cancelled_at))
        .filter(Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=start))
        .values_list(
            "participant__branch_id", "program", "channel", "status",
            "submitted_at", "decided_at", "paid_at", "cancelled_at",
        )
    )  # fmt: skip
    return [metrics.ClaimRow(*row) for row in claims]


def load_rating_rows(start, end):
    rows = Ticket.objects.filter(rated_at__gte=start, rated_at__lt=end, rating__isnull=False)
    return [metrics.RatingRow(*row) for row in rows.values_list("branch_id", "rating")]


def load_knowledge_rows(start, end):
    earlier = QuizAttempt.objects.filter(
        participant_id=OuterRef("participant_id"),
        guide_id=OuterRef("guide_id"),
        at__lt=OuterRef("at"),
    )
    quiz = (
        QuizAttempt.objects.filter(at__gte=start, at__lt=end)
        .annotate(first=~Exists(earlier))
        .values_list("participant__branch_id", "guide__slug", "score", "total", "first")
    )
    offers = SelfHelpOffer.objects.filter(at__gte=start, at__lt=end).values_list(
        "participant__branch_id", "category", "solved"
    )
    return {
        "quiz_rows": [metrics.QuizRow(*row) for row in quiz],
        "self_help_rows": [metrics.SelfHelpRow(*row) for row in offers],
    }


def load_process_rows(start, end):
    appointments = Appointment.objects.filter(
        scheduled_for__gte=start,
        scheduled_for__lt=end,
        branch__isnull=False,
        status__in=metrics.APPOINTMENT_SCHEDULED,
    ).values_list("branch_id", "status", "requested_at", "scheduled_for")
    tickets = Ticket.objects.filter(
        Q(created_at__gte=start, created_at__lt=end)
        | Q(first_responded_at__gte=start, first_responded_at__lt=end)
        | Q(resolved_at__gte=start, resolved_at__lt=end)
    ).values_list(
        "branch_id", "created_at", "first_response_due", "resolution_due",
        "first_responded_at", "resolved_at",
    )  # fmt: skip
    outcomes = DataUpdateStep.objects.filter(
        at__gte=start, at__lt=end, status__in=["applied", "rejected"]
    ).values_list("request__participant__branch_id", "status", "note", "request__reason")
    return {
        "appointments": [
            metrics.AppointmentRow(branch_id, status, _local_date(asked), _local_date(on))
            for branch_id, status, asked, on in appointments
        ],
        "tickets": [metrics.TicketRow(*row) for row in tickets],
        "data_updates": [
            metrics.DataUpdateOutcome(branch_id, status, note or reason)
            for branch_id, status, note, reason in outcomes
        ],
    }


def compute_day(day: datetime.date) -> dict:
    """`{branch_id: fields}` for one day, from the live tables."""
    start, end = day_window(day)
    return metrics.summarise_day(
        metrics.active_users(start=start, end=end, **load_active_user_rows(start, end)),
        metrics.claims(start=start, end=end, rows=load_claim_rows(start, end)),
        metrics.satisfaction(rows=load_rating_rows(start, end)),
        metrics.knowledge(**load_knowledge_rows(start, end)),
        metrics.process(start=start, end=end, **load_process_rows(start, end)),
    )


TOTAL = "total"


@transaction.atomic
def insights_aggregate_day(*, day: datetime.date) -> int:
    """Store the day's summaries (an upsert per branch, plus the total); returns the row count."""
    computed = compute_day(day)
    if computed:
        computed[TOTAL] = metrics.total_of(computed)
    existing = {
        (TOTAL if row.is_total else row.branch_id): row
        for row in DailySummary.objects.select_for_update().filter(day=day)
    }
    fields = [
        field.name
        for field in DailySummary._meta.concrete_fields
        if field.name not in {"id", "branch", "day", "is_total", "computed_at"}
    ]
    defaults = {name: DailySummary._meta.get_field(name).get_default() for name in fields}
    now = timezone.now()
    to_update, to_create = [], []
    for key, values in computed.items():
        row = existing.pop(key, None) or (
            DailySummary(day=day, is_total=True)
            if key == TOTAL
            else DailySummary(day=day, branch_id=key)
        )
        for name in fields:
            setattr(row, name, values.get(name, defaults[name]))
        row.computed_at = now
        (to_update if row.pk else to_create).append(row)
    DailySummary.objects.bulk_update(to_update, [*fields, "computed_at"])
    DailySummary.objects.bulk_create(to_create)
    if existing:  # branches with nothing left that day (data removed since the last run)
        DailySummary.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    return len(computed)


def insights_aggregate_range(*, first: datetime.date, last: datetime.date) -> int:
    """Each day from `first` to `last` inclusive, one transaction per day; rows stored."""
    stored, day = 0, first
    while day <= last:
        stored += insights_aggregate_day(day=day)
        day += datetime.timedelta(days=1)
    return stored
