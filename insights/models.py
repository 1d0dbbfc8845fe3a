"""Daily summaries of the effectiveness indicators: the dashboard reads only these.

One row per branch and day (local calendar day, Asia/Jakarta). A row with no branch holds what
belongs to no branch (self-help offered to visitors without an account). The total row of a day
(`is_total`) is the sum of that day's other rows, written in the same transaction, so the
all-branches view reads one row per day whatever the number of branches (325 branches x 365
days summed on the fly took 2.3 s of Python alone; the total rows make it 365 rows).

Counts and sums are additive over days and branches. Durations are kept as sparse histograms
(`{"<whole hours>": count}`, `{"<days>": count}`), so a median or 90th percentile over any period
and any set of branches is exact at that resolution: add the histograms, then walk them
(insights/metrics.py). A day's sorted list of durations would also be exact, but grows with the
claims; a histogram grows only with the number of distinct durations.

Gauges (registered participants, active in the last 1 and 30 days, claims pending) are the state
at the end of the day: over a period the dashboard shows their series and the last day's value.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DailySummary(models.Model):
    branch = models.ForeignKey(
        "core.Branch",
        verbose_name=_("branch"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: events that belong to no branch (visitors without an account)."),
    )
    day = models.DateField(_("day"))
    is_total = models.BooleanField(
        _("all branches"),
        default=False,
        help_text=_("The day's total over every branch and the unattributed events."),
    )
    # 1. Active users (gauges at the end of the day, except new registrations).
    registered = models.PositiveIntegerField(_("registered participants"), default=0)
    new_registrations = models.PositiveIntegerField(_("new registrations"), default=0)
    active_1d = models.PositiveIntegerField(_("active that day"), default=0)
    active_30d = models.PositiveIntegerField(_("active in the last 30 days"), default=0)
    by_category = models.JSONField(
        _("by category"),
        default=dict,
        help_text='{"PPU": {"registered", "new", "active_1d", "active_30d"}}',
    )
    # 2. and 4. Claims: flows per "program|channel", pending is the gauge at the end of the day.
    claims = models.JSONField(
        _("claims"),
        default=dict,
        help_text='{"JHT|online": {"submitted", "approved", "rejected", "pending"}}',
    )
    decision_hours = models.JSONField(
        _("submission to decision (hours histogram)"),
        default=dict,
        help_text='{"JHT|online": {"<whole hours>": count}} for claims decided that day.',
    )
    payment_hours = models.JSONField(
        _("submission to payment (hours histogram)"),
        default=dict,
        help_text='{"JHT|online": {"<whole hours>": count}} for claims paid that day.',
    )
    # 3. Satisfaction: complaint ratings given that day, count per score 1..5.
    complaint_ratings = models.JSONField(_("complaint ratings 1-5"), default=list)
    # 5. Knowledge: quiz attempts per guide, self-help offers per complaint category.
    quiz = models.JSONField(
        _("guide quizzes"),
        default=dict,
        help_text='{"<guide slug>": {"attempts", "score", "total", "completions"}}',
    )
    self_help = models.JSONField(
        _("self-help"), default=dict, help_text='{"<category>": {"offered", "solved"}}'
    )
    # Process view.
    appointments_served = models.PositiveIntegerField(_("visits served"), default=0)
    appointments_no_show = models.PositiveIntegerField(_("visits missed (no-show)"), default=0)
    waiting_days = models.JSONField(
        _("waiting days histogram"),
        default=dict,
        help_text='{"<days from request to visit>": count} for visits scheduled that day.',
    )
    tickets_filed = models.PositiveIntegerField(_("complaints filed"), default=0)
    tickets_responded = models.PositiveIntegerField(_("first responses"), default=0)
    tickets_responded_on_time = models.PositiveIntegerField(_("first responses on time"), default=0)
    tickets_resolved = models.PositiveIntegerField(_("complaints resolved"), default=0)
    tickets_resolved_on_time = models.PositiveIntegerField(_("resolved on time"), default=0)
    data_updates_applied = models.PositiveIntegerField(_("data updates applied"), default=0)
    data_updates_rejected = models.PositiveIntegerField(_("data updates rejected"), default=0)
    rejection_reasons = models.JSONField(
        _("rejection reasons"), default=dict, help_text='{"<reason>": count}'
    )
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["day", "branch_id"]
        verbose_name = _("effectiveness dashboard")
        verbose_name_plural = _("effectiveness dashboard")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "day"],
                condition=Q(branch__isnull=False),
                name="insights_summary_one_per_branch_day",
            ),
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(branch__isnull=True, is_total=False),
                name="insights_summary_one_unattributed_per_day",
            ),
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(is_total=True),
                name="insights_summary_one_total_per_day",
            ),
            models.CheckConstraint(
                condition=Q(is_total=False) | Q(branch__isnull=True),
                name="insights_summary_total_has_no_branch",
            ),
        ]
        indexes = [models.Index(fields=["day", "branch"], name="insights_summary_day")]

    def __str__(self):
        return f"{self.day} {'all' if self.is_total else self.branch_id or '-'}"
