import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.notifications import send_once
from core.scoping import staff_can_see_branch
from outbox.services import enqueue_on_commit
from partners.models import PartnerCredential

from . import ledger, selectors
from .link_messages import link_notify
from .models import (
    Employer,
    Enrolment,
    KpjCard,
    Nationality,
    Participant,
    User,
)
from .nik import normalise_name
from .page_cache import participant_pages_changed


class ParticipantAlreadyRegistered(Exception):
    """Another account already holds this NIK (a second registration lost the race)."""

    message = _("An account for this NIK already exists.")


@transaction.atomic
def participant_link_user(*, participant: Participant, user: User) -> Participant:
    """Attach a new login to a membership record, once: the conditional UPDATE is the guard."""
    # A record merged into another (account_merge) takes no new login.
    linked = Participant.objects.filter(
        pk=participant.pk, user__isnull=True, merged_into__isnull=True
    ).update(user=user, updated_at=timezone.now())
    if linked != 1:
        raise ParticipantAlreadyRegistered
    participant.user = user
    AuditEvent.objects.create(actor=user, participant=participant, action="account_registered")
    return participant


@transaction.atomic
def participant_mark_active(*, participant_id: int) -> bool:
    """Record activity for the active-users indicator; only ever moves forward in time.

    The login also gets an audit row: `last_active_at` keeps only the latest, while the
    insights backfill needs every day a participant was active (insights/aggregation.py).
    """
    now = timezone.now()
    moved = bool(
        Participant.objects.filter(pk=participant_id)
        .exclude(last_active_at__gte=now)
        .update(last_active_at=now)
    )
    user_id = Participant.objects.filter(pk=participant_id).values_list("user_id", flat=True)
    if moved:
        AuditEvent.objects.create(
            actor_id=user_id.first(), participant_id=participant_id, action="logged_in"
        )
    return moved


@transaction.atomic
def kpj_card_link(*, participant: Participant, kpj_card: KpjCard, actor: User | None) -> KpjCard:
    """Move a newly found KPJ card (with its ledger and balance) to its owner, merging its
    JHT balance into theirs, as JMO's "Tambah Kartu Peserta" does."""
    card = KpjCard.objects.select_for_update().get(pk=kpj_card.pk)
    previous = card.participant_id
    if previous == participant.pk:
        return card
    # The card changes hands first: the ledger recomputes each side's last contribution
    # month from the cards each one holds.
    KpjCard.objects.filter(pk=card.pk).update(participant=participant, updated_at=timezone.now())
    ledger.ledger_card_move(
        kpj_card_id=card.pk, from_participant_id=previous, to_participant_id=participant.pk
    )
    card.participant = participant
    AuditEvent.objects.create(
        actor=actor,
        participant=participant,
        action="kpj_card_linked",
        detail={"kpj_card": card.pk, "from_participant": previous},
    )
    return card


@transaction.atomic
def kpj_card_report_leaver(
    *, kpj_card: KpjCard, left_on: datetime.date, actor: User | None
) -> bool:
    """The employer reports the worker left: the card turns non-active (once) and its
    enrolments end on that day."""
    changed = KpjCard.objects.filter(pk=kpj_card.pk, status=KpjCard.Status.ACTIVE).update(
        status=KpjCard.Status.NON_ACTIVE, left_on=left_on, updated_at=timezone.now()
    )
    if not changed:
        return False
    participant_pages_changed([kpj_card.participant_id])
    Enrolment.objects.filter(kpj_card=kpj_card, ended_on__isnull=True).update(
        ended_on=left_on, updated_at=timezone.now()
    )
    AuditEvent.objects.create(
        actor=actor,
        participant_id=kpj_card.participant_id,
        action="kpj_card_non_active",
        detail={"kpj_card": kpj_card.pk, "left_on": left_on.isoformat()},
    )
    return True


