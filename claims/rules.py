"""Claim eligibility as pure rules: facts and dated values in, a decision with reasons out.

No ORM and no clock here. The caller passes the date of the check (`ClaimFacts.on_date`),
the participant's facts, the dated values in force on that date (`ClaimRuleSet`, built by
`claims.selectors.claim_rule_set_on`) and the pension age (`claims.inputs`).
Facts: DOMAIN.md §3 (JHT), §4 (JP), §5 (JKM, JKK).
"""

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

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
    ClaimType(Program.JHT, Kind.FULL, Reason.STOPPED_WORKING, needs_event_date=True),
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
    ClaimType(Program.JKP, Kind.FULL, Reason.TERMINATION, needs_event_date=True),
)
CLAIM_TYPES_BY_CODE = {claim_type.code: claim_type for claim_type in CLAIM_TYPES}

# Which categories take part in which program (DOMAIN.md §1; JHT optional for BPU and PMI).
PROGRAM_CATEGORIES = {
    Program.JHT: {"PPU", "BPU", "PMI"},
    Program.JP: {"PPU"},
    Program.JKM: {"PPU", "BPU", "JAKON", "PMI"},
    Program.JKK: {"PPU", "BPU", "JAKON", "PMI"},
    # JKP: wage earners in an employment relation only (PP 37/2021 Art. 2; PP 6/2025 Art. 4).
    Program.JKP: {"PPU"},
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
    # A BPU member has no employer to write a letter: DOMAIN.md §3 lists the documents as
    # UNCONFIRMED, so only the base documents are asked for.
    (Program.JHT, Reason.STOPPED_WORKING): (),
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
    (Program.JKP, Reason.TERMINATION): (_D.PHK_PROOF,),
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
    jht_disability_from_next_month: int
    jp_benefit_floor: int
    jp_benefit_ceiling: int
    jp_widow_percent: int
    jp_child_percent: int
    jp_parent_percent: int
    jp_child_max_age: int
    jp_child_max_count: int
    jkm_pmi_work_period_total: int
    jkk_death_wage_multiple: int
    jkk_periodic_benefit: int
    jkk_funeral_benefit: int
    jkk_disability_wage_multiple: int
    jkk_total_disability_percent: int
    jkp_first_months: int
    jkp_first_percent: int
    jkp_later_percent: int
    jkp_benefit_months: int
    jkp_wage_cap: int
    jkp_min_contribution_months: int
    jkp_window_months: int
    jkp_consecutive_months: int
    jkp_max_registration_age: int


@dataclass(frozen=True)
class ScholarshipLevel:
    """One education level of the JKM scholarship (PP 82/2019): an amount a year, for so many
    years."""

    code: str
    amount_per_year: int
    years: int

    @property
    def label(self) -> str:
        return str(SCHOLARSHIP_LEVEL_LABELS.get(self.code, self.code))

    @property
    def total(self) -> int:
        return self.amount_per_year * self.years


SCHOLARSHIP_LEVEL_LABELS = {
    "tk": _("Kindergarten (TK)"),
    "sd": _("Primary school (SD)"),
    "smp": _("Junior high school (SMP)"),
    "sma": _("Senior high school (SMA)"),
    "pt": _("University or job training"),
}


@dataclass(frozen=True)
class BenefitTables:
    """The benefit tables the rules read whole: yearly JP returns and inflation (basis
    points by year), the scholarship schedule and the JKK partial-disability percentages."""

    jp_return_bp: dict = field(default_factory=dict)
    jp_inflation_bp: dict = field(default_factory=dict)
    scholarship: tuple[ScholarshipLevel, ...] = ()
    disability_percent: dict = field(default_factory=dict)


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
    monthly_wage: int | None = None
    partial_jht_taken: bool = False
    nationality: str = "WNI"
    # JP: contributions and the returns credited on them (the lump sum), the months of
    # membership since the first paid month, and the average indexed monthly wage.
    jp_contributions: int = 0
    jp_returns: int = 0
    jp_membership_months: int = 0
    jp_average_monthly_wage: int | None = None
    # The JP months paid (first days): survivors' membership and density are counted up to
    # the death, not to the day of the check.
    jp_paid_months: tuple[datetime.date, ...] = ()
    # JKM months in any category (the scholarship counts these, not JP months).
    jkm_months: int = 0
    # Months with a JHT contribution (JKP members all pay JHT), first days, oldest first.
    jkp_months: tuple[datetime.date, ...] = ()
    jkp_registered_on: datetime.date | None = None
    tables: BenefitTables = field(default_factory=BenefitTables)
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
    # JKM for a migrant worker: the death happened during the work period abroad.
    pmi_work_period: bool = False
    # JKK calculator inputs: months unable to work, and what a partial disability lost.
    stmb_months: int | None = None
    disability_code: str = ""


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
    "leaving_indonesia_foreign_only": _(
        "Leaving Indonesia for good can be claimed only by foreign nationals. Your data says "
        "you are an Indonesian citizen. If that is wrong, update your nationality under "
        "Update my data."
    ),
    "bpu_only": _(
        "This reason is for self-employed (BPU) members only. Employees claim after their "
        "employer reports that they left."
    ),
    "jkp_citizens_only": _("The job-loss benefit (JKP) is for Indonesian citizens only."),
    "jkp_registered_too_old": _(
        "The job-loss benefit (JKP) needs membership that began before age %(age)s."
    ),
    "jkp_too_few_months": _(
        "The job-loss benefit (JKP) needs %(needed)s months of contributions in the "
        "%(window)s months before the PHK; you have %(months)s."
    ),
    "jkp_not_consecutive": _(
        "The job-loss benefit (JKP) needs %(needed)s months paid in a row just before the "
        "PHK; you have %(months)s."
    ),
    "accident_not_reported": _(
        "The accident must first be reported to BPJS Ketenagakerjaan by the employer "
        "(or by you if you are self-employed). Report it, then claim."
    ),
}


