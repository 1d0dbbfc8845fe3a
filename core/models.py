"""What every domain app may use: stamps, branches and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Creation and update stamps every table of the portal carries."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Branch(models.Model):
    """A BPJS Ketenagakerjaan branch office; staff and participants belong to one."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=255)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        # The table kept the name it had in appointments, where Branch began.
        db_table = "appointments_branch"

    def __str__(self):
        return self.name


def _serving_branch_id(event: "AuditEvent") -> int | None:
    """The branch a staff actor works: where the action happened (a walk-in served at another
    branch is recorded there). Read from the actor already in hand, never with a query."""
    actor = event._state.fields_cache.get("actor")
    if actor is None or not getattr(actor, "is_staff", False):
        return None
    return getattr(actor, "branch_id", None)


class AuditEventQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for event in objs:
            if event.serving_branch_id is None:
                event.serving_branch_id = _serving_branch_id(event)
        return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    """Who did what to whose record; written in the same transaction as the change."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=60)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    serving_branch = models.ForeignKey(
        Branch,
        verbose_name=_("at branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where the staff member acted; empty for participants and the portal."),
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # The table kept the name it had in participants, where the audit trail began.
        db_table = "participants_auditevent"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.serving_branch_id is None:
            self.serving_branch_id = _serving_branch_id(self)
        super().save(*args, **kwargs)


class CounterVisit(BaseModel):
    """A member served today at a branch that is not their home branch ("serve at this
    branch"): for that day the serving branch's staff act on the member's claims like the
    home branch's. The home branch changes only by a transfer the member asks for."""

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("serving branch"), on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_date = models.DateField(_("day"))

    class Meta:
        verbose_name = _("walk-in at another branch")
        verbose_name_plural = _("walk-ins at another branch")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "branch", "on_date"], name="counter_visit_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.participant_id} @ {self.branch_id} {self.on_date}"