@transaction.atomic
def employer_jkk_relief_set(*, employer: Employer, eligible: bool, actor: User | None) -> bool:
    """Staff flag (or unflag) the employer as eligible for the JKK relief, once per change.

    The audit row keeps who decided, and how many active cards the employer had then: the
    industry and the "at least 50 workers" conditions are checked by staff, not computed.
    """
    changed = (
        Employer.objects.filter(pk=employer.pk)
        .exclude(jkk_relief_eligible=eligible)
        .update(jkk_relief_eligible=eligible, updated_at=timezone.now())
    )
    employer.jkk_relief_eligible = eligible
    if not changed:
        return False
    AuditEvent.objects.create(
        actor=actor,
        action="employer_jkk_relief_set",
        detail={
            "employer": employer.registration_number,
            "eligible": eligible,
            "active_cards": selectors.employer_active_card_count(employer=employer),
        },
    )
    return True


@transaction.atomic
def enrolment_start(
    *, kpj_card: KpjCard, programs: list[str], started_on: datetime.date
) -> list[Enrolment]:
    return [
        Enrolment.objects.get_or_create(kpj_card=kpj_card, program=program, started_on=started_on)[
            0
        ]
        for program in programs
    ]


@dataclass(frozen=True)
class LeaverReport:
    kpj: str
    left_on: datetime.date
    reason: str


@dataclass(frozen=True)
class NewMember:
    nik: str
    full_name: str
    birth_date: datetime.date
    gender: str
    category: str
    joined_on: datetime.date
    phone: str = ""
    email: str = ""
    nationality: str = Nationality.INDONESIAN


def _partner_detail(credential: PartnerCredential | None) -> dict:
    return {"partner_key": credential.prefix} if credential else {}


@transaction.atomic
def kpj_cards_report_leavers(
    *,
    employer: Employer,
    leavers: list[LeaverReport],
    credential: PartnerCredential | None = None,
    field: str = "leavers",
) -> list[KpjCard]:
    """Make the employer's own cards non-active, all or none; rows in error are named."""
    cards = {
        card.number: card
        for card in KpjCard.objects.select_for_update().filter(
            employer=employer, number__in=[row.kpj for row in leavers]
        )
    }
    errors: dict[str, list] = {}
    for index, row in enumerate(leavers):
        card = cards.get(row.kpj)
        if card is None:
            errors[f"{field}[{index}].kpj"] = [
                _("None of your workers has this KPJ number. Check the number.")
            ]
        elif card.status in KpjCard.UNCONFIRMED:
            errors[f"{field}[{index}].kpj"] = [
                _(
                    "This KPJ card was never confirmed by the worker (its status is "
                    "%(status)s), so the worker cannot leave it. Remove the row."
                )
                % {"status": card.get_status_display()}
            ]
        elif card.status != KpjCard.Status.ACTIVE:
            errors[f"{field}[{index}].kpj"] = [
                _("This KPJ card is already non-active (left on %(date)s). Remove the row.")
                % {"date": card.left_on.isoformat() if card.left_on else "-"}
            ]
        elif row.left_on < card.joined_on:
            errors[f"{field}[{index}].left_on"] = [
                _("The leaving date is before the worker joined (%(date)s). Check the date.")
                % {"date": card.joined_on.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changed = []
    for row in leavers:
        card = cards[row.kpj]
        card.status, card.left_on, card.left_reason = (
            KpjCard.Status.NON_ACTIVE,
            row.left_on,
            row.reason,
        )
        card.updated_at = now
        changed.append(card)
    KpjCard.objects.bulk_update(changed, ["status", "left_on", "left_reason", "updated_at"])
    participant_pages_changed(card.participant_id for card in changed)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            participant_id=card.participant_id,
            action="kpj_left_reported",
            detail={
                "kpj": card.number,
                "left_on": card.left_on.isoformat(),
                "reason": card.left_reason,
                "employer": employer.registration_number,
                **_partner_detail(credential),
            },
        )
        for card in changed
    )
    return changed


