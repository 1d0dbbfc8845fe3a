"""Kartu saya, "Tambah kartu KPJ" and the balance merge request (participants/cards.py,
participants/amalgamation.py do the work)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .amalgamation import balance_merge_request
from .card_forms import BalanceMergeForm, KpjCardLinkForm
from .cards import LinkResult, cards_overview_get, client_address, kpj_card_link_attempt
from .selectors import kpj_card_link_get_for_participant, participant_get_for_user_or_404
from .services import kpj_card_link_decide


@never_cache
@login_required
def my_cards(request):
    """Kartu saya: every card, its employer, status, months and balance, and the merged total."""
    participant = participant_get_for_user_or_404(user=request.user)
    return render(
        request,
        "participants/cards/my_cards.html",
        {"participant": participant, "overview": cards_overview_get(participant=participant)},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def card_add(request):
    """Tambah kartu KPJ: the check, then one of three answers (see participants/cards.py)."""
    participant = participant_get_for_user_or_404(user=request.user)
    form = KpjCardLinkForm(request.POST if request.method == "POST" else None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = kpj_card_link_attempt(
            participant=participant,
            actor=request.user,
            number=data["number"],
            employer=data["employer"],
            self_registered=data["self_registered"],
            first_month=data["first_month"],
            address=client_address(request),
        )
        if outcome.result == LinkResult.ALREADY_YOURS:
            messages.info(
                request,
                _("Card %(number)s is already in your account. It is listed below.")
                % {"number": outcome.card.number},
            )
            return redirect("my_cards")
    status = 429 if outcome and outcome.result == LinkResult.RATE_LIMITED else 200
    return render(
        request,
        "participants/cards/card_add.html",
        {"form": form, "outcome": outcome, "results": LinkResult},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def card_merge(request, card_id: int):
    """Ask the branch to merge this card's JHT balance into another of the participant's cards."""
    participant = participant_get_for_user_or_404(user=request.user)
    overview = cards_overview_get(participant=participant)
    line = next((line for line in overview.cards if line.card.pk == card_id), None)
    if line is None:  # a missing and a foreign card alike
        raise Http404
    targets = overview.merge_targets(line.card)
    form = BalanceMergeForm(request.POST if request.method == "POST" else None, targets=targets)
    if request.method == "POST" and line.can_merge and form.is_valid():
        try:
            balance_merge_request(
                participant=participant,
                actor=request.user,
                from_card_id=line.card.pk,
                to_card_id=form.cleaned_data["to_card"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error("to_card" if name == "to_card" else None, errors)
        else:
            messages.success(
                request,
                _(
                    "Your request is sent. Staff of your branch check it, usually within "
                    "5 working days. The balance stays yours meanwhile."
                ),
            )
            return redirect("my_cards")
    return render(
        request,
        "participants/cards/card_merge.html",
        {"line": line, "form": form, "targets": targets},
    )


@never_cache
@login_required
@require_POST
def card_link_decide(request, card_id: int):
    """The member's answer to an employer's registration: confirm or decline, once."""
    participant = participant_get_for_user_or_404(user=request.user)
    card = kpj_card_link_get_for_participant(participant=participant, kpj_card_id=card_id)
    decision = request.POST.get("decision")
    if decision not in ("confirm", "decline"):
        messages.error(request, _("Choose Confirm or Decline for card %(number)s.")
                       % {"number": card.number})  # fmt: skip
        return redirect("my_cards")
    confirm = decision == "confirm"
    if kpj_card_link_decide(kpj_card=card, actor=request.user, confirm=confirm):
        done = (
            _("Done: you work for %(employer)s. Card %(number)s is active.")
            if confirm
            else _(
                "Done: you declined the registration by %(employer)s. The company cannot "
                "report contributions for you on card %(number)s or see your claims."
            )
        )
        messages.success(request, done % {"employer": card.employer.name, "number": card.number})
    else:
        messages.info(
            request,
            _('Card %(number)s was already decided: its status is "%(status)s".')
            % {"number": card.number, "status": card.get_status_display()},
        )
    return redirect("my_cards")
