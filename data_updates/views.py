"""Pages of pengkinian data ("Perbarui data"): thin, every write goes through data_updates."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from participants.models import BankAccount, EmergencyContact, FamilyMember
from participants.selectors import participant_get_for_user_or_404

from . import forms
from . import services as data_updates
from .models import DataUpdateRequest
from .selectors import (
    data_update_changes,
    data_update_document_kind_asked,
    data_update_draft,
    data_update_get_for_participant,
    data_update_requests_for_participant,
    data_update_tracker,
    family_member_get_for_participant,
)

Kind = DataUpdateRequest.Kind

# slug -> (form, kinds whose draft it continues, page guide template)
PAGES = {
    "phone": forms.PhoneForm,
    "email": forms.EmailForm,
    "address": forms.AddressForm,
    "emergency-contact": forms.EmergencyContactForm,
    "family": forms.FamilyMemberForm,
    "bank-account": forms.BankAccountForm,
    "identity": forms.IdentityCorrectionForm,
}
# Pages about one family member already on record: /data/family/<id>/<slug>/.
MEMBER_PAGES = {
    "change": forms.FamilyMemberEditForm,
    "remove": forms.FamilyMemberRemoveForm,
}
# Where codes and payouts go: a stolen, still-open session must not redirect them (ASVS 3.7.1).
REAUTHENTICATE_SLUGS = {"phone", "email"}
DRAFT_KINDS = {
    forms.IdentityCorrectionForm: [Kind.NAME, Kind.BIRTH_DATE, Kind.NIK, Kind.NATIONALITY],
}


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@never_cache
@login_required
def data_update_home(request):
    participant = participant_get_for_user_or_404(user=request.user)
    context = {
        "participant": participant,
        "requests": data_update_requests_for_participant(participant=participant),
        "bank_account": BankAccount.objects.filter(participant=participant).first(),
        "emergency_contact": EmergencyContact.objects.filter(participant=participant).first(),
        "family": FamilyMember.objects.filter(participant=participant),
    }
    return render(request, "participants/data_updates/home.html", context)


def _raw_values(form_class, post, member=None) -> dict:
    """What was typed, kept in the draft even if it does not validate (no files, no token)."""
    values = {
        name: post.get(name, "")
        for name in form_class.base_fields
        if name not in form_class.document_fields and name in post
    }
    if member is not None:
        values["member"] = member.pk
    return values


def _edit(request, slug, *, participant=None, member=None):
    participant = participant or participant_get_for_user_or_404(user=request.user)
    form_class = MEMBER_PAGES[slug] if member else PAGES[slug]
    extra = {"member": member} if member else {}
    kinds = DRAFT_KINDS.get(form_class, [form_class.kind])
    draft = data_update_draft(participant=participant, kinds=kinds)
    if request.method == "POST":
        kind = form_class.kind_for(request.POST)
        draft = data_updates.data_update_save_draft(
            participant=participant,
            kind=kind,
            values=_raw_values(form_class, request.POST, member),
        )
        form = form_class(
            request.POST, request.FILES, participant=participant, draft=draft, **extra
        )
        form.upload_errors = data_updates.data_update_store_uploads(
            request=draft,
            participant=participant,
            uploads={
                name: (kind, form.files[name])
                for name, kind in form.document_fields.items()
                if name in form.files
            },
            actor=request.user,
        )
        files_ok = not form.upload_errors
        valid = form.is_valid()
        for name, exc in form.upload_errors.items():
            form.add_error(name, exc)
        if valid and files_ok:
            try:
                submitted = data_updates.data_update_submit(
                    request=draft, values=form.values(), actor=request.user
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except data_updates.DataUpdateConflict:
                form.add_error(None, data_updates.MESSAGES["not_open"])
            else:
                if submitted.status == DataUpdateRequest.Status.APPLIED:
                    messages.success(request, _("Done. Your data is updated."))
                else:
                    messages.success(
                        request, _("Your request is saved. Here is what happens next.")
                    )
                return redirect("data_update_detail", submitted.pk)
    else:
        initial = draft.values if draft else None
        if member and (draft is None or draft.values.get("member") != member.pk):
            # A draft about another member would show their data: start from this one's.
            initial = member.as_values() if form_class.kind != Kind.FAMILY_MEMBER_REMOVE else {}
        form = form_class(initial=initial, participant=participant, draft=draft, **extra)
    context = {
        "form": form,
        "slug": f"family-{slug}" if member else slug,
        "draft": draft,
        "participant": participant,
        "member": member,
    }
    return render(request, "participants/data_updates/edit.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def data_update_edit(request, slug):
    if slug not in PAGES or slug == "bank-account":
        raise Http404
    if slug in REAUTHENTICATE_SLUGS:
        return _edit_after_reauthentication(request, slug)
    return _edit(request, slug)


@reauthentication_required
def _edit_after_reauthentication(request, slug):
    return _edit(request, slug)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def data_update_family_member(request, member_id, slug):
    """Change or remove a family member or heir: the same reviewed flow as adding one."""
    if slug not in MEMBER_PAGES:
        raise Http404
    participant = participant_get_for_user_or_404(user=request.user)
    member = family_member_get_for_participant(participant=participant, member_id=member_id)
    return _edit(request, slug, participant=participant, member=member)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required
def data_update_bank_account(request):
    """Payout account: only after typing the password again (allauth reauthentication)."""
    return _edit(request, "bank-account")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def data_update_detail(request, request_id):
    participant = participant_get_for_user_or_404(user=request.user)
    update = data_update_get_for_participant(participant=participant, request_id=request_id)
    code_form = forms.CodeForm()
    document_form = forms.AnotherDocumentForm(
        initial={"document_kind": data_update_document_kind_asked(request=update)}
    )
    action = request.POST.get("action")
    if request.method == "POST":
        try:
            if action == "confirm":
                code_form = forms.CodeForm(request.POST)
                if code_form.is_valid():
                    data_updates.data_update_confirm_code(
                        request=update, code=code_form.cleaned_data["code"], actor=request.user
                    )
                    messages.success(request, _("Confirmed. Your data is updated."))
                    return redirect("data_update_detail", update.pk)
            elif action == "resend":
                data_updates.data_update_resend_code(request=update)
                messages.success(request, _("A new code is on its way."))
                return redirect("data_update_detail", update.pk)
            elif action == "document":
                document_form = forms.AnotherDocumentForm(request.POST, request.FILES)
                if document_form.is_valid():
                    data_updates.data_update_add_document(
                        request=update,
                        kind=document_form.cleaned_data["document_kind"],
                        upload=document_form.cleaned_data["file"],
                        actor=request.user,
                    )
                    messages.success(request, _("Thank you. We are checking the new document."))
                    return redirect("data_update_detail", update.pk)
            else:
                raise Http404
        except ValidationError as exc:
            if action == "document":
                document_form.add_error("file", exc)
            else:
                code_form.add_error("code" if action == "confirm" else None, exc)
        except data_updates.DataUpdateConflict:
            messages.error(request, data_updates.MESSAGES["not_open"])
            return redirect("data_update_detail", update.pk)
        update = data_update_get_for_participant(participant=participant, request_id=request_id)
    context = {
        "update": update,
        "changes": data_update_changes(request=update),
        "tracker": data_update_tracker(request=update),
        "code_form": code_form,
        "document_form": document_form,
        "participant": participant,
    }
    return render(request, "participants/data_updates/detail.html", context)
