"""Writes of the access app: signup by possession, recovery, branch codes, access locks."""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from core.models import AuditEvent
from core.notifications import BILINGUAL, notify
from core.scoping import staff_can_see_branch
from participants.models import Participant, User
from participants.services import participant_link_user, participant_phone_set
from sms.services import SmsRateLimited, sms_send

from . import rules, selectors
from .models import AccessLock, BranchRecoveryCode, ContactCode

# Guidance to an existing account's contacts: at most this many mails a day per participant.
GUIDANCE_PER_DAY = 2


class AccessError(Exception):
    """A refusal to show as it is (in the request's language)."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code


# --- contacts on record ----------------------------------------------------------------------


@dataclass(frozen=True)
class Contacts:
    email: str
    phone: str

    def __bool__(self) -> bool:
        return bool(self.email or self.phone)


def contacts_on_record(participant: Participant) -> Contacts:
    """Where a code may go: what the employer reported or staff recorded for this person.

    Never anything typed on the signup form: possession of these is what signup proves. A partner
    registering an existing person again does not change them (members_register_for_employer
    keeps the person's record), so a card created by a partner key brings no contact of its own.
    """
    return Contacts(email=participant.email.strip(), phone=participant.phone.strip())


def _send_text(*, phone: str, text: str, purpose: str) -> bool:
    """Queue an SMS (delivered after commit by the sms app). A number on record that is not a
    mobile number, or one that had enough SMS for now, simply gets none: the page says the same
    either way, and the e-mail on record (if any) still gets the code."""
    try:
        sms_send(to=phone, text=text, purpose=purpose)
    except (ValidationError, SmsRateLimited):
        return False
    return True


def _code_mail(code: str):
    def message(context: dict) -> tuple[str, str]:
        return (
            _("Your JMO Portal signup code"),
            _(
                "Someone is creating a JMO Portal account for the membership of this NIK. "
                "If it is you, enter this code on the signup page: %(code)s\n\n"
                "The code works for 15 minutes. If it was not you, ignore this message: no "
                "account is created without the code. Never tell the code to anyone, "
                "staff included."
            )
            % {"code": code},
        )

    return message


def _code_sms(code: str) -> str:
    return _(
        "JMO Portal signup code: %(code)s. Valid 15 minutes. Never tell it to anyone, staff "
        "included. Not you? Ignore this SMS."
    ) % {"code": code}


def _guidance_mail(login: str):
    def message(context: dict) -> tuple[str, str]:
        return (
            _("You already have a JMO Portal account"),
            _(
                "Someone tried to create a new JMO Portal account for the membership of this "
                "NIK. There is already an account, so no new one was made.\n\n"
                "- Log in with %(login)s and your password.\n"
                "- Forgot the password? Reset it on the login page.\n"
                "- This e-mail address or phone no longer yours? Recover your account online "
                "at %(recover_url)s, or at any branch office with your KTP.\n\n"
                "If it was not you, you need not do anything."
            )
            % {"login": login, "recover_url": context["recover_url"]},
        )

    return message


def _guidance_sms(login: str) -> str:
    return _(
        "JMO Portal: you already have an account. Log in with %(login)s, or reset your "
        "password on the login page. Not you? Ignore this SMS."
    ) % {"login": login}


# --- signup by possession --------------------------------------------------------------------


@transaction.atomic
def signup_code_send(*, nik: str, kpj_number: str, birth_date: datetime.date) -> ContactCode:
    """Start a signup: a code to the contacts on record, or (same answer) nothing at all.

    Every call makes one ContactCode. It can be entered right only when the three identifiers
    match a membership without an account, not locked, with a contact on record, and the code
    went there. A membership that already has an account gets guidance at its contacts instead;
    the page shows the same words in every case, so it tells nobody whether a NIK is known.
    """
    participant = selectors.participant_identified(
        nik=nik, kpj_number=kpj_number, birth_date=birth_date
    )
    code = rules.signup_code_new()
    row = ContactCode(
        purpose=ContactCode.Purpose.SIGNUP,
        code_hash="",
        expires_at=timezone.now() + rules.SIGNUP_CODE_TTL,
    )
    usable = (
        participant is not None
        and participant.user_id is None
        and not selectors.online_access_locked(participant_id=participant.pk)
    )
    contacts = contacts_on_record(participant) if participant else Contacts("", "")
    if usable and contacts:
        row.participant = participant
        row.sent_to_email = bool(contacts.email)
        row.sent_to_phone = bool(contacts.phone)
    row.save()
    # The hash is scoped to the row: a code is good for its own attempt only. Unusable rows
    # get the hash of a code nobody is told.
    secret = code if row.participant_id else rules.signup_code_new() + "x"
    row.code_hash = rules.code_hash(secret, scope=f"signup:{row.pk}")
    row.save(update_fields=["code_hash"])
    if row.participant_id:
        AuditEvent.objects.create(
            participant=participant,
            action="signup_code_sent",
            detail={"email": row.sent_to_email, "sms": row.sent_to_phone},
        )
        _deliver_code(contacts, code)
    elif participant is not None and participant.user_id is not None:
        _guidance_send(participant)
    return row


def _deliver_code(contacts: Contacts, code: str) -> None:
    if contacts.phone:
        _send_text(phone=contacts.phone, text=_code_sms(code), purpose="signup_code")
    if contacts.email:
        email = contacts.email
        transaction.on_commit(
            lambda: notify(to=email, message=_code_mail(code), languages=BILINGUAL)
        )


def _guidance_send(participant: Participant) -> None:
    """Tell an existing account's owner, at their own contacts, how to get in."""
    if not ratelimit.hit(key=f"signup-guidance:{participant.pk}", limit=GUIDANCE_PER_DAY,
                         period=24 * 60 * 60):  # fmt: skip
        return
    user = participant.user
    login = rules.mask_email(user.email)
    emails = {user.email, participant.email} - {""}
    phone = participant.phone.strip()
    AuditEvent.objects.create(
        participant=participant, action="signup_guidance_sent", detail={"sms": bool(phone)}
    )

    def send_mails():
        for address in sorted(emails):
            notify(
                to=address,
                message=_guidance_mail(login),
                context={},
                links={"recover_url": "/access/recover/"},
                languages=BILINGUAL,
            )

    transaction.on_commit(send_mails)
    if phone:
        _send_text(phone=phone, text=_guidance_sms(login), purpose="signup_guidance")


def signup_complete(*, contact_code_id: int, code: str, email: str, password: str) -> User:
    """Create the account once the code sent to the contact on record is entered right.

    A wrong code counts against the attempt (five tries); the count is kept even though the
    call raises. The login e-mail is taken as verified only when it is the address on record
    the code went to.
    """
    with transaction.atomic():
        row = (
            ContactCode.objects.select_for_update(of=("self",))
            .select_related("participant")
            .filter(pk=contact_code_id, purpose=ContactCode.Purpose.SIGNUP)
            .first()
        )
        if row is None:
            raise AccessError(_signup_code_error(), "code_wrong")
        good = (
            row.used_at is None
            and row.expires_at > timezone.now()
            and row.attempts < rules.SIGNUP_CODE_MAX_ATTEMPTS
            and row.participant_id is not None
            and rules.code_matches(code, scope=f"signup:{row.pk}", stored_hash=row.code_hash)
        )
        if not good:
            ContactCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
    if not good:
        raise AccessError(_signup_code_error(), "code_wrong")
    return _signup_account_create(row=row, email=email, password=password)


def _signup_code_error() -> str:
    return _("This code is wrong or no longer valid. Check it, or start again to get a new code.")


@transaction.atomic
def _signup_account_create(*, row: ContactCode, email: str, password: str) -> User:
    if not ContactCode.objects.filter(pk=row.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    ):
        raise AccessError(_signup_code_error(), "code_wrong")
    participant = row.participant
    if selectors.online_access_locked(participant_id=participant.pk):
        raise AccessError(_signup_code_error(), "code_wrong")
    user = _user_create(email=email, password=password)
    verified = row.sent_to_email and email.lower() == participant.email.strip().lower()
    EmailAddress.objects.create(user=user, email=email.lower(), primary=True, verified=verified)
    # Raises ParticipantAlreadyRegistered when another signup won the race: all rolls back.
    participant_link_user(participant=participant, user=user)
    if row.sent_to_phone and not row.sent_to_email:
        # The code went to the phone alone, so typing it proved the phone: it logs in now.
        try:
            with transaction.atomic():
                participant_phone_set(user=user, phone=participant.phone, verified=True)
        except ValidationError:
            pass  # verified for another account already: it stays a contact number only
    AuditEvent.objects.create(
        actor=user,
        participant=participant,
        action="signup_possession_proved",
        detail={"email": row.sent_to_email, "sms": row.sent_to_phone},
    )
    return user


def _user_create(*, email: str, password: str) -> User:
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            {"email": _("This e-mail address is already used by another account.")}
        )
    user = User(email=email.lower())
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            {"email": _("This e-mail address is already used by another account.")}
        ) from None
    return user


