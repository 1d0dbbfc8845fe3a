"""Staff merge two accounts of the same person.

What a duplicate is here: the portal keeps one participant record per NIK (unique) and one
login per record (one-to-one), so the same person can hold two accounts only as two
records under two NIKs, each with its cards, requests and perhaps its own login: typically
an employer registered the worker with a mistyped or old NIK, and the worker signed up on
that record as well as on their real one (or later found the card "under another NIK" in
"Tambah kartu KPJ", participants/cards.py). Staff settle it in person: they check the KTP,
whose NIK must be the surviving record's, and the two records must name the same person
(name and birth date).

The survivor is the record with the KTP's NIK. Which login survives staff choose (the
admin page proposes the one with a verified e-mail address and the most recent login):

- everything linked to the duplicate record moves to the survivor: its KPJ cards through
  `services.kpj_card_link` (the ledger moves postings and balances), every other row that
  points at the record (claims, complaints, requests, appointments, documents, ...) by its
  foreign key; a one-to-one row (bank account, emergency contact) moves only when the
  survivor has none, else it stays on the merged record; audit rows stay where they were
  written (the merge row on both records links them);
- the other login is retired: its verified e-mail addresses move to the kept login (so the
  person can still sign in with them), the unverified ones are deleted, its own address is
  replaced by a placeholder, it can no longer log in (inactive, no usable password, no
  authenticators), and its sessions are deleted;
- the duplicate record stays, emptied and marked `merged_into`, so its NIK cannot be signed
  up again and its history can be read.

Foreign keys are moved generically (participants may not import claims, complaints, ...,
and a model added later is moved too); a row that cannot move (a unique rule of its app,
such as two open claims) stops the whole merge with its name, nothing changed.
"""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.scoping import staff_can_see_branch

from . import services
from .models import ContributionPosting, JhtBalance, KpjCard, Participant, User
from .nik import normalise_name
from .page_cache import participant_pages_changed

MERGE_PERMISSION = "participants.change_participant"

# Relations to Participant the generic move leaves alone, and why.
NOT_MOVED = {
    (KpjCard, "participant"): "cards move through services.kpj_card_link (ledger included)",
    (ContributionPosting, "participant"): "the ledger moves postings with their card",
    (JhtBalance, "participant"): "the ledger shifts the running total with each card",
    (AuditEvent, "participant"): "audit rows stay on the record they were written for",
}

MESSAGES = {
    "same": _("Choose two different records."),
    "merged": _("This record was already merged into another one."),
    "ktp": _(
        "The NIK on the KTP must be the surviving record's NIK. Check the KTP, or merge the "
        "other way round."
    ),
    "person": _(
        "The two records name different people (the name or birth date differ). Correct the "
        "identity first if they are the same person."
    ),
    "login": _("Choose one of the two records' logins to keep."),
    "staff_login": _("A staff login cannot be merged."),
    "blocked": _(
        "%(what)s of the duplicate record cannot move to the surviving one (a rule of that "
        "service refuses two of them). Close one of them first, then merge."
    ),
}


@dataclass(frozen=True)
class AccountMergeResult:
    survivor: Participant
    duplicate: Participant
    kept_login: User | None
    retired_login: User | None
    cards_moved: int
    rows_moved: dict[str, int]
    sessions_ended: int


def login_suggested(*, survivor: Participant, duplicate: Participant) -> User | None:
    """The login to propose keeping: one with a verified e-mail address first, then the one
    used most recently (a login never used counts as oldest)."""
    logins = [p.user for p in (survivor, duplicate) if p.user_id]
    if not logins:
        return None
    verified = set(
        EmailAddress.objects.filter(user__in=logins, verified=True).values_list(
            "user_id", flat=True
        )
    )
    return max(
        logins,
        key=lambda user: (
            user.pk in verified,
            user.last_login or datetime.datetime.min.replace(tzinfo=datetime.UTC),
        ),
    )


def _check(actor: User, survivor: Participant, duplicate: Participant, ktp_nik: str) -> None:
    if not actor.has_perm(MERGE_PERMISSION):
        raise PermissionDenied
    for record in (survivor, duplicate):
        if not staff_can_see_branch(actor, record.branch_id):
            raise PermissionDenied
    if survivor.pk == duplicate.pk:
        raise ValidationError({"duplicate": MESSAGES["same"]})
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise ValidationError({"duplicate": MESSAGES["merged"]})
    if ktp_nik.strip() != survivor.nik:
        raise ValidationError({"ktp_nik": MESSAGES["ktp"]})
    if survivor.birth_date != duplicate.birth_date or normalise_name(
        survivor.full_name
    ) != normalise_name(duplicate.full_name):
        raise ValidationError({"duplicate": MESSAGES["person"]})


