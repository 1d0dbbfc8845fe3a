import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, Branch
from core.ratelimit import hit as rate_hit
from core.scoping import staff_can_see_branch
from documents.models import Document
from documents.services import document_upload
from outbox.services import enqueue_on_commit
from participants.models import Participant, User
from participants.page_cache import participant_pages_changed

from . import rules
from .models import (
    ANONYMOUS_CATEGORIES,
    SelfHelpOffer,
    SlaPolicy,
    Ticket,
    TicketAttachment,
    TicketMessage,
)

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud on the phone


class TicketError(Exception):
    """A complaint cannot change this way in its current state."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _new_number() -> str:
    return "PGD-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


def _deadlines(*, category: str, opened_at):
    policy = rules.sla_policy_for(
        policies=SlaPolicy.objects.filter(category=category),
        category=category,
        on=timezone.localdate(opened_at),
    )
    return rules.ticket_deadlines(policy=policy, opened_at=opened_at)


def _insert_ticket(**fields) -> Ticket:
    """Insert under a fresh random number; a collision (unique constraint) draws again."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Ticket.objects.create(number=_new_number(), **fields)
        except IntegrityError:
            continue
    raise IntegrityError("could not draw a free ticket number")


def _audit(*, ticket: Ticket, actor: User | None, action: str, **detail):
    AuditEvent.objects.create(
        actor=actor,
        participant_id=ticket.participant_id,
        action=action,
        detail={"ticket": ticket.number, **detail},
    )


def _attach(*, message: TicketMessage, uploads, participant: Participant | None, actor) -> int:
    """Store the files through the documents app and link them to the message.

    A participant owns their files; a visitor's files have no owner and name the complaint's
    branch. If one file is refused, the files already stored for this message are removed
    again (the transaction rolls their rows back, but storage is not transactional).
    """
    uploads = list(uploads or [])
    limit = settings.COMPLAINTS_MAX_ATTACHMENTS
    if len(uploads) > limit:
        raise ValidationError(
            {
                "attachments": _(
                    "You chose %(count)d files; at most %(limit)d can be attached. "
                    "Choose fewer files and send again."
                )
                % {"count": len(uploads), "limit": limit}
            }
        )
    stored: list[Document] = []
    try:
        for upload in uploads:
            document = document_upload(
                owner=participant,
                kind=Document.Kind.COMPLAINT,
                upload=upload,
                actor=actor,
                branch=None if participant else message.ticket.branch,
            )
            stored.append(document)
            TicketAttachment.objects.create(message=message, document=document)
    except Exception:
        for document in stored:
            default_storage.delete(document.storage_name)
        raise
    return len(stored)


def self_help_record(
    *,
    category: str,
    solved: bool,
    participant: Participant | None = None,
    earlier_offer_id: int | None = None,
    client_key: str = "",
) -> SelfHelpOffer | None:
    """One answer per session and problem; a changed mind changes that answer, not the count.

    `earlier_offer_id` is the row this session already recorded for the problem (the caller keeps
    it in the session). A new row is also limited per client address (`client_key`); past the
    limit nothing is recorded and None is returned: the visitor's page is the same either way,
    only the indicator is protected.
    """
    if earlier_offer_id is not None:
        earlier = SelfHelpOffer.objects.filter(pk=earlier_offer_id, category=category).first()
        if earlier is not None:
            if earlier.solved != solved:
                earlier.solved = solved
                earlier.save(update_fields=["solved"])
            return earlier
    if not rate_hit(
        key=f"self-help-ip:{client_key}",
        limit=settings.COMPLAINTS_SELF_HELP_ANSWERS_PER_HOUR,
        period=60 * 60,
    ):
        return None
    return SelfHelpOffer.objects.create(category=category, solved=solved, participant=participant)


@transaction.atomic
def ticket_create(
    *, participant: Participant, category: str, subject: str, body: str, attachments=()
) -> Ticket:
    now = timezone.now()
    first_response_due, resolution_due = _deadlines(category=category, opened_at=now)
    ticket = _insert_ticket(
        participant=participant,
        branch_id=participant.branch_id,
        category=category,
        subject=subject,
        first_response_due=first_response_due,
        resolution_due=resolution_due,
    )
    message = TicketMessage.objects.create(ticket=ticket, author=participant.user, body=body)
    files = _attach(
        message=message, uploads=attachments, participant=participant, actor=participant.user
    )
    _audit(
        ticket=ticket,
        actor=participant.user,
        action="complaint_filed",
        category=category,
        attachments=files,
    )
    return ticket


@transaction.atomic
def ticket_create_anonymous(
    *,
    category: str,
    nik: str,
    name: str,
    email: str,
    phone: str,
    branch: Branch,
    subject: str,
    body: str,
    attachments=(),
) -> Ticket:
    """A complaint from someone who cannot log in. Their NIK routes it to their own branch."""
    if category not in ANONYMOUS_CATEGORIES:
        raise TicketError(_("Without an account you can only report login or account problems."))
    from .tasks import ticket_confirmation_email_task

    member = Participant.objects.filter(nik=nik).only("branch_id").first()
    now = timezone.now()
    first_response_due, resolution_due = _deadlines(category=category, opened_at=now)
    ticket = _insert_ticket(
        branch_id=member.branch_id if member else branch.pk,
        category=category,
        subject=subject,
        contact_name=name,
        contact_nik=nik,
        contact_email=email,
        contact_phone=phone,
        first_response_due=first_response_due,
        resolution_due=resolution_due,
    )
    message = TicketMessage.objects.create(ticket=ticket, body=body)
    files = _attach(message=message, uploads=attachments, participant=None, actor=None)
    _audit(
        ticket=ticket,
        actor=None,
        action="complaint_filed_anonymously",
        category=category,
        attachments=files,
    )
    enqueue_on_commit(ticket_confirmation_email_task, ticket.pk)
    return ticket