# --- online recovery -------------------------------------------------------------------------


def recovery_check(
    *, nik: str, kpj_number: str, birth_date: datetime.date, start_month: datetime.date
) -> Participant | None:
    """NIK, KPJ and birth date, plus the month that KPJ card began: the participant, or None.

    Only for an existing account, with no lock, about a card held before the account existed.
    Wrong answers for a known NIK count against that account; the third within 30 days locks
    its online recovery until the branch lifts it. Which part was wrong is never said.
    """
    participant = selectors.participant_identified(
        nik=nik, kpj_number=kpj_number, birth_date=birth_date
    )
    card = (
        selectors.recovery_card(participant=participant, kpj_number=kpj_number)
        if participant is not None
        else None
    )
    passed = (
        card is not None
        and not selectors.access_locks_active(participant_id=participant.pk)
        and rules.recovery_fact_matches(
            answer=start_month,
            joined_on=card.joined_on,
            first_posting_month=selectors.first_contribution_month(kpj_card=card),
        )
    )
    if passed:
        ratelimit.clear(key=f"recovery-failures:{participant.pk}")
        AuditEvent.objects.create(participant=participant, action="online_recovery_passed")
        return participant
    known = participant or Participant.objects.filter(nik=nik).first()
    if known is not None:
        _recovery_failure(known)
    return None