@dataclass(frozen=True)
class AmountLine:
    """One figure with its basis in one line ("1 % × 71/12 × Rp6.500.000")."""

    label: str
    amount: int
    basis: str = ""


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
    schedule: tuple[ScholarshipLevel, ...] = ()

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


def jp_monthly_pension(*, contribution_months: int, average_monthly_wage: int) -> int:
    """First-year pension (PP 45/2015 Art. 17(2)): 1 % × months/12 × average annual wage / 12,
    which is months × average monthly wage / 1200, rounded down to the rupiah."""
    return contribution_months * average_monthly_wage // 1200


def jp_clamped(amount: int, rules: ClaimRuleSet) -> int:
    """The monthly pension kept between the dated floor and ceiling."""
    return min(max(amount, rules.jp_benefit_floor), rules.jp_benefit_ceiling)


def jp_lump_sum(
    *, contributions_by_year: dict[int, int], return_bp: dict[int, int], on_date: datetime.date
) -> tuple[int, int]:
    """JP contributions and the returns credited on them (UU SJSN UU SJSN Art. 41, PP 45/2015):
    each finished year's closing balance earns that year's declared return, rounded down;
    the current year earns nothing yet, nor does a year without a declared rate.
    Returns (contributions, returns)."""
    balance = contributions = returns = 0
    for year in sorted(contributions_by_year):
        if year > on_date.year:
            break
        paid = contributions_by_year[year]
        contributions += paid
        balance += paid
        if year < on_date.year and year in return_bp:
            credit = balance * return_bp[year] // 10_000
            returns += credit
            balance += credit
    return contributions, returns


def jp_indexed_average_wage(
    *,
    wages: Sequence[tuple[datetime.date, int]],
    caps: Sequence[tuple[datetime.date, datetime.date | None, int]],
    inflation_bp: dict[int, int],
    on_date: datetime.date,
) -> int | None:
    """The average monthly wage over the contribution months, each month's wage capped at
    the JP wage cap of that month (PP 45/2015 Art. 29) and carried to today's value by the
    general inflation of its year and every later finished year (Art. 17(3)). Months
    without a reported wage are left out; None when there is none."""
    total = Decimal(0)
    counted = 0
    for month, wage in wages:
        cap = next(
            (amount for start, end, amount in caps
             if start <= month and (end is None or month <= end)),
            None,
        )  # fmt: skip
        base = Decimal(min(wage, cap) if cap is not None else wage)
        for year in range(month.year, on_date.year):
            base *= 1 + Decimal(inflation_bp.get(year, 0)) / 10_000
        total += base
        counted += 1
    if not counted:
        return None
    return int((total / counted).to_integral_value(rounding=ROUND_FLOOR))