@transaction.atomic
def account_merge(
    *,
    survivor: Participant,
    duplicate: Participant,
    keep_login_id: int | None,
    ktp_nik: str,
    reason: str,
    actor: User,
) -> AccountMergeResult:
    """Merge `duplicate` into `survivor` (see the module docstring), all or nothing, audited."""
    locked = {
        p.pk: p
        for p in Participant.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    survivor, duplicate = locked[survivor.pk], locked.get(duplicate.pk, duplicate)
    _check(actor, survivor, duplicate, ktp_nik)
    logins = {p.user_id: p.user for p in (survivor, duplicate) if p.user_id}
    if logins and keep_login_id not in logins:
        raise ValidationError({"keep_login": MESSAGES["login"]})
    if any(user.is_staff for user in logins.values()):
        raise ValidationError({"keep_login": MESSAGES["staff_login"]})
    kept = logins.get(keep_login_id)
    retired = next((user for pk, user in logins.items() if pk != keep_login_id), None)

    cards = list(KpjCard.objects.filter(participant=duplicate).order_by("pk"))
    for card in cards:
        services.kpj_card_link(participant=survivor, kpj_card=card, actor=actor)
    rows_moved = _related_rows_move(survivor=survivor, duplicate=duplicate)

    now = timezone.now()
    contact = {}
    if not survivor.phone and duplicate.phone:
        contact["phone"] = duplicate.phone
    if not survivor.email and duplicate.email:
        contact["email"] = duplicate.email
    # The one-to-one login moves in two steps: off the duplicate, then onto the survivor.
    Participant.objects.filter(pk=duplicate.pk).update(
        user=None, merged_into=survivor, merged_at=now, updated_at=now
    )
    Participant.objects.filter(pk=survivor.pk).update(user=kept, updated_at=now, **contact)
    sessions_ended = _login_retire(retired, kept) if retired else 0

    detail = {
        "survivor": survivor.pk,
        "duplicate": duplicate.pk,
        "kept_login": kept.pk if kept else None,
        "retired_login": retired.pk if retired else None,
        "cards": [card.pk for card in cards],
        "rows_moved": rows_moved,
        "sessions_ended": sessions_ended,
        "reason": reason.strip()[:500],
    }
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=actor, participant_id=pk, action="account_merged", detail=detail)
        for pk in (survivor.pk, duplicate.pk)
    )
    participant_pages_changed([survivor.pk, duplicate.pk])
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    return AccountMergeResult(
        survivor=survivor,
        duplicate=duplicate,
        kept_login=kept,
        retired_login=retired,
        cards_moved=len(cards),
        rows_moved=rows_moved,
        sessions_ended=sessions_ended,
    )


def _related_rows_move(*, survivor: Participant, duplicate: Participant) -> dict[str, int]:
    """Point every other row of the duplicate record at the survivor (one UPDATE per
    relation); a unique rule that refuses stops the merge with the rows' name."""
    moved: dict[str, int] = {}
    for relation in Participant._meta.related_objects:
        model, field = relation.related_model, relation.field
        if (model, field.name) in NOT_MOVED or not isinstance(field, models.ForeignKey):
            continue
        rows = model._default_manager.filter(**{field.name: duplicate})
        if field.one_to_one and model._default_manager.filter(**{field.name: survivor}).exists():
            continue  # the survivor has its own; the duplicate's stays on the merged record
        try:
            with transaction.atomic():
                count = rows.update(**{field.name: survivor})
        except IntegrityError:
            raise ValidationError(
                MESSAGES["blocked"] % {"what": model._meta.verbose_name_plural.capitalize()}
            ) from None
        if count:
            moved[model._meta.label_lower] = count
    return moved


def _login_retire(retired: User, kept: User | None) -> int:
    """The retired login's proven addresses go to the kept login; it can no longer sign in;
    its sessions end. Returns the sessions deleted."""
    addresses = EmailAddress.objects.filter(user=retired)
    if kept is not None:
        addresses.filter(verified=True).update(user=kept, primary=False)
    EmailAddress.objects.filter(user=retired).delete()
    Authenticator.objects.filter(user=retired).delete()
    retired.email = f"merged-{retired.pk}@retired.invalid"
    retired.is_active = False
    retired.set_unusable_password()  # also voids the session hash of every open session
    retired.save(update_fields=["email", "is_active", "password"])
    return user_sessions_end(user_id=retired.pk)


def user_sessions_end(*, user_id: int) -> int:
    """Delete every live session of a login.

    Database sessions are not indexed by user, so this reads the live ones in chunks; the
    login's changed password hash and inactive flag already refuse those sessions at their
    next request, and the rows go here. Returns how many were deleted.
    """
    wanted = str(user_id)
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(
            chunk_size=2000
        )
        if str(session.get_decoded().get("_auth_user_id")) == wanted
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)
