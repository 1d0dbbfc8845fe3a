"""Membership and contribution rules: pure functions over dated rule rows.

Nothing here touches the database or the clock. The caller loads the rule rows
(`selectors.rules_load`) and passes the date the answer is wanted for.

Rounding rule: each share (employer, worker, government) is computed exactly in Decimal on
its own and rounded once to whole rupiah, half up (0.5 -> 1). The total is the sum of the
rounded shares, so employer + worker == total always holds. Jakon's marginal tiers are summed
exactly first and rounded once per program. A JKK relief (PP 7/2025) scales the rate before
that one rounding: 0.89 % halved is 0.445 % of the wage, not half of the rounded amount.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from core.errors import RuleInputError
from core.money import format_rupiah

PPU, BPU, JAKON, PMI = "PPU", "BPU", "JAKON", "PMI"
CATEGORIES = (PPU, BPU, JAKON, PMI)
JKK, JKM, JHT, JP, JKP = "JKK", "JKM", "JHT", "JP", "JKP"
PMI_PACKAGE = "JKK_JKM"  # PMI pays one fee for JKK and JKM together; no split is published
PMI_PRE_DEPARTURE, PMI_PLACEMENT = "pre_departure", "placement"
MANDATORY, OPTIONAL = "mandatory", "optional"
MONTHLY_PENSION, LUMP_SUM = "monthly_pension", "lump_sum"


# --- rule rows (plain copies of the database rows) --------------------------------------


@dataclass(frozen=True)
class Dated:
    valid_from: datetime.date
    valid_to: datetime.date | None

    def in_force(self, on: datetime.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True)
class MembershipRow(Dated):
    category: str
    program: str
    membership: str


@dataclass(frozen=True)
class RateRow(Dated):
    category: str
    program: str
    risk_class: int | None
    employer_rate: Decimal
    worker_rate: Decimal
    government_rate: Decimal = Decimal(0)
    recomposed_rate: Decimal = Decimal(0)
    unconfirmed: bool = False


@dataclass(frozen=True)
class AmountRow(Dated):
    key: str
    variant: int
    amount: int
    unconfirmed: bool = False


@dataclass(frozen=True)
class TierRow(Dated):
    lower_bound: int
    upper_bound: int | None
    jkk_rate: Decimal
    jkm_rate: Decimal


@dataclass(frozen=True)
class PensionAgeRow(Dated):
    age: int


@dataclass(frozen=True)
class JkkReliefRow(Dated):
    discount_percent: Decimal
    unconfirmed: bool = False


@dataclass(frozen=True)
class Rules:
    memberships: tuple[MembershipRow, ...] = ()
    rates: tuple[RateRow, ...] = ()
    amounts: tuple[AmountRow, ...] = ()
    tiers: tuple[TierRow, ...] = ()
    pension_ages: tuple[PensionAgeRow, ...] = ()
    jkk_reliefs: tuple[JkkReliefRow, ...] = ()


# --- inputs, outputs, errors -------------------------------------------------------------


@dataclass(frozen=True)
class ContributionInput:
    category: str
    on_date: datetime.date
    monthly_wage: int | None = None
    jkk_risk_class: int | None = None
    include_jht: bool = False
    jht_amount: int | None = None
    project_value: int | None = None
    pmi_phase: str | None = None
    contract_months: int | None = None
    jkk_relief: bool = False  # the employer is flagged eligible for the JKK relief (PPU)


@dataclass(frozen=True)
class ProgramAmount:
    program: str
    employer: int
    worker: int
    government: int = 0
    recomposed: int = 0  # part of the employer's JKK/JKM contribution that funds this program
    discount_percent: Decimal = Decimal(0)  # share of the rate waived by a relief (JKK)

    @property
    def total(self) -> int:
        return self.employer + self.worker


@dataclass(frozen=True)
class ContributionResult:
    programs: tuple[ProgramAmount, ...]
    rules_valid_on: datetime.date
    unconfirmed: bool = False

    @property
    def total(self) -> int:
        return sum(program.total for program in self.programs)


@dataclass(frozen=True)
class ProjectionYear:
    year: int
    opening: int
    contributions: int
    returns: int
    closing: int


@dataclass
class _Errors:
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise RuleInputError(self.errors)


# --- helpers -----------------------------------------------------------------------------


def rupiah(value: Decimal) -> int:
    """Whole rupiah, half up."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(base: int, rate: Decimal) -> int:
    return rupiah(Decimal(base) * rate / Decimal(100))


def _in_force(rows: Iterable[Dated], on: datetime.date) -> list:
    return [row for row in rows if row.in_force(on)]


