from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access_audit import AuditedAccessAdmin
from core.admin import BranchScopedAdmin, ReadOnlyAdminMixin

from . import account_merge, amalgamation, ledger, services
from .models import (
    BalanceMergeRequest,
    ContributionPosting,
    ContributionRate,
    Employer,
    Enrolment,
    JakonTier,
    JhtBalance,
    JhtReturnRate,
    JkkRelief,
    KpjBalance,
    KpjCard,
    Participant,
    PensionAge,
    ProgramRule,
    RuleAmount,
    User,
)
from .selectors import employer_active_card_count, participants_visible_to_staff


class KpjCardInlineForm(forms.ModelForm):
    class Meta:
        model = KpjCard
        fields = ["number", "employer", "status", "joined_on", "left_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An employer's link waiting for the member changes only through the audited actions.
        if self.instance.pk and self.instance.status in KpjCard.UNCONFIRMED:
            self.fields["status"].disabled = True


class KpjCardInline(admin.TabularInline):
    model = KpjCard
    form = KpjCardInlineForm
    extra = 0
    fields = ["number", "employer", "status", "joined_on", "left_on"]
    autocomplete_fields = ["employer"]


@admin.register(Participant)
class ParticipantAdmin(AuditedAccessAdmin, BranchScopedAdmin):
    audit_participant_field = "pk"
    list_display = ["full_name", "masked_nik", "category", "nationality", "branch", "has_account"]
    list_filter = ["category", "branch"]
    search_fields = ["full_name", "=nik", "kpj_cards__number"]
    list_select_related = ["branch"]
    readonly_fields = ["user", "last_active_at", "created_at", "updated_at"]
    # Identity changes only through a reviewed, audited path (data_updates: the participant's
    # request, or the staff "Correct identity" page); the gender is the one the NIK encodes.
    identity_fields = ["nik", "full_name", "birth_date", "gender", "nationality"]
    inlines = [KpjCardInline]
    actions = ["merge_accounts"]

    @admin.action(
        description=_("Merge two accounts of the same person (KTP checked in person)"),
        permissions=["change"],
    )
    def merge_accounts(self, request, queryset):
        """Two records ticked: a page to choose the survivor and the login to keep, then
        participants.account_merge.account_merge does the rest (audited, all or nothing)."""
        records = list(queryset.select_related("user", "branch").order_by("pk")[:3])
        if len(records) != 2:
            self.message_user(
                request, _("Tick exactly two records of the same person."), messages.ERROR
            )
            return None
        first, second = records
        suggested = account_merge.login_suggested(survivor=first, duplicate=second)
        form = AccountMergeForm(
            request.POST if "merge_confirm" in request.POST else None,
            records=records,
            initial={"keep_login": suggested.pk if suggested else None},
        )
        if "merge_confirm" in request.POST and form.is_valid():
            survivor_id = form.cleaned_data["survivor"]
            survivor = first if first.pk == survivor_id else second
            duplicate = second if survivor is first else first
            try:
                result = account_merge.account_merge(
                    survivor=survivor,
                    duplicate=duplicate,
                    keep_login_id=form.cleaned_data["keep_login"],
                    ktp_nik=form.cleaned_data["ktp_nik"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except PermissionDenied:
                self.message_user(request, _("You may not merge these records."), messages.ERROR)
                return None
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                self.message_user(
                    request,
                    _(
                        "Merged: %(cards)d card(s) and the other records moved to %(name)s; "
                        "%(sessions)d session(s) of the retired login ended."
                    )
                    % {
                        "cards": result.cards_moved,
                        "name": result.survivor,
                        "sessions": result.sessions_ended,
                    },
                    messages.SUCCESS,
                )
                return None
        verified = set(
            EmailAddress.objects.filter(
                user_id__in=[r.user_id for r in records if r.user_id], verified=True
            ).values_list("user_id", flat=True)
        )
        return TemplateResponse(
            request,
            "admin/participants/participant/merge_accounts.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge two accounts of the same person"),
                "opts": self.opts,
                "records": records,
                "verified": verified,
                "suggested": suggested,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, *self.identity_fields] if obj is not None else readonly

    def get_queryset(self, request):
        return participants_visible_to_staff(user=request.user)

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return obj.masked_nik

    @admin.display(boolean=True, description=_("account"))
    def has_account(self, obj):
        return obj.user_id is not None


class AccountMergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        label=_("Record that stays (its NIK is the one on the KTP)"),
        coerce=int,
        widget=forms.RadioSelect,
    )
    ktp_nik = forms.CharField(label=_("NIK on the KTP you checked"), max_length=16, min_length=16)
    keep_login = forms.TypedChoiceField(
        label=_("Login to keep"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=_("Proposed: the login with a verified e-mail address, used most recently."),
    )
    reason = forms.CharField(
        label=_("Reason and documents checked"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(r.pk, f"{r.full_name} · {r.nik}") for r in records]
        logins = [r.user for r in records if r.user_id]
        self.fields["keep_login"].choices = [(u.pk, u.email) for u in logins]
        self.fields["keep_login"].required = bool(logins)


@admin.register(Employer)
class EmployerAdmin(BranchScopedAdmin):
    list_display = ["name", "registration_number", "jkk_risk_class", "jkk_relief_eligible",
                    "branch"]  # fmt: skip
    list_filter = ["jkk_risk_class", "jkk_relief_eligible", "branch"]
    search_fields = ["name", "registration_number"]
    list_select_related = ["branch"]
    readonly_fields = ["active_cards"]

    @admin.display(description=_("active KPJ cards"))
    def active_cards(self, obj):
        return employer_active_card_count(employer=obj) if obj.pk else "-"

    def save_model(self, request, obj, form, change):
        """The JKK relief flag goes through its service, which writes the audit row."""
        if "jkk_relief_eligible" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        eligible = obj.jkk_relief_eligible
        obj.jkk_relief_eligible = not eligible
        super().save_model(request, obj, form, change)
        services.employer_jkk_relief_set(employer=obj, eligible=eligible, actor=request.user)


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["program", "started_on", "ended_on"]


@admin.register(KpjCard)
class KpjCardAdmin(AuditedAccessAdmin, BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = ["number", "participant", "employer", "status", "joined_on"]
    list_filter = ["status"]
    search_fields = ["=number"]
    list_select_related = ["participant", "employer"]
    autocomplete_fields = ["participant", "employer"]
    inlines = [EnrolmentInline]
    actions = ["report_leaver", "confirm_link", "decline_link"]

    def get_readonly_fields(self, request, obj=None):
        # An employer's link waiting for the member changes only through the audited actions.
        if obj is not None and obj.status in KpjCard.UNCONFIRMED:
            return [*super().get_readonly_fields(request, obj), "status", "left_on"]
        return super().get_readonly_fields(request, obj)

    def _decide_links(self, request, queryset, *, confirm: bool) -> None:
        decided = 0
        for card in queryset.filter(status=KpjCard.Status.PENDING).select_related(
            "participant", "employer"
        ):
            try:
                decided += services.kpj_card_link_decide(
                    kpj_card=card, actor=request.user, confirm=confirm
                )
            except services.LinkNotYours:
                self.message_user(
                    request,
                    _("Card %(number)s belongs to another branch's member.")
                    % {"number": card.number},
                    messages.ERROR,
                )
        self.message_user(
            request,
            _("%(count)d employer registration(s) decided; the members are told.")
            % {"count": decided},
        )

    def has_decide_link_permission(self, request):
        return request.user.has_perm("participants.decide_employer_link")

    @admin.action(
        description=_("Confirm the employer's registration (the member agreed at the branch)"),
        permissions=["decide_link"],
    )
    def confirm_link(self, request, queryset):
        self._decide_links(request, queryset, confirm=True)

    @admin.action(
        description=_("Decline the employer's registration (the member does not work there)"),
        permissions=["decide_link"],
    )
    def decline_link(self, request, queryset):
        self._decide_links(request, queryset, confirm=False)

    @admin.action(
        description=_("Employer reported the worker left (non-active today)"),
        permissions=["change"],
    )
    def report_leaver(self, request, queryset):
        changed = sum(
            services.kpj_card_report_leaver(
                kpj_card=card, left_on=timezone.localdate(), actor=request.user
            )
            for card in queryset
        )
        self.message_user(request, _("%(count)d card(s) made non-active.") % {"count": changed})


@admin.register(User)
class UserAdmin(AuditedAccessAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "branch"]
    list_select_related = ["branch", "participant"]  # the audit names the login's participant
    list_filter = ["is_staff", "is_superuser", "is_active", "branch"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (_("Staff"), {"fields": ["is_active", "is_staff", "is_superuser", "branch", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    def audit_participant_id(self, obj):
        participant = getattr(obj, "participant", None)  # staff logins have none
        return participant.pk if participant else None

    def get_queryset(self, request):
        # User accounts are managed by superusers only; branch staff never edit logins.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()


@admin.register(BalanceMergeRequest)
class BalanceMergeRequestAdmin(AuditedAccessAdmin, BranchScopedAdmin):
    """Amalgamasi requests of the branch: staff approve (the ledger moves the balance once)
    or refuse with a reason the participant reads."""

    branch_path = "participant__branch"
    list_display = ["created_at", "participant", "from_card", "to_card", "status", "amount",
                    "decided_by"]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["=from_card__number", "=to_card__number"]
    list_select_related = ["participant", "from_card", "to_card", "decided_by"]
    readonly_fields = ["participant", "from_card", "to_card", "status", "requested_by",
                       "decided_by", "decided_at", "decision_note", "amount",
                       "created_at"]  # fmt: skip
    actions = ["approve", "reject"]

    def get_queryset(self, request):
        return amalgamation.balance_merges_visible_to_staff(user=request.user)

    def has_add_permission(self, request):
        return False  # the participant files it from Kartu saya

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve and merge the balances"), permissions=["change"])
    def approve(self, request, queryset):
        done = 0
        for merge in queryset:
            try:
                done += amalgamation.balance_merge_approve(merge_id=merge.pk, actor=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{merge}: {error or _('not allowed')}", messages.ERROR)
            except ledger.PostingError as error:
                self.message_user(request, f"{merge}: {error.message}", messages.ERROR)
        self.message_user(request, _("%(count)d merge(s) approved.") % {"count": done})

    @admin.action(description=_("Refuse (with a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        form = MergeRefusalForm(request.POST if "refuse_confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for merge in queryset:
                try:
                    done += amalgamation.balance_merge_reject(
                        merge_id=merge.pk, actor=request.user, note=form.cleaned_data["note"]
                    )
                except PermissionDenied:
                    self.message_user(request, f"{merge}: {_('not allowed')}", messages.ERROR)
            self.message_user(request, _("%(count)d merge(s) refused.") % {"count": done})
            return None
        return TemplateResponse(
            request,
            "admin/participants/balancemergerequest/refuse.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Refuse balance merges"),
                "opts": self.opts,
                "merges": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class MergeRefusalForm(forms.Form):
    note = forms.CharField(
        label=_("Reason the participant reads"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- membership rules (dated data; superusers or staff given the permissions edit them) --


class DatedRuleAdmin(admin.ModelAdmin):
    list_filter = ["unconfirmed"]
    readonly_fields = ["created_at", "updated_at"]
    save_as = True  # a new period starts as a copy of the old row


@admin.register(ProgramRule)
class ProgramRuleAdmin(DatedRuleAdmin):
    list_display = ["category", "program", "membership", "valid_from", "valid_to", "unconfirmed"]
    list_filter = ["category", "program", "unconfirmed"]


@admin.register(ContributionRate)
class ContributionRateAdmin(DatedRuleAdmin):
    list_display = [
        "category", "program", "risk_class", "employer_rate", "worker_rate", "government_rate",
        "recomposed_rate", "valid_from", "valid_to", "unconfirmed",
    ]  # fmt: skip
    list_filter = ["category", "program", "unconfirmed"]


@admin.register(RuleAmount)
class RuleAmountAdmin(DatedRuleAdmin):
    list_display = ["key", "variant", "amount", "valid_from", "valid_to", "unconfirmed", "source"]
    list_filter = ["key", "unconfirmed"]


@admin.register(JakonTier)
class JakonTierAdmin(DatedRuleAdmin):
    list_display = ["lower_bound", "upper_bound", "jkk_rate", "jkm_rate", "valid_from",
                    "valid_to", "unconfirmed"]  # fmt: skip


@admin.register(JkkRelief)
class JkkReliefAdmin(DatedRuleAdmin):
    list_display = ["discount_percent", "valid_from", "valid_to", "unconfirmed", "source"]


@admin.register(PensionAge)
class PensionAgeAdmin(DatedRuleAdmin):
    list_display = ["age", "valid_from", "valid_to", "unconfirmed"]


@admin.register(JhtReturnRate)
class JhtReturnRateAdmin(admin.ModelAdmin):
    list_display = ["year", "rate", "unconfirmed", "source"]
    list_filter = ["unconfirmed"]


# --- ledger and balances (read-only; corrections are reversing postings) -----------------


@admin.register(ContributionPosting)
class ContributionPostingAdmin(AuditedAccessAdmin, ReadOnlyAdminMixin, BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = ["month", "kpj_card", "participant", "program", "kind", "employer_amount",
                    "worker_amount", "amount", "paid_on"]  # fmt: skip
    list_filter = ["kind", "program"]
    search_fields = ["=kpj_card__number"]
    list_select_related = ["kpj_card", "participant"]
    date_hierarchy = "month"
    show_full_result_count = False  # no COUNT(*) over the whole ledger
    actions = ["reverse_postings"]

    @admin.action(description=_("Reverse the selected postings"), permissions=["view"])
    def reverse_postings(self, request, queryset):
        if not request.user.has_perm("participants.add_contributionposting"):
            self.message_user(
                request, _("You need permission to add postings to reverse one."), messages.ERROR
            )
            return
        done = 0
        for posting in queryset:
            try:
                ledger.ledger_posting_reverse(
                    posting=posting,
                    actor=request.user,
                    reason="admin",
                    on=timezone.localdate(),
                )
                done += 1
            except ledger.PostingError as error:
                self.message_user(request, f"{posting}: {error.message}", messages.WARNING)
        self.message_user(request, _("%(count)d posting(s) reversed.") % {"count": done})


@admin.register(JhtBalance)
class JhtBalanceAdmin(AuditedAccessAdmin, ReadOnlyAdminMixin, BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = ["participant", "balance", "last_contribution_month", "posting_count"]
    list_select_related = ["participant"]


@admin.register(KpjBalance)
class KpjBalanceAdmin(AuditedAccessAdmin, ReadOnlyAdminMixin, BranchScopedAdmin):
    branch_path = "kpj_card__participant__branch"
    audit_participant_field = "kpj_card.participant_id"
    list_display = ["kpj_card", "balance", "last_contribution_month"]
    list_select_related = ["kpj_card"]
    search_fields = ["=kpj_card__number"]
