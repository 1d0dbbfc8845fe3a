"""Claim eligibility as pure rules: facts and dated values in, a decision with reasons out.

No ORM and no clock here. The caller passes the date of the check (`ClaimFacts.on_date`),
the participant's facts, the dated values in force on that date (`ClaimRuleSet`, built by
`claims.selectors.claim_rule_set_on`) and the pension age (`claims.inputs`).
Facts: DOMAIN.md §3 (JHT), §4 (JP), §5 (JKM, JKK).
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.money import format_rupiah

from .choices import DocumentType, Kind, Program, Reason


@dataclass(frozen=True)
class ClaimType:
    program: str
    kind: str
    reason: str
    needs_event_date: bool
    filed_by_heir: bool = False

    @property
    def code(self) -> str:
        return f"{self.program}:{self.kind}:{self.reason}"


CLAIM_TYPES = (
    ClaimType(Program.JHT, Kind.FULL, Reason.RETIREMENT_AGE, needs_event_date=False),
    ClaimType(Program.JHT, Kind.FULL, Reason.RESIGNATION, needs_event_date=True),
    ClaimType(Program.JHT, Kind.FULL, Reason.TERMINATION, needs_event_date=True),
    ClaimType(Program.JHT, Kind.FULL, Reason.CONTRACT_END, needs_event_date=True),
    ClaimType(Program.JHT, Kind.FULL, Reason.LEAVING_INDONESIA, needs_event_date=False),
    ClaimType(Program.JHT, Kind.FULL, Reason.PERMANENT_DISABILITY, needs_event_date=True),
    ClaimType(Program.JHT, Kind.FULL, Reason.DEATH, needs_event_date=True, filed_by_heir=True),
    ClaimType(Program.JHT, Kind.PARTIAL, Reason.HOUSING, needs_event_date=False),
    ClaimType(Program.JHT, Kind.PARTIAL, Reason.RETIREMENT_PREPARATION, needs_event_date=False),
    ClaimType(Program.JP, Kind.FULL, Reason.PENSION_AGE, needs_event_date=False),
    ClaimType(Program.JP, Kind.FULL, Reason.PERMANENT_DISABILITY, needs_event_date=True),
    ClaimType(Program.JP, Kind.FULL, Reason.DEATH, needs_event_date=True, filed_by_heir=True),
    ClaimType(Program.JKM, Kind.FULL, Reason.DEATH, needs_event_date=True, filed_by_heir=True),
    ClaimType(Program.JKK, Kind.FULL, Reason.WORK_ACCIDENT, needs_event_date=True),
)
CLAIM_TYPES_BY_CODE = {claim_type.code: claim_type for claim_type in CLAIM_TYPES}

# Which categories take part in which program (DOMAIN.md §1; JHT optional for BPU and PMI).
PROGRAM_CATEGORIES = {
    Program.JHT: {"PPU", "BPU", "PMI"},
    Program.JP: {"PPU"},
    Program.JKM: {"PPU", "BPU", "JAKON", "PMI"},
    Program.JKK: {"PPU", "BPU", "JAKON", "PMI"},
}

_D = DocumentType
_HEIR_DOCUMENTS = (_D.DEATH_CERTIFICATE, _D.HEIR_CERTIFICATE, _D.HEIR_KTP, _D.FAMILY_CARD)
# DOMAIN.md §3 table ("in addition to the KPJ card and KTP") and §5 (JKM list). The contract-end
# letter and the housing proof are not in DOMAIN.md: UNCONFIRMED, kept so staff ask for them.
REQUIRED_DOCUMENTS = {
    (Program.JHT, Reason.RETIREMENT_AGE): (),
    (Program.JHT, Reason.RESIGNATION): (_D.RESIGNATION_LETTER,),
    (Program.JHT, Reason.TERMINATION): (_D.PHK_PROOF,),
    (Program.JHT, Reason.CONTRACT_END): (_D.CONTRACT_END_LETTER,),
    (Program.JHT, Reason.LEAVING_INDONESIA): (_D.NOT_WORKING_IN_INDONESIA, _D.PASSPORT),
    (Program.JHT, Reason.PERMANENT_DISABILITY): (_D.DOCTOR_LETTER,),
    (Program.JHT, Reason.DEATH): _HEIR_DOCUMENTS,
    (Program.JHT, Reason.HOUSING): (_D.HOUSING_PROOF,),
    (Program.JHT, Reason.RETIREMENT_PREPARATION): (),
    (Program.JP, Reason.PENSION_AGE): (),
    (Program.JP, Reason.PERMANENT_DISABILITY): (_D.DOCTOR_LETTER,),
    (Program.JP, Reason.DEATH): _HEIR_DOCUMENTS,
    (Program.JKM, Reason.DEATH): (*_HEIR_DOCUMENTS, _D.MARRIAGE_BOOK, _D.WORK_REFERENCE),
    (Program.JKK, Reason.WORK_ACCIDENT): (_D.ACCIDENT_REPORT, _D.MEDICAL_CERTIFICATE),
}
BASE_DOCUMENTS = (_D.KPJ_CARD, _D.KTP, _D.BANK_BOOK)


@dataclass(frozen=True)
class ClaimRuleSet:
    """The dated values in force on one date (`ClaimRuleValue` rows), as plain numbers."""

    jht_online_limit: int
    jht_retirement_age: int
    jht_waiting_months: int
    jht_partial_min_membership_months: int
    jht_partial_housing_percent: int
    jht_partial_other_percent: int
    jp_monthly_min_contribution_months: int
    jp_survivor_min_membership_months: int
    jp_survivor_min_density_percent: int
    jkm_death_benefit: int
    jkm_periodic_benefit: int
    jkm_funeral_benefit: int
    jkm_scholarship_min_contribution_months: int
    jkm_scholarship_per_child: int
    jkm_scholarship_max_children: int
    jkk_stmb_full_months: int
    jkk_stmb_full_percent: int
    jkk_stmb_after_percent: int
    processing_working_days: int


@dataclass(frozen=True)
class ClaimFacts:
    """Everything known about the participant on `on_date`; the selector layer gathers it."""

    on_date: datetime.date
    category: str
    birth_date: datetime.date
    pension_age: int
    membership_start: datetime.date | None
    membership_active: bool
    contribution_months: int = 0
    contribution_density_percent: int = 0
    jht_balance: int = 0
    jp_balance: int = 0
    jp_average_annual_wage: int | None = None
    monthly_wage: int | None = None
    partial_jht_taken: bool = False
    # A bank account in the participant's own name in their pengkinian data (deny by default).
    bank_account_verified: bool = False


@dataclass(frozen=True)
class ClaimRequest:
    claim_type: ClaimType
    event_date: datetime.date | None = None
    requested_amount: int | None = None
    filed_by_heir: bool = False
    accident_reported: bool = False
    contract_retirement_age: int | None = None


@dataclass(frozen=True)
class Blocker:
    """One reason a claim cannot be made (yet); rendered in the reader's language."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        params = {
            key: (date_format(value, "j F Y") if isinstance(value, datetime.date) else value)
            for key, value in self.params.items()
        }
        for key in ("amount", "limit", "maximum"):
            if key in params:
                params[key] = format_rupiah(params[key])
        return str(BLOCKER_MESSAGES[self.code]) % params


