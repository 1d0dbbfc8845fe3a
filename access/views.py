"""Getting in without what you lost: signup by possession, online and branch recovery, the lock.

Every refusal that could tell whether a NIK is known reads the same for known and unknown
identifiers; rate limits count per identifier and per client address (core.ratelimit).
"""

import datetime

from allauth.account.utils import complete_signup, perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core import ratelimit
from participants.selectors import participant_get_for_user
from participants.services import ParticipantAlreadyRegistered

from . import rules, services
from .forms import BranchCodeForm, NewLoginForm, RecoveryForm, SignupCodeForm, SignupStartForm

HOUR = 60 * 60
# (limit, period): per client address, and per NIK typed.
LIMITS = {
    "signup-ip": (20, HOUR),
    "signup-nik": (5, HOUR),
    "signup-code-ip": (30, HOUR),
    "recover-ip": (20, HOUR),
    "recover-nik": (5, HOUR),
    "branch-ip": (20, HOUR),
    "branch-nik": (5, HOUR),
}
SIGNUP_SESSION_KEY = "access.signup_code"
RECOVERY_SESSION_KEY = "access.recovery"


def _allowed(name: str, ident: str) -> bool:
    limit, period = LIMITS[name]
    return ratelimit.hit(key=f"{name}:{ident}", limit=limit, period=period)


def _too_many(request):
    return render(request, "access/rate_limited.html", status=429)


# --- signup ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def signup_start(request):
    """Step 1: NIK, KPJ, birth date. Always the same next page, whatever they match."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupStartForm(request.POST or None)
    if request.method == "POST":
        if not _allowed("signup-ip", ratelimit.client_ip(request)):
            return _too_many(request)
        if form.is_valid():
            if not _allowed("signup-nik", form.cleaned_data["nik"]):
                return _too_many(request)
            row = services.signup_code_send(**form.cleaned_data)
            request.session[SIGNUP_SESSION_KEY] = row.pk
            return redirect("access_signup_code")
    return render(request, "account/signup.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def signup_code(request):
    """Step 2: the code from the contact on record, and the new login."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    code_id = request.session.get(SIGNUP_SESSION_KEY)
    if code_id is None:
        return redirect("account_signup")
    form = SignupCodeForm(request.POST or None)
    if request.method == "POST":
        if not _allowed("signup-code-ip", ratelimit.client_ip(request)):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.signup_complete(
                    contact_code_id=code_id,
                    code=data["code"],
                    email=data["email"],
                    password=data["password1"],
                )
            except services.AccessError as error:
                form.add_error("code", ValidationError(error.message, code=error.code))
            except ValidationError as error:
                form.add_error(None, error)
            except ParticipantAlreadyRegistered:
                form.add_error(
                    None,
                    _(
                        "An account for this membership was created a moment ago. If it is "
                        "yours, log in; if not, recover it at a branch office."
                    ),
                )
            else:
                request.session.pop(SIGNUP_SESSION_KEY, None)
                return complete_signup(
                    request,
                    user=user,
                    email_verification=settings.ACCOUNT_EMAIL_VERIFICATION,
                    success_url=reverse(settings.LOGIN_REDIRECT_URL),
                )
    return render(request, "access/signup_code.html", {"form": form})


# --- recovery --------------------------------------------------------------------------------


def _recovery_start(request, *, participant_id: int, via: str, code_id: int | None = None):
    request.session[RECOVERY_SESSION_KEY] = {
        "participant": participant_id,
        "via": via,
        "code": code_id,
        "at": timezone.now().isoformat(),
    }
    return redirect("access:new_login")


def _recovery_state(request) -> dict | None:
    state = request.session.get(RECOVERY_SESSION_KEY)
    if not state:
        return None
    started = datetime.datetime.fromisoformat(state["at"])
    if timezone.now() - started > rules.RECOVERY_SESSION_TTL:
        request.session.pop(RECOVERY_SESSION_KEY, None)
        return None
    return state