def jkk_disability_lump_sum(*, monthly_wage: int, percent: int, rules: ClaimRuleSet) -> int:
    """Permanent partial disability: table % × months of wage × wage (PP 44/2015 Lampiran)."""
    return monthly_wage * rules.jkk_disability_wage_multiple * percent // 100


def jkp_cash_benefit(*, monthly_wage: int, rules: ClaimRuleSet) -> tuple[int, int, int]:
    """JKP cash benefit (PP 37/2021 Art. 21 as amended by PP 6/2025): the capped wage and
    the monthly amounts at the first and later rate. Returns (base, first, later)."""
    base = min(monthly_wage, rules.jkp_wage_cap)
    return (
        base,
        base * rules.jkp_first_percent // 100,
        base * rules.jkp_later_percent // 100,
    )


def jkp_offered(*, category: str, nationality: str) -> bool:
    """JKP is for Indonesian citizens in an employment relation (PP 6/2025 Art. 4)."""
    return category in PROGRAM_CATEGORIES[Program.JKP] and nationality == "WNI"


def consecutive_months_before(months: Sequence[datetime.date], day: datetime.date) -> int:
    """Months paid in a row, ending with the month before `day`'s month or `day`'s month."""
    paid = set(months)
    current = day.replace(day=1)
    if current not in paid:
        current = add_months(current, -1)
    count = 0
    while current in paid:
        count += 1
        current = add_months(current, -1)
    return count


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


def _rp(amount: int) -> str:
    return format_rupiah(amount)


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return add_months(day.replace(day=1), 1)


def _jht(request, facts, rules, blockers, not_before) -> dict:
    reason = request.claim_type.reason
    event_date = request.event_date
    if reason == Reason.RETIREMENT_AGE:
        # The work contract, company rules or collective agreement may set the age
        # (Permenaker 4/2022 Art. 6(1)(a)); otherwise the dated default.
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
    elif reason == Reason.STOPPED_WORKING:
        # A BPU member has no employer to report them; the day after they stopped.
        if facts.category != "BPU":
            blockers.append(Blocker("bpu_only"))
        if event_date:
            not_before(event_date + datetime.timedelta(days=1), "not_yet_happened")
    elif reason == Reason.LEAVING_INDONESIA:
        # Permenaker 4/2022 Art. 12(1): foreign nationals only (DOMAIN.md §3, confirmed).
        if facts.nationality != "WNA":
            blockers.append(Blocker("leaving_indonesia_foreign_only"))
    elif reason == Reason.PERMANENT_DISABILITY:
        # Permenaker 2/2022 Art. 7(2): the right counts from the 1st of the month after the
        # certification (a dated rule row; UNCONFIRMED that 4/2022 kept it).
        if event_date and rules.jht_disability_from_next_month:
            not_before(_first_of_next_month(event_date), "not_yet_happened")
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
                       maximum, f"{percent} % × {_rp(facts.jht_balance)}"),
        ),
    }  # fmt: skip


def _jp_lump_sum_result(facts) -> dict:
    total = facts.jp_contributions + facts.jp_returns
    return {
        "benefit_form": BENEFIT_LUMP_SUM,
        "estimated_amount": total,
        "lines": (
            AmountLine(str(_("JP contributions")), facts.jp_contributions,
                       str(_("%(months)s months") % {"months": facts.contribution_months})),
            AmountLine(str(_("Returns on them")), facts.jp_returns,
                       str(_("declared yearly return rates") if facts.jp_returns
                           else _("no yearly return declared yet for these years"))),
            AmountLine(str(_("Contributions plus returns, paid at once")), total,
                       f"{_rp(facts.jp_contributions)} + {_rp(facts.jp_returns)}"),
        ),
    }  # fmt: skip