BLOCKER_MESSAGES = {
    "program_not_in_category": _(
        "Participants in the %(category)s category are not members of this program, "
        "so it cannot be claimed."
    ),
    "event_date_missing": _("Enter the date of the event (for example the resignation date)."),
    "before_retirement_age": _(
        "You reach the retirement age of %(age)s on %(date)s. You can claim from that day."
    ),
    "waiting_period": _(
        "After you stop working there is a waiting period of %(months)s month(s). "
        "You can claim from %(date)s."
    ),
    "membership_still_active": _(
        "Your membership is still active: your employer has not yet reported that you left. "
        "Ask your employer to report it, then claim."
    ),
    "heir_required": _(
        "A claim after a death is filed by an heir, at a branch office, with the death "
        "certificate and heir documents."
    ),
    "not_yet_happened": _("This claim can be made from %(date)s."),
    "partial_already_taken": _(
        "A partial JHT withdrawal can be made only once, and you have already made one."
    ),
    "partial_membership_too_short": _(
        "A partial JHT withdrawal needs at least %(years)s years of membership. "
        "You reach that on %(date)s."
    ),
    "no_membership": _("No membership card is registered for you, so no membership period."),
    "partial_amount_above_maximum": _(
        "You asked for %(amount)s, but the most you can withdraw is %(maximum)s. "
        "Enter %(maximum)s or less."
    ),
    "before_pension_age": _(
        "You reach the pension age of %(age)s on %(date)s. You can claim your pension from then."
    ),
    "membership_not_active": _(
        "The death benefit (JKM) is paid only while the membership is active, and this "
        "membership is not active."
    ),
    "bank_account_missing": _(
        "Payout account: your data has no bank account in your own name. Add it under "
        "Update my data, Bank account, then file the claim."
    ),
    "accident_not_reported": _(
        "The accident must first be reported to BPJS Ketenagakerjaan by the employer "
        "(or by you if you are self-employed). Report it, then claim."
    ),
}