def _recovery_failure(participant: Participant) -> None:
    period = int(rules.RECOVERY_FAILURE_WINDOW.total_seconds())
    within = ratelimit.hit(
        key=f"recovery-failures:{participant.pk}",
        limit=rules.RECOVERY_FAILURES_BEFORE_LOCK - 1,
        period=period,
    )
    AuditEvent.objects.create(participant=participant, action="online_recovery_failed")
    if not within:
        access_lock(
            participant=participant,
            kind=AccessLock.Kind.ONLINE_RECOVERY,
            source=AccessLock.Source.FAILURES,
            actor=None,
        )


# --- branch recovery codes -------------------------------------------------------------------


def _staff_for(staff: User, participant: Participant) -> None:
    if not staff_can_see_branch(staff, participant.branch_id):
        raise PermissionDenied


@transaction.atomic
def branch_code_issue(
    *, participant: Participant, staff: User, ktp_checked: bool
) -> tuple[BranchRecoveryCode, str]:
    """A recovery code for a participant identified in person; the plain code is returned once.

    Earlier codes of the participant that were not used end now: one valid code at a time.
    """
    _staff_for(staff, participant)
    if not ktp_checked:
        raise ValidationError(
            {"ktp_checked": _("Check the participant's KTP in person before issuing a code.")}
        )
    now = timezone.now()
    BranchRecoveryCode.objects.filter(
        participant=participant, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    code = rules.branch_code_new()
    row = BranchRecoveryCode(
        participant=participant,
        code_hash=rules.code_hash(code, scope=f"branch:{participant.pk}"),
        ktp_checked=True,
        issued_by=staff,
        expires_at=now + rules.BRANCH_CODE_TTL,
    )
    row.full_clean()
    row.save()
    AuditEvent.objects.create(
        actor=staff,
        participant=participant,
        action="branch_recovery_code_issued",
        detail={"code": row.pk, "branch": staff.branch_id},
    )
    return row, code


@transaction.atomic
def branch_code_confirm(*, code: BranchRecoveryCode, staff: User) -> BranchRecoveryCode:
    """The second pair of eyes: another staff member of the branch makes the code usable."""
    _staff_for(staff, code.participant)
    if staff.pk == code.issued_by_id:
        raise AccessError(
            _("You issued this code; another staff member must confirm it."), "same_staff"
        )
    now = timezone.now()
    confirmed = (
        BranchRecoveryCode.objects.filter(
            pk=code.pk, confirmed_by__isnull=True, used_at__isnull=True, expires_at__gt=now
        )
        .exclude(issued_by=staff)
        .update(confirmed_by=staff, confirmed_at=now, updated_at=now)
    )
    if not confirmed:
        raise AccessError(_("This code is already confirmed, used or expired."), "not_confirmable")
    code.refresh_from_db()
    AuditEvent.objects.create(
        actor=staff,
        participant=code.participant,
        action="branch_recovery_code_confirmed",
        detail={"code": code.pk, "issued_by": code.issued_by_id},
    )
    return code


def branch_code_check(*, nik: str, code: str) -> BranchRecoveryCode | None:
    """The confirmed, unused, unexpired code for this NIK, or None (same for every failure)."""
    participant = Participant.objects.filter(nik=nik).first()
    if participant is None:
        return None
    normalised = rules.branch_code_normalise(code)
    row = (
        BranchRecoveryCode.objects.select_related("participant", "participant__user")
        .filter(
            participant=participant,
            code_hash=rules.code_hash(normalised, scope=f"branch:{participant.pk}"),
            confirmed_at__isnull=False,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=rules.BRANCH_CODE_MAX_ATTEMPTS,
        )
        .first()
    )
    if row is None:
        # Wrong guesses spend the participant's live codes, so a code cannot be guessed slowly.
        BranchRecoveryCode.objects.filter(
            participant=participant, used_at__isnull=True, expires_at__gt=timezone.now()
        ).update(attempts=F("attempts") + 1)
    return row


# --- setting a new login ---------------------------------------------------------------------


@transaction.atomic
def access_login_set(
    *,
    participant_id: int,
    email: str,
    password: str,
    via: str,
    branch_code_id: int | None = None,
    phone: str = "",
) -> User:
    """After online recovery or a branch code: the participant's login becomes this e-mail and
    password (a new account if they had none). The old password and every session end.

    The branch path (`via="branch"`) uses its code up here, once, and lifts every access lock;
    the online path refuses while any lock is on.
    """
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=participant_id)
    )
    now = timezone.now()
    if via == "branch":
        used = BranchRecoveryCode.objects.filter(
            pk=branch_code_id,
            participant=participant,
            confirmed_at__isnull=False,
            used_at__isnull=True,
            expires_at__gt=now,
        ).update(used_at=now, updated_at=now)
        if not used:
            raise AccessError(_recovery_expired(), "expired")
        access_unlock(participant=participant, actor=None, via="branch_code")
    elif selectors.access_locks_active(participant_id=participant.pk):
        raise AccessError(_recovery_expired(), "locked")
    email = email.strip().lower()
    user = participant.user
    if user is None:
        user = _user_create(email=email, password=password)
        participant_link_user(participant=participant, user=user)
    else:
        taken = (
            User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
            or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
        )
        if taken:
            raise ValidationError(
                {"email": _("This e-mail address is already used by another account.")}
            )
        user.email = email
        user.set_password(password)  # a new hash: every other session of the user ends
        user.save(update_fields=["email", "password"])
        EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    if phone:
        # Unverified until an SMS code proves it after the first login (allauth's phone page).
        participant_phone_set(user=user, phone=phone, verified=False)
    AuditEvent.objects.create(
        actor=user, participant=participant, action="login_recovered", detail={"via": via}
    )
    return user