def membership_and_density(
    months: Sequence[datetime.date], until: datetime.date
) -> tuple[int, int]:
    """Membership months from the first paid month to `until`'s month, both counted
    (membership begins with the first paid contribution, PP 45/2015 Art. 3(2)), and the paid
    share of them in whole percent, rounded down (79.9 % is 79)."""
    first = min(months, default=None)
    if first is None or until < first:
        return 0, 0
    membership = (until.year - first.year) * 12 + until.month - first.month + 1
    paid = sum(1 for month in months if month <= until)
    return membership, paid * 100 // membership


def jp_survivor_qualifies(facts, rules, until: datetime.date) -> bool:
    """Permenaker 29/2015 Art. 26: a death (or disability) before 15 years still pays a
    monthly pension, counted as if 15 years, after a year of membership with 80 % density,
    both counted up to the event."""
    membership, density = (
        membership_and_density(facts.jp_paid_months, until)
        if facts.jp_paid_months
        else (facts.jp_membership_months, facts.contribution_density_percent)
    )
    return (
        membership >= rules.jp_survivor_min_membership_months
        and density >= rules.jp_survivor_min_density_percent
    )


def _jp(request, facts, rules, blockers, not_before) -> dict:
    reason = request.claim_type.reason
    months = facts.contribution_months
    needed = rules.jp_monthly_min_contribution_months
    if reason == Reason.PENSION_AGE:
        not_before(
            add_years(facts.birth_date, facts.pension_age),
            "before_pension_age",
            age=facts.pension_age,
        )
        monthly = months >= needed
    else:
        monthly = months >= needed or jp_survivor_qualifies(
            facts, rules, request.event_date or facts.on_date
        )
    if not monthly:
        return _jp_lump_sum_result(facts)
    counted = max(months, needed)
    wage = facts.jp_average_monthly_wage
    if not wage:
        return {"benefit_form": BENEFIT_MONTHLY, "estimated_amount": None}
    formula = jp_monthly_pension(contribution_months=counted, average_monthly_wage=wage)
    pension = jp_clamped(formula, rules)
    basis = f"1 % × {counted}/12 × {_rp(wage * 12)} / 12"
    if counted > months:
        basis += " " + str(_("(counted as 15 years)"))
    lines = [AmountLine(str(_("Pension formula, first year")), formula, basis)]
    if pension != formula:
        lines.append(
            AmountLine(str(_("Kept between the lowest and highest pension")), pension,
                       f"{_rp(rules.jp_benefit_floor)} – {_rp(rules.jp_benefit_ceiling)}")
        )  # fmt: skip
    estimate = pension
    if reason == Reason.DEATH:
        widow = pension * rules.jp_widow_percent // 100
        child = pension * rules.jp_child_percent // 100
        parent = pension * rules.jp_parent_percent // 100
        lines += [
            AmountLine(str(_("Widow or widower, a month")), widow,
                       f"{rules.jp_widow_percent} % × {_rp(pension)}"),
            AmountLine(
                str(_("Each child (at most %(count)s, until age %(age)s), without a widow or "
                      "widower, a month") % {"count": rules.jp_child_max_count,
                                             "age": rules.jp_child_max_age}),
                child, f"{rules.jp_child_percent} % × {_rp(pension)}"),
            AmountLine(str(_("A parent, without widow, widower or child, a month")), parent,
                       f"{rules.jp_parent_percent} % × {_rp(pension)}"),
        ]  # fmt: skip
        estimate = widow
    return {"benefit_form": BENEFIT_MONTHLY, "estimated_amount": estimate, "lines": tuple(lines)}