@transaction.atomic
def ticket_reply(
    *, ticket: Ticket, body: str, author: User | None, from_staff: bool, attachments=()
) -> TicketMessage:
    """Add a message to the thread. A staff reply is e-mailed to the participant.

    Files sent with a complainant's reply belong to the ticket's participant (or, on a
    visitor's ticket, to no one and the ticket's branch).
    """
    from .tasks import ticket_reply_email_task

    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status == Ticket.Status.RESOLVED:
        raise TicketError(
            _("This complaint is resolved and takes no more messages. File a new complaint.")
        )
    now = timezone.now()
    message = TicketMessage.objects.create(
        ticket=locked, author=author, body=body, from_staff=from_staff
    )
    files = 0
    if attachments:
        if from_staff:
            raise ValueError("staff replies carry no attachments")
        files = _attach(
            message=message, uploads=attachments, participant=locked.participant, actor=author
        )
    locked.status = Ticket.Status.ANSWERED if from_staff else Ticket.Status.OPEN
    update_fields = ["status", "updated_at"]
    if from_staff and locked.first_responded_at is None:
        locked.first_responded_at = now
        update_fields.append("first_responded_at")
    locked.save(update_fields=update_fields)
    _audit(
        ticket=locked,
        actor=author,
        action="complaint_staff_replied" if from_staff else "complaint_participant_replied",
        attachments=files,
    )
    if from_staff:
        enqueue_on_commit(ticket_reply_email_task, message.pk)
    ticket.status, ticket.first_responded_at = locked.status, locked.first_responded_at
    return message


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee: User, actor: User) -> Ticket:
    """Give the ticket to a staff member of its own branch."""
    if not staff_can_see_branch(assignee, ticket.branch_id):
        raise TicketError(_("Assign the complaint to a staff member of its own branch."))
    updated = (
        Ticket.objects.filter(pk=ticket.pk)
        .exclude(status=Ticket.Status.RESOLVED)
        .update(assigned_to=assignee, updated_at=timezone.now())
    )
    if updated != 1:
        raise TicketError(_("This complaint is already resolved; it cannot be reassigned."))
    ticket.assigned_to = assignee
    _audit(ticket=ticket, actor=actor, action="complaint_assigned", assignee=assignee.pk)
    return ticket


@transaction.atomic
def ticket_resolve(*, ticket: Ticket, actor: User) -> Ticket:
    from .tasks import ticket_resolved_email_task

    now = timezone.now()
    updated = (
        Ticket.objects.filter(pk=ticket.pk)
        .exclude(status=Ticket.Status.RESOLVED)
        .update(status=Ticket.Status.RESOLVED, resolved_at=now, updated_at=now)
    )
    if updated != 1:
        raise TicketError(_("This complaint is already resolved."))
    ticket.status, ticket.resolved_at = Ticket.Status.RESOLVED, now
    participant_pages_changed([ticket.participant_id])
    _audit(ticket=ticket, actor=actor, action="complaint_resolved")
    enqueue_on_commit(ticket_resolved_email_task, ticket.pk)
    return ticket


@transaction.atomic
def ticket_rate(*, ticket: Ticket, rating: int, comment: str, actor: User | None) -> Ticket:
    """The satisfaction rating, once, after resolution."""
    if not 1 <= rating <= 5:
        raise TicketError(_("Choose a rating from 1 (very poor) to 5 (very good)."))
    now = timezone.now()
    updated = Ticket.objects.filter(
        pk=ticket.pk, status=Ticket.Status.RESOLVED, rating__isnull=True
    ).update(rating=rating, rating_comment=comment, rated_at=now, updated_at=now)
    if updated != 1:
        raise TicketError(
            _("You can rate a complaint once, after it is resolved. This one cannot be rated now.")
        )
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment, now
    _audit(ticket=ticket, actor=actor, action="complaint_rated", rating=rating)
    return ticket


@transaction.atomic
def tickets_escalate_overdue(*, now=None, batch: int = 500) -> int:
    """Mark tickets past an SLA deadline as escalated, once per deadline, and tell the branch head.

    Each mark is a conditional UPDATE, so two runs at once never escalate a ticket twice.
    """
    from .tasks import ticket_escalation_email_task

    now = now or timezone.now()
    kinds = [
        (
            "first_response",
            "response_escalated_at",
            {
                "first_responded_at__isnull": True,
                "response_escalated_at__isnull": True,
                "first_response_due__lt": now,
            },
        ),
        (
            "resolution",
            "resolution_escalated_at",
            {
                "resolved_at__isnull": True,
                "resolution_escalated_at__isnull": True,
                "resolution_due__lt": now,
            },
        ),
    ]
    escalated = 0
    for kind, mark, overdue in kinds:
        candidates = Ticket.objects.filter(**overdue).order_by("pk")
        for ticket in candidates.only("pk", "number", "participant_id")[:batch]:
            if Ticket.objects.filter(pk=ticket.pk, **overdue).update(**{mark: now}) != 1:
                continue
            escalated += 1
            _audit(ticket=ticket, actor=None, action="complaint_escalated", deadline=kind)
            enqueue_on_commit(ticket_escalation_email_task, ticket.pk, kind)
    return escalated