def _recovery_expired() -> str:
    return _("This recovery is no longer valid. Start again.")


# --- Kunci akses online ----------------------------------------------------------------------


@transaction.atomic
def access_lock(
    *,
    participant: Participant,
    kind: str = AccessLock.Kind.ONLINE_ACCESS,
    source: str,
    actor: User | None,
    reason: str = "",
) -> AccessLock | None:
    """Lock (once; None if that lock is already on). Locking online access makes the login
    inactive, which Django, allauth and DRF all refuse: web, API and existing sessions."""
    if source == AccessLock.Source.STAFF:
        _staff_for(actor, participant)
    try:
        with transaction.atomic():
            lock = AccessLock.objects.create(
                participant=participant, kind=kind, source=source, locked_by=actor, reason=reason
            )
    except IntegrityError:
        return None
    if kind == AccessLock.Kind.ONLINE_ACCESS and participant.user_id:
        User.objects.filter(pk=participant.user_id).update(is_active=False)
    AuditEvent.objects.create(
        actor=actor,
        participant=participant,
        action="access_locked",
        detail={"kind": kind, "source": source},
    )
    return lock


@transaction.atomic
def access_unlock(*, participant: Participant, actor: User | None, via: str) -> int:
    """Lift every lock on the participant (the branch path: staff, or a confirmed code)."""
    if via == "staff":
        _staff_for(actor, participant)
    active = AccessLock.objects.filter(participant=participant, lifted_at__isnull=True)
    kinds = set(active.values_list("kind", flat=True))
    lifted = active.update(lifted_at=timezone.now(), lifted_by=actor, updated_at=timezone.now())
    ratelimit.clear(key=f"recovery-failures:{participant.pk}")
    # Only the lock made the login inactive; a login deactivated for another reason stays so.
    if AccessLock.Kind.ONLINE_ACCESS in kinds and participant.user_id:
        User.objects.filter(pk=participant.user_id).update(is_active=True)
    if lifted:
        AuditEvent.objects.create(
            actor=actor, participant=participant, action="access_unlocked", detail={"via": via}
        )
    return lifted