def _amount(rules: Rules, key: str, on: datetime.date, variant: int = 0) -> AmountRow | None:
    for row in rules.amounts:
        if row.key == key and row.variant == variant and row.in_force(on):
            return row
    return None


def _amounts(rules: Rules, key: str, on: datetime.date) -> list[AmountRow]:
    return sorted(
        (row for row in rules.amounts if row.key == key and row.in_force(on)),
        key=lambda row: (row.variant, row.amount),
    )


def _rate(
    rules: Rules, category: str, program: str, on: datetime.date, risk_class: int | None = None
) -> RateRow | None:
    for row in rules.rates:
        if (
            row.category == category
            and row.program == program
            and row.risk_class == risk_class
            and row.in_force(on)
        ):
            return row
    return None


def jkk_relief_for(rules: Rules, on: datetime.date) -> JkkReliefRow | None:
    """The JKK relief row in force for a contribution month, if any."""
    return next((row for row in rules.jkk_reliefs if row.in_force(on)), None)


def _missing_rule(on: datetime.date) -> RuleInputError:
    return RuleInputError(
        {
            "on_date": [
                _(
                    "No contribution rules are recorded for %(date)s. "
                    "Pick a date from 1 July 2015 on."
                )
                % {"date": on.isoformat()}
            ]
        }
    )


# --- membership --------------------------------------------------------------------------


def programs_for(rules: Rules, category: str, on: datetime.date) -> dict[str, str]:
    """Programs a category may join on a date, each `mandatory` or `optional`."""
    return {
        row.program: row.membership
        for row in _in_force(rules.memberships, on)
        if row.category == category
    }


PROGRAM_ORDER = (JHT, JP, JKK, JKM, JKP)
STATEMENT_FIRST_YEAR = 2015  # the portal's records start in 2015 (BPJS Ketenagakerjaan, PP 46/2015)


def programs_shown(
    rules: Rules, category: str, on: datetime.date, *, enrolled: Iterable[str]
) -> tuple[list[str], bool]:
    """The programs a member's pages list, and whether JHT is one their category may join.

    What the cards are enrolled in when there is any enrolment; otherwise the category's
    mandatory programs on `on` (a new Jakon member is in JKK and JKM, never JHT)."""
    allowed = programs_for(rules, category, on)
    enrolled = set(enrolled)
    chosen = enrolled or {p for p, membership in allowed.items() if membership == MANDATORY}
    return [p for p in PROGRAM_ORDER if p in chosen], JHT in allowed


def statement_years(first_joined: datetime.date | None, today: datetime.date) -> list[int]:
    """Years with an annual JHT statement to offer, newest first: from the year the first
    card joined (not before the records start) to this year; none without a card."""
    if first_joined is None:
        return []
    return list(range(today.year, max(first_joined.year, STATEMENT_FIRST_YEAR) - 1, -1))


# --- contributions -----------------------------------------------------------------------


def contribution_calculate(rules: Rules, data: ContributionInput) -> ContributionResult:
    """The monthly contribution per program for one participant, with who pays what."""
    errors = _Errors()
    if data.category not in CATEGORIES:
        errors.add("category", _("Choose one of PPU, BPU, JAKON or PMI."))
        errors.raise_if_any()
    programs = programs_for(rules, data.category, data.on_date)
    if not programs:
        raise _missing_rule(data.on_date)
    calculate = {PPU: _ppu, BPU: _bpu, JAKON: _jakon, PMI: _pmi}[data.category]
    amounts, unconfirmed = calculate(rules, data, programs, errors)
    errors.raise_if_any()
    return ContributionResult(
        programs=tuple(amounts), rules_valid_on=data.on_date, unconfirmed=unconfirmed
    )


def _positive(errors: _Errors, name: str, value: int | None, message: str) -> bool:
    if value is None:
        errors.add(name, message)
        return False
    if value <= 0:
        errors.add(name, _("Enter an amount above zero, in whole rupiah."))
        return False
    return True