@dataclass(frozen=True)
class AmountLine:
    label: str
    amount: int


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    blockers: tuple[Blocker, ...]
    earliest_date: datetime.date | None
    documents: tuple[str, ...]
    estimated_amount: int | None
    maximum_amount: int | None = None
    online_allowed: bool = True
    online_limit: int | None = None
    benefit_form: str = ""
    lines: tuple[AmountLine, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def reasons(self) -> list[str]:
        return [blocker.message for blocker in self.blockers]

    @property
    def needs_bank_account(self) -> bool:
        return any(blocker.code == "bank_account_missing" for blocker in self.blockers)

    @property
    def document_labels(self) -> list[str]:
        return [str(DocumentType(code).label) for code in self.documents]


BENEFIT_MONTHLY = "monthly"
BENEFIT_LUMP_SUM = "lump_sum"


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the month lacks moves to the 1st of the next.

    Never earlier than a full month: a wait from 31 January ends on 1 March.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if start.day > calendar.monthrange(year, month)[1]:
        return datetime.date(year + month // 12, month % 12 + 1, 1)
    return datetime.date(year, month, start.day)


def add_years(start: datetime.date, years: int) -> datetime.date:
    """Birthdays: someone born on 29 February turns a year older on 1 March."""
    return add_months(start, 12 * years)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from `start` to `end` (9 years 11 months and 30 days is 119)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """`days` working days (Monday to Friday) after `start`; public holidays not counted."""
    current = start
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def stmb_amount(*, monthly_wage: int, months: int, rules: ClaimRuleSet) -> int:
    """Temporary incapacity pay (STMB): full wage for the first months, then a share."""
    full = min(months, rules.jkk_stmb_full_months)
    after = max(months - rules.jkk_stmb_full_months, 0)
    return (
        monthly_wage * full * rules.jkk_stmb_full_percent
        + monthly_wage * after * rules.jkk_stmb_after_percent
    ) // 100


def jp_monthly_pension(*, contribution_months: int, average_annual_wage: int) -> int:
    """First-year pension: 1 % x years contributed x average indexed annual wage / 12."""
    return contribution_months * average_annual_wage // (100 * 12 * 12)


def documents_for(claim_type: ClaimType) -> tuple[str, ...]:
    return BASE_DOCUMENTS + REQUIRED_DOCUMENTS[(claim_type.program, claim_type.reason)]


def check_eligibility(
    *, request: ClaimRequest, facts: ClaimFacts, rules: ClaimRuleSet
) -> Eligibility:
    """Decide one claim: every blocking reason, the earliest date, documents and amount."""
    claim_type = request.claim_type
    blockers: list[Blocker] = []
    earliest = facts.on_date

    def not_before(day: datetime.date, code: str, **params) -> None:
        nonlocal earliest
        if day > facts.on_date:
            blockers.append(Blocker(code, {"date": day, **params}))
            earliest = max(earliest, day)

    if facts.category not in PROGRAM_CATEGORIES[claim_type.program]:
        blockers.append(Blocker("program_not_in_category", {"category": facts.category}))
    if claim_type.filed_by_heir and not request.filed_by_heir:
        blockers.append(Blocker("heir_required"))
    event_date = request.event_date
    if claim_type.needs_event_date and event_date is None:
        blockers.append(Blocker("event_date_missing"))

    # The payout goes to the participant's verified account; an heir's account is checked at
    # the branch counter where an heir files.
    if not request.filed_by_heir and not facts.bank_account_verified:
        blockers.append(Blocker("bank_account_missing"))

    decide = _PROGRAM_RULES[claim_type.program]
    amount = decide(request, facts, rules, blockers, not_before)

    if claim_type.needs_event_date and event_date and event_date > facts.on_date:
        if not any(blocker.code in _DATED_CODES for blocker in blockers):
            not_before(event_date, "not_yet_happened")
    online_allowed = True
    online_limit = None
    if claim_type.program == Program.JHT:
        online_limit = rules.jht_online_limit
        online_allowed = facts.jht_balance <= rules.jht_online_limit
    eligible = not blockers
    dated_only = all(blocker.code in _DATED_CODES | _TODO_CODES for blocker in blockers)
    return Eligibility(
        eligible=eligible,
        blockers=tuple(blockers),
        earliest_date=earliest if (eligible or dated_only) else None,
        documents=documents_for(claim_type),
        online_allowed=online_allowed,
        online_limit=online_limit,
        **amount,
    )


# Blockers the participant clears themselves at any time: they do not hide the earliest date.
_TODO_CODES = {"bank_account_missing"}

# Blockers that only wait for a date: the earliest date is known when these are all there is.
_DATED_CODES = {
    "before_retirement_age",
    "waiting_period",
    "not_yet_happened",
    "partial_membership_too_short",
    "before_pension_age",
}


def _jht(request, facts, rules, blockers, not_before) -> dict:
    reason = request.claim_type.reason
    event_date = request.event_date
    if reason == Reason.RETIREMENT_AGE:
        age = request.contract_retirement_age or rules.jht_retirement_age
        not_before(add_years(facts.birth_date, age), "before_retirement_age", age=age)
    elif reason in (Reason.RESIGNATION, Reason.TERMINATION):
        if facts.membership_active:
            blockers.append(Blocker("membership_still_active"))
        if event_date:
            not_before(
                add_months(event_date, rules.jht_waiting_months),
                "waiting_period",
                months=rules.jht_waiting_months,
            )
    elif reason == Reason.CONTRACT_END:
        if facts.membership_active:
            blockers.append(Blocker("membership_still_active"))
        if event_date:
            not_before(event_date + datetime.timedelta(days=1), "not_yet_happened")
    elif request.claim_type.kind == Kind.PARTIAL:
        return _jht_partial(request, facts, rules, blockers, not_before)
    return {
        "estimated_amount": facts.jht_balance,
        "lines": (AmountLine(str(_("JHT balance")), facts.jht_balance),),
    }


def _jht_partial(request, facts, rules, blockers, not_before) -> dict:
    if facts.partial_jht_taken:
        blockers.append(Blocker("partial_already_taken"))
    if facts.membership_start is None:
        blockers.append(Blocker("no_membership"))
    else:
        months = rules.jht_partial_min_membership_months
        not_before(
            add_months(facts.membership_start, months),
            "partial_membership_too_short",
            years=months // 12,
        )
    percent = (
        rules.jht_partial_housing_percent
        if request.claim_type.reason == Reason.HOUSING
        else rules.jht_partial_other_percent
    )
    maximum = facts.jht_balance * percent // 100
    requested = request.requested_amount
    if requested is not None and requested > maximum:
        blockers.append(
            Blocker("partial_amount_above_maximum", {"amount": requested, "maximum": maximum})
        )
    estimated = maximum if requested is None else min(requested, maximum)
    return {
        "estimated_amount": estimated,
        "maximum_amount": maximum,
        "lines": (
            AmountLine(str(_("JHT balance")), facts.jht_balance),
            AmountLine(str(_("Most you can withdraw (%(percent)s %%)") % {"percent": percent}),
                       maximum),
        ),
    }  # fmt: skip


def _jp(request, facts, rules, blockers, not_before) -> dict:
    reason = request.claim_type.reason
    months = facts.contribution_months
    if reason == Reason.PENSION_AGE:
        not_before(
            add_years(facts.birth_date, facts.pension_age),
            "before_pension_age",
            age=facts.pension_age,
        )
        monthly = months >= rules.jp_monthly_min_contribution_months
    else:
        # Survivors (and, UNCONFIRMED, disability) are paid as if 15 years were done when the
        # membership lasted a year with 80 % density (Permenaker 29/2015 Art. 26).
        monthly = months >= rules.jp_monthly_min_contribution_months or (
            facts.membership_start is not None
            and months_between(facts.membership_start, request.event_date or facts.on_date)
            >= rules.jp_survivor_min_membership_months
            and facts.contribution_density_percent >= rules.jp_survivor_min_density_percent
        )
        months = max(months, rules.jp_monthly_min_contribution_months) if monthly else months
    if not monthly:
        return {
            "benefit_form": BENEFIT_LUMP_SUM,
            "estimated_amount": facts.jp_balance,
            "lines": (AmountLine(str(_("Contributions plus returns, paid at once")),
                                 facts.jp_balance),),
        }  # fmt: skip
    estimate = None
    lines = ()
    if facts.jp_average_annual_wage:
        estimate = jp_monthly_pension(
            contribution_months=months, average_annual_wage=facts.jp_average_annual_wage
        )
        lines = (AmountLine(str(_("Monthly pension, first year")), estimate),)
    return {"benefit_form": BENEFIT_MONTHLY, "estimated_amount": estimate, "lines": lines}


def _jkm(request, facts, rules, blockers, not_before) -> dict:
    if not facts.membership_active:
        blockers.append(Blocker("membership_not_active"))
    lines = (
        AmountLine(str(_("Death benefit")), rules.jkm_death_benefit),
        AmountLine(str(_("Periodic benefit (24 months, paid at once)")),
                   rules.jkm_periodic_benefit),
        AmountLine(str(_("Funeral costs")), rules.jkm_funeral_benefit),
    )  # fmt: skip
    notes = ()
    if facts.contribution_months >= rules.jkm_scholarship_min_contribution_months:
        notes = (
            str(
                _(
                    "Scholarship: up to %(children)s children, at most %(amount)s per child, "
                    "claimed each school year."
                )
                % {
                    "children": rules.jkm_scholarship_max_children,
                    "amount": format_rupiah(rules.jkm_scholarship_per_child),
                }
            ),
        )
    return {
        "estimated_amount": sum(line.amount for line in lines),
        "lines": lines,
        "notes": notes,
    }


def _jkk(request, facts, rules, blockers, not_before) -> dict:
    if not request.accident_reported:
        blockers.append(Blocker("accident_not_reported"))
    notes = [str(_("Medical care is paid as needed, with no cost ceiling."))]
    if facts.monthly_wage:
        notes.append(
            str(
                _(
                    "Pay while unable to work (STMB): %(full)s a month for the first "
                    "%(months)s months, then %(after)s a month until you recover."
                )
                % {
                    "full": format_rupiah(facts.monthly_wage * rules.jkk_stmb_full_percent // 100),
                    "months": rules.jkk_stmb_full_months,
                    "after": format_rupiah(
                        facts.monthly_wage * rules.jkk_stmb_after_percent // 100
                    ),
                }
            )
        )
    return {"estimated_amount": None, "notes": tuple(notes)}


_PROGRAM_RULES = {Program.JHT: _jht, Program.JP: _jp, Program.JKM: _jkm, Program.JKK: _jkk}
