from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Branch


class ServiceType(BaseModel):
    """A service a participant can book at a branch (seeded by a data migration)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_id = models.CharField(_("name (Bahasa Indonesia)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    duration_minutes = models.PositiveSmallIntegerField(
        _("minutes per visit"), help_text=_("Length of one slot at one counter.")
    )
    by_video_call = models.BooleanField(
        _("by video call"),
        default=False,
        help_text=_("Served by a video call from the branch instead of at its counter."),
    )
    is_active = models.BooleanField(_("bookable"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    branches = models.ManyToManyField(
        Branch,
        verbose_name=_("branches offering it"),
        through="BranchService",
        related_name="services",
        blank=True,
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=240),
                name="servicetype_duration_5_to_240",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if translation.get_language() == "en" else self.name_id


class BranchService(models.Model):
    """A service a branch offers, and how many counters serve it at once (slot capacity)."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="branch_services"
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("service type"), on_delete=models.PROTECT
    )
    counters = models.PositiveSmallIntegerField(
        _("counters"), default=1, help_text=_("People served at the same time in one slot.")
    )

    class Meta:
        verbose_name = _("service offered")
        verbose_name_plural = _("services offered")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "service_type"], name="branchservice_unique_service"
            ),
            models.CheckConstraint(condition=Q(counters__gte=1), name="branchservice_counters_1"),
        ]

    def __str__(self):
        return f"{self.branch} · {self.service_type} × {self.counters}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening period on a weekday; two rows on one day make a break (e.g. Friday prayer)."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "weekday", "opens_at"], name="openinghours_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="openinghours_closes_after"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="openinghours_weekday_0_6"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class Holiday(models.Model):
    """A day with no appointments: for one branch, or for every branch when branch is empty."""

    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        on_delete=models.CASCADE,
        related_name="holidays",
        null=True,
        blank=True,
        help_text=_("Leave empty for a national holiday (every branch closed)."),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["branch", "date"], name="holiday_unique_branch_date"),
            models.UniqueConstraint(
                fields=["date"], condition=Q(branch__isnull=True), name="holiday_unique_national"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


class Appointment(BaseModel):
    """A participant's request for a branch visit, and (once scheduled) the visit itself.

    One row from request to outcome, so requested-at, scheduled-for, served-at and the
    outcome are there for the effectiveness indicators. A scheduled row holds one seat
    (a counter) in one slot; the unique seat constraint is the database's guard against
    double booking, whoever writes.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a slot")
        ASSIGNED = "assigned", _("Slot assigned")
        ACCEPTED = "accepted", _("Confirmed")
        CHECKED_IN = "checked_in", _("Checked in")
        DONE = "done", _("Served")
        NO_SHOW = "no_show", _("Did not come")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("No slot in the dates asked")

    ACTIVE = [Status.PENDING, Status.ASSIGNED, Status.ACCEPTED, Status.CHECKED_IN]
    CHANGEABLE = [Status.PENDING, Status.ASSIGNED, Status.ACCEPTED]

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="appointments",
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    branch_choice_1 = models.ForeignKey(
        Branch, verbose_name=_("first choice"), on_delete=models.PROTECT, related_name="+"
    )
    branch_choice_2 = models.ForeignKey(
        Branch,
        verbose_name=_("second choice"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    branch_choice_3 = models.ForeignKey(
        Branch,
        verbose_name=_("third choice"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    earliest_anywhere = models.BooleanField(
        _("earliest at any nearby branch"),
        default=False,
        help_text=_("The choices are the nearest branches, with no order between them."),
    )
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("until"))
    claim_id = models.PositiveBigIntegerField(
        _("claim"),
        null=True,
        blank=True,
        help_text=_("The claim this visit verifies, set by the claims service."),
    )
    priority = models.BooleanField(
        _("priority"),
        default=False,
        help_text=_("A claim above the online limit: scheduled before other requests."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="appointments",
        null=True,
        blank=True,
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    seat = models.PositiveSmallIntegerField(
        _("counter"), null=True, blank=True, help_text=_("Which of the slot's counters.")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    assignment_mailed_at = models.DateTimeField(_("assignment e-mailed at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    booking_code = models.CharField(
        _("booking code"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Typed at the branch's kiosk to report arrival and get a queue number."),
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "service_type"],
                condition=Q(status__in=["pending", "assigned", "accepted", "checked_in"]),
                name="appointment_one_active_per_service",
            ),
            models.UniqueConstraint(
                fields=["branch", "service_type", "scheduled_for", "seat"],
                condition=Q(seat__isnull=False),
                name="appointment_one_person_per_seat",
            ),
            models.CheckConstraint(
                condition=Q(seat__isnull=True)
                | Q(seat__gte=1, branch__isnull=False, scheduled_for__isnull=False),
                name="appointment_seat_has_slot",
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")),
                name="appointment_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["service_type", "status"], name="appointment_sched_idx"),
            models.Index(fields=["branch", "scheduled_for"], name="appointment_queue_idx"),
            models.Index(fields=["participant", "status"], name="appointment_owner_idx"),
        ]

    def __str__(self):
        return f"{self.service_type} · {self.get_status_display()}"

    @property
    def branch_choices(self):
        return [
            branch
            for branch in (self.branch_choice_1, self.branch_choice_2, self.branch_choice_3)
            if branch is not None
        ]

    @property
    def branch_choice_ids(self):
        ids = (self.branch_choice_1_id, self.branch_choice_2_id, self.branch_choice_3_id)
        return [pk for pk in ids if pk is not None]

    @property
    def is_changeable(self):
        return self.status in self.CHANGEABLE

    @property
    def ends_at(self):
        if self.scheduled_for is None:
            return None
        return self.scheduled_for + timedelta(minutes=self.service_type.duration_minutes)


class QueueTicket(BaseModel):
    """A number in one branch's queue on one day: a visit reported at the door, or a walk-in.

    Tickets are called per counter in the order `due_at` gives (the visit's slot, or the
    free slot a walk-in was fitted into), so the waiting-room display, the staff's call and
    the participant's place all read one order.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("At the counter")
        DONE = "done", _("Served")
        NO_SHOW = "no_show", _("Did not answer")

    class Channel(models.TextChoices):
        QR = "qr", _("Door QR code")
        KIOSK = "kiosk", _("Kiosk")
        STAFF = "staff", _("Staff at the door")

    OPEN = [Status.WAITING, Status.CALLED, Status.SERVING]
    # Letters on the ticket: visits booked ahead, and walk-ins without an appointment.
    PREFIX_APPOINTMENT, PREFIX_WALK_IN = "A", "B"

    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="queue_tickets"
    )
    day = models.DateField(_("day"))
    prefix = models.CharField(_("letter"), max_length=1)
    number = models.PositiveSmallIntegerField(_("number"))
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="queue_tickets",
        null=True,
        blank=True,
        help_text=_("Empty for a walk-in who gave no NIK."),
    )
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.CASCADE,
        related_name="queue_ticket",
        null=True,
        blank=True,
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("reported by"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.WAITING
    )
    due_at = models.DateTimeField(
        _("due at"),
        null=True,
        blank=True,
        help_text=_("The slot it is called for; empty: after the day's slots, in arrival order."),
    )
    counter = models.PositiveSmallIntegerField(_("counter"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    serving_at = models.DateTimeField(_("at the counter from"), null=True, blank=True)
    done_at = models.DateTimeField(_("served at"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("released at"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("served by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["day", "prefix", "number"]
        verbose_name = _("queue number")
        verbose_name_plural = _("queue numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "day", "prefix", "number"], name="queueticket_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=999), name="queueticket_number_1_999"
            ),
            models.CheckConstraint(
                condition=Q(counter__isnull=True) | Q(counter__gte=1),
                name="queueticket_counter_1",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "day", "status"], name="queueticket_day_idx"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.prefix}-{self.number:03d}"