def _ppu(rules, data, programs, errors):
    wage_ok = _positive(
        errors, "monthly_wage", data.monthly_wage, _("Enter the monthly wage in rupiah.")
    )
    if data.jkk_risk_class is None:
        errors.add("jkk_risk_class", _("Choose the employer's JKK risk class, 1 to 5."))
    elif not 1 <= data.jkk_risk_class <= 5:
        errors.add("jkk_risk_class", _("The JKK risk class is a number from 1 to 5."))
    if errors.errors or not wage_ok:
        return [], False
    wage, on = data.monthly_wage, data.on_date
    result, unconfirmed = [], False
    for program in (JKK, JKM, JHT, JP, JKP):
        if program not in programs:
            continue
        risk = data.jkk_risk_class if program == JKK else None
        rate = _rate(rules, PPU, program, on, risk)
        if rate is None:
            raise _missing_rule(on)
        base = wage
        if program == JP:
            cap = _amount(rules, "jp_wage_cap", on)
            if cap is None:
                raise _missing_rule(on)
            base = min(wage, cap.amount)
            unconfirmed |= cap.unconfirmed
        unconfirmed |= rate.unconfirmed
        kept, discount = Decimal(1), Decimal(0)
        relief = jkk_relief_for(rules, on) if program == JKK and data.jkk_relief else None
        if relief is not None:
            discount = relief.discount_percent
            kept = (100 - discount) / 100
            unconfirmed |= relief.unconfirmed
        result.append(
            ProgramAmount(
                program=program,
                employer=percent_of(base, rate.employer_rate * kept),
                worker=percent_of(base, rate.worker_rate * kept),
                government=percent_of(base, rate.government_rate),
                recomposed=percent_of(base, rate.recomposed_rate),
                discount_percent=discount,
            )
        )
    return result, unconfirmed


def _bpu(rules, data, programs, errors):
    if not _positive(
        errors, "monthly_wage", data.monthly_wage, _("Enter your declared monthly income.")
    ):
        return [], False
    on, income = data.on_date, data.monthly_wage
    jkk_rate = _rate(rules, BPU, JKK, on)
    jkm_flat = _amount(rules, "bpu_jkm_flat", on)
    low, high = _amount(rules, "bpu_jkk_min", on), _amount(rules, "bpu_jkk_max", on)
    if None in (jkk_rate, jkm_flat, low, high):
        raise _missing_rule(on)
    jkk = min(max(percent_of(income, jkk_rate.worker_rate), low.amount), high.amount)
    result = [
        ProgramAmount(program=JKK, employer=0, worker=jkk),
        ProgramAmount(program=JKM, employer=0, worker=jkm_flat.amount),
    ]
    if data.include_jht:
        if JHT not in programs:
            errors.add("include_jht", _("JHT is not open to this category on that date."))
            return [], False
        jht_rate = _rate(rules, BPU, JHT, on)
        if jht_rate is None:
            raise _missing_rule(on)
        result.append(
            ProgramAmount(program=JHT, employer=0, worker=percent_of(income, jht_rate.worker_rate))
        )
    return result, False


def _jakon(rules, data, programs, errors):
    on = data.on_date
    if data.monthly_wage is not None and data.project_value is not None:
        errors.add(
            "project_value",
            _("Give either the project value or the known monthly wage, not both."),
        )
        return [], False
    if data.monthly_wage is not None:
        if not _positive(errors, "monthly_wage", data.monthly_wage, ""):
            return [], False
        result = []
        for program in (JKK, JKM):
            rate = _rate(rules, JAKON, program, on)
            if rate is None:
                raise _missing_rule(on)
            result.append(
                ProgramAmount(
                    program=program,
                    employer=percent_of(data.monthly_wage, rate.employer_rate),
                    worker=percent_of(data.monthly_wage, rate.worker_rate),
                )
            )
        return result, False
    if not _positive(
        errors,
        "project_value",
        data.project_value,
        _("Enter the project's contract value (before VAT), or the workers' monthly wage."),
    ):
        return [], False
    jkk, jkm = jakon_tiered(rules, on, data.project_value)
    return [
        ProgramAmount(program=JKK, employer=jkk, worker=0),
        ProgramAmount(program=JKM, employer=jkm, worker=0),
    ], False


def jakon_tiered(rules: Rules, on: datetime.date, project_value: int) -> tuple[int, int]:
    """JKK and JKM on a contract value by marginal tiers, like income tax."""
    tiers = sorted(_in_force(rules.tiers, on), key=lambda tier: tier.lower_bound)
    if not tiers:
        raise _missing_rule(on)
    jkk = jkm = Decimal(0)
    for tier in tiers:
        top = project_value if tier.upper_bound is None else min(project_value, tier.upper_bound)
        part = top - tier.lower_bound
        if part <= 0:
            continue
        jkk += Decimal(part) * tier.jkk_rate / 100
        jkm += Decimal(part) * tier.jkm_rate / 100
    return rupiah(jkk), rupiah(jkm)


