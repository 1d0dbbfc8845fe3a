from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from appointments.views import appointment_request_saved
from participants.page_cache import page_fragment
from participants.selectors import participant_get_for_user

from . import selectors, services
from .choices import TRANSITIONS, Status
from .forms import BranchVisitForm, ClaimFileForm, EligibilityForm, ReplaceDocumentForm
from .models import RuleKey
from .rules import ClaimRequest
from .tracking import claim_tracking


def _participant(request):
    participant = participant_get_for_user(user=request.user)
    if participant is None:
        raise Http404
    return participant


def _eligibility(participant, form):
    return selectors.claim_eligibility(
        participant=participant,
        request=ClaimRequest(**form.claim_fields(), **form.calculator_fields()),
        on_date=timezone.localdate(),
    )


@never_cache
@login_required
def claim_list(request):
    content = page_fragment(
        user=request.user, name="claims", render=lambda: _claim_list_content(request)
    )
    return render(request, "claims/claim_list.html", {"content": content})


def _claim_list_content(request) -> str:
    claims = list(selectors.claims_for_participant(participant=_participant(request)))
    return render_to_string("claims/_claim_list_content.html", {"claims": claims})


@never_cache
@login_required
def claim_check(request):
    """Eligibility before filing: when, what to bring, how much (a GET form, no JS)."""
    participant = _participant(request)
    form = EligibilityForm(request.GET or None, participant=participant)
    eligibility = _eligibility(participant, form) if form.is_valid() else None
    return render(
        request,
        "claims/claim_check.html",
        {"form": form, "eligibility": eligibility, "query": request.GET.urlencode()},
    )


FILED_SESSION_KEY = "claims_just_filed"


@never_cache
@login_required
def claim_file(request):
    participant = _participant(request)
    eligibility = None
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")[:64]
        kept = selectors.claim_draft_uploads(participant=participant, form_key=key) if key else {}
        form = ClaimFileForm(request.POST, request.FILES, participant=participant, kept=kept)
        if form.is_valid():
            try:
                filed = services.claim_file(
                    participant=participant,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    uploads=form.uploads,
                    documents=form.kept_documents,
                    **form.claim_fields(),
                )
            except services.ClaimAlreadyOpen as error:
                messages.info(request, error.message)
                return redirect("claims:detail", error.claim.pk)
            except services.ClaimError as error:
                form.add_filing_error(error)
                eligibility = error.eligibility
            else:
                claim = filed.claim
                if filed.repeated:  # a double click: the first post filed it
                    return redirect("claims:detail", claim.pk)
                if claim.branch_visit:
                    messages.success(
                        request,
                        _(
                            "Your claim was filed. Your JHT balance is above the online "
                            "limit, so it is finished at a branch: book your visit now."
                        ),
                    )
                    return redirect("claims:branch_visit", claim.pk)
                # The tracking page says what happened, from the claim's state when it is
                # shown (the automatic check may have refused a document by then).
                request.session[FILED_SESSION_KEY] = claim.pk
                return redirect("claims:detail", claim.pk)
        # Refused: keep the good files for this form, so they are not chosen again.
        if key and form.chosen_files:
            refused = services.claim_draft_uploads_keep(
                participant=participant,
                form_key=key,
                uploads=form.chosen_files,
                required=form.document_codes,
                actor=request.user,
            )
            form.add_document_problems(refused)
            kept = selectors.claim_draft_uploads(participant=participant, form_key=key)
            form.kept = {code: doc for code, doc in kept.items() if code in form.document_codes}
            form.refuse_rejected_kept()  # checked at once when the pipeline runs in-process
    else:
        form = ClaimFileForm(initial=request.GET.dict(), participant=participant)
    return render(
        request,
        "claims/claim_file.html",
        {
            "form": form,
            "eligibility": eligibility,
            "payout_account": selectors.payout_account_for(participant=participant),
        },
    )