def _jkm(request, facts, rules, blockers, not_before) -> dict:
    if not facts.membership_active:
        blockers.append(Blocker("membership_not_active"))
    if facts.category == "PMI" and request.pmi_work_period:
        # Permenaker 4/2023: Rp85 juta when a migrant worker dies during the work period.
        lines = (
            AmountLine(str(_("JKM for a migrant worker who died during the work period")),
                       rules.jkm_pmi_work_period_total, str(_("Permenaker 4/2023"))),
        )  # fmt: skip
    else:
        lines = (
            AmountLine(str(_("Death benefit")), rules.jkm_death_benefit),
            AmountLine(str(_("Periodic benefit (24 months, paid at once)")),
                       rules.jkm_periodic_benefit),
            AmountLine(str(_("Funeral costs")), rules.jkm_funeral_benefit),
        )  # fmt: skip
    notes = ()
    schedule = ()
    # The scholarship counts JKM contribution months in any category (BPU too).
    if facts.jkm_months >= rules.jkm_scholarship_min_contribution_months:
        schedule = facts.tables.scholarship
        notes = (
            str(
                _(
                    "Scholarship: %(months)s months of JKM contributions, so up to "
                    "%(children)s children get it, at most %(amount)s per child, claimed "
                    "each school year."
                )
                % {
                    "months": facts.jkm_months,
                    "children": rules.jkm_scholarship_max_children,
                    "amount": format_rupiah(rules.jkm_scholarship_per_child),
                }
            ),
        )
    return {
        "estimated_amount": sum(line.amount for line in lines),
        "lines": lines,
        "notes": notes,
        "schedule": schedule,
    }


def jkk_lines(
    *,
    monthly_wage: int,
    rules: ClaimRuleSet,
    tables: BenefitTables,
    stmb_months: int | None = None,
    disability_code: str = "",
) -> tuple[AmountLine, ...]:
    """The JKK cash benefits for a wage: STMB, disability and death, each with its basis
    (PP 44/2015 as amended by PP 82/2019, Lampiran III)."""
    wage = monthly_wage
    full = wage * rules.jkk_stmb_full_percent // 100
    after = wage * rules.jkk_stmb_after_percent // 100
    lines = [
        AmountLine(
            str(_("Unable to work (STMB), a month, first %(months)s months")
                % {"months": rules.jkk_stmb_full_months}),
            full, f"{rules.jkk_stmb_full_percent} % × {_rp(wage)}"),
        AmountLine(str(_("Unable to work (STMB), a month, after that")), after,
                   f"{rules.jkk_stmb_after_percent} % × {_rp(wage)}"),
    ]  # fmt: skip
    if stmb_months:
        lines.append(
            AmountLine(
                str(_("Unable to work for %(months)s months, in all") % {"months": stmb_months}),
                stmb_amount(monthly_wage=wage, months=stmb_months, rules=rules),
                f"{min(stmb_months, rules.jkk_stmb_full_months)} × {_rp(full)} + "
                f"{max(stmb_months - rules.jkk_stmb_full_months, 0)} × {_rp(after)}",
            )
        )
    multiple = rules.jkk_disability_wage_multiple
    percent = tables.disability_percent.get(disability_code)
    if percent is not None:
        lines.append(
            AmountLine(
                str(_("Permanent partial disability: %(what)s")
                    % {"what": DISABILITY_LABELS.get(disability_code, disability_code)}),
                jkk_disability_lump_sum(monthly_wage=wage, percent=percent, rules=rules),
                f"{percent} % × {multiple} × {_rp(wage)}")
        )  # fmt: skip
    total_percent = rules.jkk_total_disability_percent
    death = wage * rules.jkk_death_wage_multiple
    lines += [
        AmountLine(str(_("Total permanent disability, at once")),
                   jkk_disability_lump_sum(monthly_wage=wage, percent=total_percent, rules=rules),
                   f"{total_percent} % × {multiple} × {_rp(wage)}"),
        AmountLine(str(_("Death from the accident: benefit")), death,
                   f"{rules.jkk_death_wage_multiple} × {_rp(wage)}"),
        AmountLine(str(_("Death from the accident: periodic benefit")),
                   rules.jkk_periodic_benefit),
        AmountLine(str(_("Death from the accident: funeral costs")), rules.jkk_funeral_benefit),
    ]  # fmt: skip
    return tuple(lines)