@never_cache
def recover_start(request):
    """Which way back in: online (the recovery question) or at the branch."""
    return render(request, "access/recover_start.html")


@never_cache
@require_http_methods(["GET", "POST"])
def recover_online(request):
    form = RecoveryForm(request.POST or None)
    if request.method == "POST":
        if not _allowed("recover-ip", ratelimit.client_ip(request)):
            return _too_many(request)
        if form.is_valid():
            if not _allowed("recover-nik", form.cleaned_data["nik"]):
                return _too_many(request)
            participant = services.recovery_check(**form.cleaned_data)
            if participant is not None:
                return _recovery_start(request, participant_id=participant.pk, via="online")
            form.add_error(
                None,
                ValidationError(
                    _(
                        "We could not confirm these details online. Check them against your "
                        "KTP and card. After several tries, or if online access to your "
                        "account is locked, online recovery stops: then recover at a branch "
                        "office with your KTP."
                    ),
                    code="not_confirmed",
                ),
            )
    return render(request, "access/recover_online.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def recover_branch_code(request):
    form = BranchCodeForm(request.POST or None)
    if request.method == "POST":
        if not _allowed("branch-ip", ratelimit.client_ip(request)):
            return _too_many(request)
        if form.is_valid():
            nik = form.cleaned_data["nik"].strip()
            if not _allowed("branch-nik", nik):
                return _too_many(request)
            row = services.branch_code_check(nik=nik, code=form.cleaned_data["code"])
            if row is not None:
                return _recovery_start(
                    request, participant_id=row.participant_id, via="branch", code_id=row.pk
                )
            form.add_error(
                None,
                ValidationError(
                    _(
                        "This NIK and code do not go together, or the code is not yet "
                        "confirmed, already used or expired. Check what you typed, or ask "
                        "the branch office."
                    ),
                    code="not_confirmed",
                ),
            )
    return render(request, "access/recover_branch.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def new_login(request):
    """After a passed recovery: the new e-mail and password, then the address is confirmed."""
    state = _recovery_state(request)
    if state is None:
        messages.error(request, _("This recovery is no longer valid. Start again."))
        return redirect("access:recover")
    form = NewLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.access_login_set(
                participant_id=state["participant"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                phone=form.cleaned_data["phone"],
                via=state["via"],
                branch_code_id=state["code"],
            )
        except services.AccessError as error:
            request.session.pop(RECOVERY_SESSION_KEY, None)
            messages.error(request, error.message)
            return redirect("access:recover")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(RECOVERY_SESSION_KEY, None)
            if request.user.is_authenticated:
                logout(request)
            # allauth sends the confirmation link to the new address and shows where it went.
            return perform_login(
                request,
                user,
                email_verification=settings.ACCOUNT_EMAIL_VERIFICATION,
                redirect_url=reverse(settings.LOGIN_REDIRECT_URL),
            )
    return render(request, "access/new_login.html", {"form": form, "via": state["via"]})


# --- Kunci akses online ----------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def lock(request):
    """The participant locks online access to their own account (confirmation step first)."""
    participant = participant_get_for_user(user=request.user)
    if participant is None:
        return render(request, "access/not_participant.html", status=403)
    if request.method == "POST":
        services.access_lock(participant=participant, source="participant", actor=request.user)
        logout(request)
        return render(request, "access/locked.html")
    return render(
        request,
        "components/confirm_page.html",
        {
            "confirm_title": _("Lock online access"),
            "confirm_text": _(
                "Nobody will be able to log in to your account any more, on the web or in "
                "apps, you included, and online recovery stops. To unlock it, go to a branch "
                "office with your KTP. Your membership, balance and claims are not affected."
            ),
            "confirm_action": reverse("access:lock"),
            "confirm_button": _("Lock online access"),
            "cancel_url": reverse("dashboard"),
        },
    )