def _pmi(rules, data, programs, errors):
    on = data.on_date
    fee = None
    if data.pmi_phase not in (PMI_PRE_DEPARTURE, PMI_PLACEMENT):
        errors.add("pmi_phase", _("Choose pre_departure (before leaving) or placement."))
    elif data.pmi_phase == PMI_PRE_DEPARTURE:
        row = _amount(rules, "pmi_pre_departure", on)
        if row is None:
            raise _missing_rule(on)
        fee = row.amount
    elif data.contract_months is None:
        errors.add("contract_months", _("Enter the length of the work contract in months."))
    elif not 1 <= data.contract_months <= 120:
        errors.add("contract_months", _("The contract length is 1 to 120 months."))
    else:
        fee = pmi_placement_fee(rules, on, data.contract_months)
    jht = None
    if data.include_jht:
        options = [row.amount for row in _amounts(rules, "pmi_jht_option", on)]
        if JHT not in programs or not options:
            errors.add("include_jht", _("JHT is not open to this category on that date."))
        elif data.jht_amount not in options:
            errors.add(
                "jht_amount",
                _("Pick one of these monthly JHT amounts: %(options)s.")
                % {"options": ", ".join(format_rupiah(amount) for amount in options)},
            )
        else:
            jht = data.jht_amount
    if errors.errors or fee is None:
        return [], False
    result = [ProgramAmount(program=PMI_PACKAGE, employer=0, worker=fee)]
    if jht is not None:
        result.append(ProgramAmount(program=JHT, employer=0, worker=jht))
    return result, False


def pmi_placement_fee(rules: Rules, on: datetime.date, months: int) -> int:
    """The cheapest way to cover `months`: a package at least that long, or a shorter
    package plus the per-month fee for each month beyond it (Permenaker 4/2023 Art. 18)."""
    packages = _amounts(rules, "pmi_placement", on)
    extra = _amount(rules, "pmi_extra_month", on)
    if not packages or extra is None:
        raise _missing_rule(on)
    prices = [row.amount for row in packages if row.variant >= months]
    prices += [row.amount + (months - row.variant) * extra.amount for row in packages
               if row.variant < months]  # fmt: skip
    return min(prices)


# --- pension -----------------------------------------------------------------------------


def pension_age(rules: Rules, year: int) -> int:
    """The JP pension age in a calendar year (the row in force on 31 December)."""
    on = datetime.date(year, 12, 31)
    for row in rules.pension_ages:
        if row.in_force(on):
            return row.age
    raise RuleInputError(
        {
            "year": [
                _("No pension age is recorded for %(year)s. Pick 2015 or later.") % {"year": year}
            ]
        }
    )


def jp_benefit_kind(rules: Rules, on: datetime.date, months_contributed: int) -> str:
    """A monthly pension after the minimum months of contributions, else a lump sum."""
    minimum = _amount(rules, "jp_min_months", on)
    if minimum is None:
        raise _missing_rule(on)
    return MONTHLY_PENSION if months_contributed >= minimum.amount else LUMP_SUM


# --- JHT projection ----------------------------------------------------------------------


def jht_projection(
    rules: Rules,
    *,
    on_date: datetime.date,
    balance: int,
    monthly_wage: int,
    years: int,
    annual_return: Decimal,
    wage_growth: Decimal = Decimal(0),
) -> list[ProjectionYear]:
    """Year-by-year JHT balance for a wage earner, at the JHT rate in force on `on_date`.

    Contributions are paid monthly, so a year's returns are earned on the opening balance
    plus half of that year's contributions (mid-year convention). Each figure is rounded to
    whole rupiah as it is computed; the wage grows by `wage_growth` % a year.
    """
    annual_return, wage_growth = Decimal(annual_return), Decimal(wage_growth)
    errors = _Errors()
    if balance < 0:
        errors.add("balance", _("The current balance cannot be negative."))
    if monthly_wage < 0:
        errors.add("monthly_wage", _("Enter a monthly wage of zero or more."))
    if not 1 <= years <= 50:
        errors.add("years", _("Enter between 1 and 50 years."))
    if not Decimal(0) <= annual_return <= Decimal(30):
        errors.add("annual_return", _("Enter an assumed return between 0 and 30 % a year."))
    if not Decimal(0) <= wage_growth <= Decimal(30):
        errors.add("wage_growth", _("Enter a wage growth between 0 and 30 % a year."))
    errors.raise_if_any()
    rate = _rate(rules, PPU, JHT, on_date)
    if rate is None:
        raise _missing_rule(on_date)
    jht_rate = rate.employer_rate + rate.worker_rate
    rows = []
    opening, wage = balance, Decimal(monthly_wage)
    for index in range(1, years + 1):
        contributions = 12 * percent_of(rupiah(wage), jht_rate)
        returns = rupiah((Decimal(opening) + Decimal(contributions) / 2) * annual_return / 100)
        closing = opening + contributions + returns
        rows.append(ProjectionYear(index, opening, contributions, returns, closing))
        opening = closing
        wage = wage * (1 + wage_growth / 100)
    return rows


def returns_credit(balance: int, rate: Decimal) -> int:
    """The annual returns credited on a year-end balance (never negative)."""
    return max(0, percent_of(balance, rate))