DISABILITY_LABELS = {
    "arm_right_shoulder": _("right arm from the shoulder down"),
    "arm_left_shoulder": _("left arm from the shoulder down"),
    "arm_right_elbow": _("right arm from the elbow down"),
    "arm_left_elbow": _("left arm from the elbow down"),
    "hand_right_wrist": _("right hand from the wrist down"),
    "hand_left_wrist": _("left hand from the wrist down"),
    "leg_hip": _("one leg from the hip down"),
    "legs_hip": _("both legs from the hip down"),
    "foot_ankle": _("one foot from the ankle down"),
    "feet_ankle": _("both feet from the ankle down"),
    "eye": _("sight of one eye"),
    "eyes": _("sight of both eyes"),
    "ear": _("hearing of one ear"),
    "ears": _("hearing of both ears"),
    "thumb_right": _("right thumb"),
    "thumb_left": _("left thumb"),
    "index_right": _("right index finger"),
    "index_left": _("left index finger"),
}


def _jkk(request, facts, rules, blockers, not_before) -> dict:
    if not request.accident_reported:
        blockers.append(Blocker("accident_not_reported"))
    notes = [str(_("Medical care is paid as needed, with no cost ceiling."))]
    if not facts.monthly_wage:
        notes.append(str(_("No reported wage yet, so no amounts can be estimated.")))
        return {"estimated_amount": None, "notes": tuple(notes)}
    lines = jkk_lines(
        monthly_wage=facts.monthly_wage, rules=rules, tables=facts.tables,
        stmb_months=request.stmb_months, disability_code=request.disability_code,
    )  # fmt: skip
    return {"estimated_amount": None, "lines": lines, "notes": tuple(notes)}


def _jkp(request, facts, rules, blockers, not_before) -> dict:
    if facts.nationality != "WNI":
        blockers.append(Blocker("jkp_citizens_only"))
    if facts.membership_active:
        blockers.append(Blocker("membership_still_active"))
    registered = facts.jkp_registered_on
    if registered and registered >= add_years(facts.birth_date, rules.jkp_max_registration_age):
        blockers.append(Blocker("jkp_registered_too_old", {"age": rules.jkp_max_registration_age}))
    phk = request.event_date
    if phk:
        window_start = add_months(phk.replace(day=1), -rules.jkp_window_months)
        in_window = sum(1 for month in facts.jkp_months if window_start <= month <= phk)
        if in_window < rules.jkp_min_contribution_months:
            blockers.append(Blocker("jkp_too_few_months", {
                "needed": rules.jkp_min_contribution_months,
                "window": rules.jkp_window_months, "months": in_window}))  # fmt: skip
        in_a_row = consecutive_months_before(facts.jkp_months, phk)
        if in_a_row < rules.jkp_consecutive_months:
            blockers.append(Blocker("jkp_not_consecutive", {
                "needed": rules.jkp_consecutive_months, "months": in_a_row}))  # fmt: skip
    if not facts.monthly_wage:
        return {"estimated_amount": None}
    base, first, later = jkp_cash_benefit(monthly_wage=facts.monthly_wage, rules=rules)
    first_months = min(rules.jkp_first_months, rules.jkp_benefit_months)
    later_months = rules.jkp_benefit_months - first_months
    lines = [
        AmountLine(str(_("Cash benefit, a month, first %(months)s months")
                       % {"months": first_months}), first,
                   f"{rules.jkp_first_percent} % × {_rp(base)}"),
    ]  # fmt: skip
    if later_months:
        lines.append(
            AmountLine(str(_("Cash benefit, a month, next %(months)s months")
                           % {"months": later_months}), later,
                       f"{rules.jkp_later_percent} % × {_rp(base)}")
        )  # fmt: skip
    total = first * first_months + later * later_months
    lines.append(
        AmountLine(str(_("Cash benefit in all")), total,
                   f"{first_months} × {_rp(first)}"
                   + (f" + {later_months} × {_rp(later)}" if later_months else ""))
    )  # fmt: skip
    notes = ()
    if facts.monthly_wage > rules.jkp_wage_cap:
        notes = (str(_("The benefit is computed on at most %(cap)s of the wage.")
                     % {"cap": _rp(rules.jkp_wage_cap)}),)  # fmt: skip
    return {"estimated_amount": total, "lines": tuple(lines), "notes": notes}


_PROGRAM_RULES = {
    Program.JHT: _jht,
    Program.JP: _jp,
    Program.JKM: _jkm,
    Program.JKK: _jkk,
    Program.JKP: _jkp,
}