@never_cache
@login_required
def claim_detail(request, claim_id: int):
    """Lacak Klaim: the timeline, the current step, the next action and the expected date."""
    participant = _participant(request)
    claim = selectors.claim_get_for_participant(participant=participant, claim_id=claim_id)
    complete_on = timezone.localdate(claim.complete_at) if claim.complete_at else None
    days = None
    if complete_on:
        days = selectors.claim_rule_value_on(
            key=RuleKey.PROCESSING_WORKING_DAYS, on_date=complete_on
        )
    tracking = claim_tracking(
        status=claim.status, complete_on=complete_on, processing_working_days=days
    )
    documents = claim.requirements.all()
    just_filed = request.session.get(FILED_SESSION_KEY) == claim.pk
    if just_filed:
        del request.session[FILED_SESSION_KEY]
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            # The program's acronym, explained at its first use on the page (the heading).
            "program_abbr": format_html(
                '<abbr title="{}">{}</abbr>', claim.get_program_display(), claim.program
            ),
            "events": claim.events.all(),
            "documents": documents,
            "rejected_documents": [
                row for row in documents if row.document and row.document.status == "rejected"
            ],
            "current_note": claim.current_note,
            "tracking": tracking,
            "participant_user_id": participant.user_id,
            "needs_documents": claim.status == Status.NEEDS_DOCUMENTS,
            "just_filed": just_filed,
        },
    )


@login_required
@require_POST
def claim_document_send(request, claim_id: int, document_type: str):
    """Send one required document again after the claim asked for documents."""
    participant = _participant(request)
    claim = selectors.claim_get_for_participant(participant=participant, claim_id=claim_id)
    claim.participant = participant
    form = ReplaceDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.claim_document_replace(
                claim=claim,
                document_type=document_type,
                upload=form.cleaned_data["file"],
                actor=request.user,
            )
        except services.ClaimDocumentsRefused as error:
            for problems in error.problems.values():
                for problem in problems:
                    messages.error(request, problem)
        except services.ClaimError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: the document was sent and is checked."))
            return redirect("claims:detail", claim.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("claims:detail", claim.pk)


@never_cache
@login_required
def claim_cancel(request, claim_id: int):
    """Cancel a claim: a confirmation page first (GET), the POST cancels."""
    participant = _participant(request)
    claim = selectors.claim_get_for_participant(participant=participant, claim_id=claim_id)
    claim.participant = participant
    if request.method != "POST":
        if Status.CANCELLED not in TRANSITIONS.get(claim.status, ()):
            messages.error(request, _("This claim can no longer be cancelled."))
            return redirect("claims:detail", claim.pk)
        return render(
            request,
            "components/confirm_page.html",
            {
                "confirm_title": _("Cancel claim #%(id)s?") % {"id": claim.pk},
                "confirm_text": _(
                    "Your claim for %(claim)s will stop here and will not be paid. You can "
                    "file a new claim later, and send your documents again then."
                )
                % {"claim": claim.type_label},
                "confirm_action": reverse("claims:cancel", args=[claim.pk]),
                "confirm_button": _("Yes, cancel this claim"),
                "cancel_url": reverse("claims:detail", args=[claim.pk]),
            },
        )
    try:
        services.claim_transition(claim=claim, to_status=Status.CANCELLED, actor=request.user)
    except services.ClaimTransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your claim was cancelled."))
    return redirect("claims:detail", claim.pk)


@never_cache
@login_required
def claim_branch_visit(request, claim_id: int):
    """Book the priority branch visit of a claim above the online limit."""
    participant = _participant(request)
    claim = selectors.claim_get_for_participant(participant=participant, claim_id=claim_id)
    claim.participant = participant
    if not (claim.branch_visit and claim.is_open):
        return redirect("claims:detail", claim.pk)
    if visit := selectors.claim_branch_visit_active(claim=claim):
        return redirect("appointments:detail", visit.pk)
    form = BranchVisitForm(request.POST or None, claim=claim)
    if request.method == "POST" and form.is_valid():
        appointment = form.save(actor=request.user)
        if appointment is not None:
            # The appointment page says whether a slot is found yet, from its state then.
            appointment_request_saved(request, appointment)
            return redirect("appointments:detail", appointment.pk)
    return render(request, "claims/branch_visit.html", {"form": form, "claim": claim})


@login_required
def branch_appointment(request):
    """A JHT claim that cannot finish online goes to the branch: book its verification visit."""
    return redirect(f"{reverse('appointments:book')}?service=jht_verification")