def _new_kpj_numbers(count: int) -> list[str]:
    """Fresh 11-digit numbers; the unique constraint stays the last guard."""
    numbers: set[str] = set()
    while len(numbers) < count:
        wanted = {f"{secrets.randbelow(9 * 10**10) + 10**10}" for _ in range(count - len(numbers))}
        taken = set(KpjCard.objects.filter(number__in=wanted).values_list("number", flat=True))
        numbers |= wanted - taken
    return sorted(numbers)


@transaction.atomic
def members_register_for_employer(
    *,
    employer: Employer,
    members: list[NewMember],
    credential: PartnerCredential | None = None,
    field: str = "members",
) -> list[KpjCard]:
    """Register workers: a membership record (new or the person's existing one) and a KPJ card.

    The record is what lets the worker create a portal account later. All rows or none.
    """
    niks = [member.nik for member in members]
    existing = {p.nik: p for p in Participant.objects.select_for_update().filter(nik__in=niks)}
    held_here = dict(
        KpjCard.objects.filter(
            employer=employer,
            participant__nik__in=niks,
            status__in=[KpjCard.Status.ACTIVE, KpjCard.Status.PENDING],
        ).values_list("participant__nik", "status")
    )
    errors: dict[str, list] = {}
    for index, member in enumerate(members):
        person = existing.get(member.nik)
        if person is None:
            continue
        if (
            normalise_name(person.full_name) != normalise_name(member.full_name)
            or person.birth_date != member.birth_date
        ):
            errors[f"{field}[{index}].nik"] = [
                _(
                    "This NIK is already registered with another name or birth date. Check the "
                    "worker's KTP, or ask your branch to correct the record."
                )
            ]
        elif held_here.get(member.nik) == KpjCard.Status.ACTIVE:
            errors[f"{field}[{index}].nik"] = [
                _("This worker is already an active member of your company. Remove the row.")
            ]
        elif member.nik in held_here:
            errors[f"{field}[{index}].nik"] = [
                _(
                    "This worker has not yet confirmed your company's earlier registration. "
                    "Remove the row; the worker confirms on the portal or at their branch."
                )
            ]
    if errors:
        raise ValidationError(errors)
    new_people = [
        Participant(
            nik=member.nik,
            full_name=member.full_name,
            birth_date=member.birth_date,
            gender=member.gender,
            category=member.category,
            nationality=member.nationality,
            phone=member.phone,
            email=member.email,
            branch_id=employer.branch_id,
        )
        for member in members
        if member.nik not in existing
    ]
    try:
        with transaction.atomic():
            Participant.objects.bulk_create(new_people)
    except IntegrityError:
        raise ValidationError(
            _("Another report registered one of these workers at the same moment. Send it again.")
        ) from None
    people = {**existing, **{p.nik: p for p in new_people}}
    # A person already on record must agree to the new employer first: until then the card
    # is pending and gives the employer nothing. A new person has nobody else to ask.
    cards = [
        KpjCard(
            number=number,
            participant=people[member.nik],
            employer=employer,
            status=KpjCard.Status.PENDING if member.nik in existing else KpjCard.Status.ACTIVE,
            joined_on=member.joined_on,
        )
        for member, number in zip(members, _new_kpj_numbers(len(members)), strict=True)
    ]
    KpjCard.objects.bulk_create(cards)
    participant_pages_changed(card.participant_id for card in cards)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            participant=card.participant,
            action="member_registered_by_employer",
            detail={
                "kpj": card.number,
                "employer": employer.registration_number,
                "status": card.status,
                **_partner_detail(credential),
            },
        )
        for card in cards
    )
    if any(card.status == KpjCard.Status.PENDING for card in cards):
        from .tasks import kpj_card_links_notify_task

        enqueue_on_commit(kpj_card_links_notify_task, employer.pk)
    return cards


# --- an employer's link to an existing member: pending until the member or branch decides --


class LinkNotYours(Exception):
    """The actor is neither the card's member nor staff who may work the member's branch."""


