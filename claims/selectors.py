import datetime
from dataclasses import dataclass, fields

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import translation

from participants.models import BankAccount, Participant

from . import inputs, rules
from .choices import OPEN_STATUSES
from .models import Claim, ClaimDocument, ClaimDraftUpload, ClaimEvent, ClaimRuleValue


class ClaimRuleValueMissing(LookupError):
    """No dated row covers this date: staff must add one in the admin."""


def claim_rule_set_on(*, on_date: datetime.date) -> rules.ClaimRuleSet:
    """The dated claim values in force on `on_date`, in one query."""
    rows = ClaimRuleValue.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date), valid_from__lte=on_date
    ).values_list("key", "value")
    values = dict(rows)
    names = [f.name for f in fields(rules.ClaimRuleSet)]
    missing = [name for name in names if name not in values]
    if missing:
        raise ClaimRuleValueMissing(f"no claim rule value on {on_date} for: {', '.join(missing)}")
    return rules.ClaimRuleSet(**{name: values[name] for name in names})


@dataclass(frozen=True)
class PayoutAccount:
    """Where a claim pays: copied onto the claim at filing, so later edits do not move it."""

    bank: str
    number: str
    holder: str

    @property
    def masked(self) -> str:
        return f"{self.bank} ****{self.number[-4:]}"


def payout_account_for(*, participant: Participant) -> PayoutAccount | None:
    """The participant's pengkinian bank account, if it is in their own name (one query)."""
    account = BankAccount.objects.filter(participant=participant).first()
    if account is None or not inputs.payout_account_matches(
        participant=participant, account_name=account.account_name
    ):
        return None
    return PayoutAccount(account.bank, account.account_number, account.account_name)


def claim_eligibility(
    *, participant: Participant, request: rules.ClaimRequest, on_date: datetime.date
) -> rules.Eligibility:
    """The rules applied to this participant's facts on `on_date`."""
    return rules.check_eligibility(
        request=request,
        facts=inputs.claim_facts_for(participant=participant, on_date=on_date),
        rules=claim_rule_set_on(on_date=on_date),
    )


def claim_estimate_record(
    *, participant: Participant, request: rules.ClaimRequest, on_date: datetime.date
) -> dict:
    """The estimate of a claim being filed, worded in every language of the portal, as the
    `ClaimEstimate` fields: the facts and rule values are read once (six queries)."""
    facts = inputs.claim_facts_for(participant=participant, on_date=on_date)
    rule_set = claim_rule_set_on(on_date=on_date)
    record = {"on_date": on_date, "lines": {}, "notes": {}, "schedule": {}}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            result = rules.check_eligibility(request=request, facts=facts, rules=rule_set)
            record["lines"][language] = [
                [line.label, line.amount, line.basis] for line in result.lines
            ]
            record["notes"][language] = list(result.notes)
            record["schedule"][language] = [
                [level.label, level.amount_per_year, level.years, level.total]
                for level in result.schedule
            ]
            record["benefit_form"] = result.benefit_form
    return record


def jkk_estimate(
    *, monthly_wage: int, stmb_months: int | None, disability_code: str, on_date: datetime.date
) -> tuple[rules.AmountLine, ...]:
    """The JKK cash benefits for a wage on `on_date` (staff's calculator), in two queries."""
    return rules.jkk_lines(
        monthly_wage=monthly_wage,
        rules=claim_rule_set_on(on_date=on_date),
        tables=inputs.benefit_tables_on(on_date),
        stmb_months=stmb_months,
        disability_code=disability_code,
    )


def claims_for_participant(*, participant: Participant) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(participant=participant)
        .select_related("estimate")
        .order_by("-submitted_at", "-pk")
    )


def claim_get_for_participant(*, participant: Participant | None, claim_id: int) -> Claim:
    """The participant's own claim with its timeline; missing and foreign both 404."""
    if participant is None:
        raise Http404
    claim = (
        Claim.objects.filter(participant=participant, pk=claim_id)
        .select_related("estimate")
        .prefetch_related(
            Prefetch("events", queryset=ClaimEvent.objects.order_by("at", "pk")),
            Prefetch(
                "requirements",
                queryset=ClaimDocument.objects.select_related("document").prefetch_related(
                    "document__checks"
                ),
            ),
        )
        .first()
    )
    if claim is None:
        raise Http404
    return claim


def claim_draft_uploads(*, participant: Participant, form_key: str) -> dict:
    """The files kept for this filing form after a refusal, by document type (one query)."""
    rows = (
        ClaimDraftUpload.objects.filter(participant=participant, form_key=form_key)
        .select_related("document")
        .prefetch_related("document__checks")
    )
    return {row.document_type: row.document for row in rows}


def claim_get_by_key(*, participant: Participant, idempotency_key: str) -> Claim | None:
    """The claim a form with this key already filed (a double click), if any."""
    return Claim.objects.filter(participant=participant, idempotency_key=idempotency_key).first()


def claim_branch_visit_active(*, claim: Claim):
    """The claim's branch-visit appointment that is still to happen (or happening), if any."""
    from appointments.models import Appointment

    return (
        Appointment.objects.filter(
            claim_id=claim.pk, participant_id=claim.participant_id, status__in=Appointment.ACTIVE
        )
        .order_by("-pk")
        .first()
    )


def claim_get_open(*, participant: Participant, program: str) -> Claim | None:
    return Claim.objects.filter(
        participant=participant, program=program, status__in=OPEN_STATUSES
    ).first()


def claim_rule_value_on(*, key: str, on_date: datetime.date) -> int | None:
    row = (
        ClaimRuleValue.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on_date), key=key, valid_from__lte=on_date
        )
        .values_list("value", flat=True)
        .first()
    )
    return row