@transaction.atomic
def kpj_card_link_decide(*, kpj_card: KpjCard, actor: User, confirm: bool) -> bool:
    """The member, or staff of the member's branch, confirms or declines an employer's pending
    card, once: a conditional UPDATE from pending, so a second click (or the other button
    after the first) changes nothing and answers False. Confirmed, the card is active from
    its joining date; declined, it ends today and never counts. Staff's decision is told to
    the member (they did not make it); the member's own is not."""
    participant = kpj_card.participant
    by_member = participant.user_id is not None and participant.user_id == actor.pk
    if not by_member and not staff_can_see_branch(actor, participant.branch_id):
        raise LinkNotYours
    status = KpjCard.Status.ACTIVE if confirm else KpjCard.Status.DECLINED
    fields = {"status": status, "updated_at": timezone.now()}
    if not confirm:
        fields["left_on"] = max(timezone.localdate(), kpj_card.joined_on)
    if by_member:
        fields["link_notified_status"] = status
    decided = KpjCard.objects.filter(pk=kpj_card.pk, status=KpjCard.Status.PENDING).update(**fields)
    if not decided:
        return False
    for name, value in fields.items():
        setattr(kpj_card, name, value)
    participant_pages_changed([participant.pk])
    AuditEvent.objects.create(
        actor=actor,
        participant=participant,
        action="kpj_card_link_confirmed" if confirm else "kpj_card_link_declined",
        detail={
            "kpj": kpj_card.number,
            "employer": kpj_card.employer.registration_number,
            "by": "member" if by_member else "staff",
        },
    )
    if not by_member:
        from .tasks import kpj_card_links_notify_task

        enqueue_on_commit(kpj_card_links_notify_task, kpj_card.employer_id)
    return True


def kpj_card_links_notify(*, employer_id: int) -> int:
    """Tell members where the employer's links to them stand (waiting for them, or what their
    branch decided), by e-mail to their login and SMS to their verified phone; once per
    status (`link_notified_status`; a member's own answer is stamped as told when given).
    Returns how many were told."""
    due = (
        KpjCard.objects.filter(employer_id=employer_id)
        .filter(
            Q(status=KpjCard.Status.PENDING)
            | Q(status__in=KpjCard.DECIDED, link_notified_status=KpjCard.Status.PENDING)
        )
        .exclude(link_notified_status=F("status"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    told = 0
    for card_id in due:
        told += send_once(
            KpjCard, card_id, stamp="link_notified_status",
            send=lambda card_id=card_id: link_notify(kpj_card_id=card_id),
            value=F("status"), unsent=~Q(link_notified_status=F("status")), released="",
        )  # fmt: skip
    return told


# --- the participant's phone: one number, verified by an SMS code --------------------------

PHONE_TAKEN = _(
    "Mobile number: this number is already verified for another account. Use another number, "
    "or go to a branch office if it is yours."
)


@transaction.atomic
def participant_phone_set(*, user: User, phone: str, verified: bool, actor: User | None = None):
    """Put `phone` on the login's participant, verified (an SMS code proved it) or not.

    Participant.phone is the one place a participant's number lives: the contact number on
    record, the login phone once verified, the number reset codes go to. A new number starts
    unverified unless the caller just checked a code sent to it. Raises ValidationError
    (code "phone_taken") when another account already verified the same number.
    """
    from sms.phone import phone_local

    local = phone_local(phone)
    participant = Participant.objects.select_for_update().filter(user_id=user.pk).first()
    if participant is None:
        raise ValidationError(
            _("Only a participant's account can have a mobile number."), code="no_participant"
        )
    same = participant.phone == local
    if same and (participant.phone_verified_at is not None) == verified:
        return participant
    old = participant.phone
    participant.phone = local
    if verified:
        participant.phone_verified_at = timezone.now()
    elif not same:
        participant.phone_verified_at = None
    try:
        with transaction.atomic():
            participant.save(update_fields=["phone", "phone_verified_at", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError(PHONE_TAKEN, code="phone_taken") from exc
    from .masking import mask_phone

    AuditEvent.objects.create(
        actor=actor or user,
        participant=participant,
        action="phone_verified" if verified else "phone_set",
        detail={"old": mask_phone(old), "new": mask_phone(local)},
    )
    participant_pages_changed([participant.pk])
    return participant
