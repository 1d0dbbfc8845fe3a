"""Where the claim rules get facts owned by other apps: one function each, read-only.

The pension age comes from the participants app's dated `PensionAge` table, the JHT balance
from its running-total row (`JhtBalance`, never a ledger sum), the months, contributions and
wages per program from the ledger module (`participants.ledger.ledger_benefit_history`), and
the payout account from the pengkinian data (`BankAccount`). `claim_facts_for` gathers all
of it in five queries.
"""

import datetime
from collections.abc import Sequence

from django.db.models import Exists, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from participants import rules as participant_rules
from participants.ledger import BenefitHistory, ledger_benefit_history
from participants.models import (
    BankAccount,
    JhtBalance,
    KpjCard,
    Participant,
    PensionAge,
    RuleAmount,
)
from participants.models import Program as LedgerProgram
from participants.nik import normalise_name

from .choices import Kind, Program, Status
from .models import BenefitTable, BenefitTableRow
from .rules import (
    BenefitTables,
    ClaimFacts,
    ScholarshipLevel,
    add_years,
    jp_indexed_average_wage,
    jp_lump_sum,
    membership_and_density,
)

PensionAges = Sequence[participant_rules.PensionAgeRow]


def pension_ages_load() -> tuple[participant_rules.PensionAgeRow, ...]:
    """The dated JP pension-age rows (about ten), oldest first, in one query."""
    return tuple(
        participant_rules.PensionAgeRow(**row)
        for row in PensionAge.objects.order_by("valid_from").values("valid_from", "valid_to", "age")
    )


class PensionAgeMissing(LookupError):
    """No pension-age row at all: staff must restore the table in the admin."""


def pension_age_for(on_date: datetime.date, *, ages: PensionAges | None = None) -> int:
    """The JP pension age in force on `on_date`, looked up in the dated table.

    `ages` lets a caller that looks up several dates load the rows once. A date before the
    first row (JP began in July 2015) takes the first row's age, the age the program began
    with; a date after an open-ended last row takes that row.
    """
    rows = pension_ages_load() if ages is None else ages
    if not rows:
        raise PensionAgeMissing("the participants PensionAge table is empty")
    for row in rows:
        if row.in_force(on_date):
            return row.age
    first = min(rows, key=lambda row: row.valid_from)
    if on_date < first.valid_from:
        return first.age
    # A gap between rows, or after a closed last row: the latest row that began before it.
    return max((row for row in rows if row.valid_from <= on_date), key=lambda r: r.valid_from).age


def participant_pension_age(birth_date: datetime.date, *, ages: PensionAges | None = None) -> int:
    """The age at which this person reaches pension age: the first age at or above the
    pension age in force on the day they reach it (born 1966 -> 58, in 2024)."""
    rows = pension_ages_load() if ages is None else ages
    lowest = min(row.age for row in rows) if rows else 0
    highest = max(row.age for row in rows) if rows else 0
    for age in range(lowest, highest + 1):
        if age >= pension_age_for(add_years(birth_date, age), ages=rows):
            return age
    return highest


def _jht_balance_expression():
    """The running JHT balance of the participant in the outer query (0 without a row)."""
    return Coalesce(
        Subquery(JhtBalance.objects.filter(participant=OuterRef("pk")).values("balance")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def jht_balance_for(participant: Participant) -> int:
    """The participant's JHT balance in rupiah, from the running-total row (one query)."""
    balance = (
        JhtBalance.objects.filter(participant=participant).values_list("balance", flat=True).first()
    )
    return balance or 0


def benefit_tables_on(on_date: datetime.date) -> BenefitTables:
    """The benefit tables in one query: the yearly JP rows whole, the schedules in force."""
    jp_return, jp_inflation, scholarship, disability = {}, {}, [], {}
    for row in BenefitTableRow.objects.order_by("valid_from", "pk"):
        if row.table == BenefitTable.JP_RETURN:
            jp_return[int(row.code)] = row.value
        elif row.table == BenefitTable.JP_INFLATION:
            jp_inflation[int(row.code)] = row.value
        elif row.valid_from <= on_date and (row.valid_to is None or on_date <= row.valid_to):
            if row.table == BenefitTable.JKM_SCHOLARSHIP:
                scholarship.append(ScholarshipLevel(row.code, row.value, row.count))
            elif row.table == BenefitTable.JKK_DISABILITY:
                disability[row.code] = row.value
    return BenefitTables(
        jp_return_bp=jp_return,
        jp_inflation_bp=jp_inflation,
        scholarship=tuple(scholarship),
        disability_percent=disability,
    )


def _jp_wage_caps() -> list[tuple]:
    """The dated JP wage caps (participants' RuleAmount rows), in one query."""
    return list(
        RuleAmount.objects.filter(key=RuleAmount.Key.JP_WAGE_CAP, variant=0)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "amount")
    )


def benefit_facts(
    *, history: BenefitHistory, tables: BenefitTables, caps: list, on_date: datetime.date
) -> dict:
    """The ClaimFacts fields computed from the ledger history (pure)."""
    jp = history.program(LedgerProgram.JP)
    by_year: dict[int, int] = {}
    for month in jp.months:
        by_year[month.month.year] = by_year.get(month.month.year, 0) + month.amount
    contributions, returns = jp_lump_sum(
        contributions_by_year=by_year, return_bp=tables.jp_return_bp, on_date=on_date
    )
    jht = history.program(LedgerProgram.JHT)
    paid = tuple(m.month for m in jp.months)
    membership, density = membership_and_density(paid, on_date)
    return {
        "contribution_months": jp.count,
        "contribution_density_percent": density,
        "jp_membership_months": membership,
        "jp_contributions": contributions,
        "jp_returns": returns,
        "jp_paid_months": paid,
        "jp_average_monthly_wage": jp_indexed_average_wage(
            wages=[(m.month, m.wage) for m in jp.months if m.wage],
            caps=caps,
            inflation_bp=tables.jp_inflation_bp,
            on_date=on_date,
        ),
        "jkm_months": history.program(LedgerProgram.JKM).count,
        "jkp_months": tuple(m.month for m in jht.months),
        "jkp_registered_on": jht.first_month,
        "monthly_wage": history.last_wage,
        "tables": tables,
    }


def claim_facts_for(*, participant: Participant, on_date: datetime.date) -> ClaimFacts:
    """Gather the rule inputs for one participant in five queries, whatever the history.

    One query on the participant row carries the membership period and status (from the KPJ
    cards), the running JHT balance and whether a partial JHT withdrawal was already
    approved or paid, each as a subquery; then the pension-age table, the contribution
    months per program (`participants.ledger.ledger_benefit_history`), the benefit tables
    and the JP wage caps.
    """
    from .models import Claim

    # An employer's link the member has not confirmed adds nothing to the membership period.
    cards = KpjCard.objects.confirmed().filter(participant=OuterRef("pk")).order_by()
    row = (
        Participant.objects.filter(pk=participant.pk)
        .annotate(
            membership_start=Subquery(
                cards.values("participant").annotate(first=Min("joined_on")).values("first")[:1]
            ),
            membership_active=Exists(cards.filter(status=KpjCard.Status.ACTIVE)),
            fact_jht_balance=_jht_balance_expression(),
            bank_account_name=Subquery(
                BankAccount.objects.filter(participant=OuterRef("pk")).values("account_name")[:1]
            ),
            partial_taken=Exists(
                Claim.objects.filter(
                    Q(status=Status.APPROVED) | Q(status=Status.PAID),
                    participant=OuterRef("pk"),
                    program=Program.JHT,
                    kind=Kind.PARTIAL,
                )
            ),
        )
        .values(
            "membership_start",
            "membership_active",
            "fact_jht_balance",
            "partial_taken",
            "bank_account_name",
        )  # fmt: skip
        .get()
    )
    ages = pension_ages_load()
    ledger = benefit_facts(
        history=ledger_benefit_history(participant_id=participant.pk),
        tables=benefit_tables_on(on_date),
        caps=_jp_wage_caps(),
        on_date=on_date,
    )
    return ClaimFacts(
        on_date=on_date,
        category=participant.category,
        birth_date=participant.birth_date,
        pension_age=participant_pension_age(participant.birth_date, ages=ages),
        membership_start=row["membership_start"],
        membership_active=row["membership_active"],
        nationality=participant.nationality,
        jht_balance=row["fact_jht_balance"],
        partial_jht_taken=row["partial_taken"],
        bank_account_verified=payout_account_matches(
            participant=participant, account_name=row["bank_account_name"]
        ),
        **ledger,
    )


def payout_account_matches(*, participant: Participant, account_name: str | None) -> bool:
    """The pengkinian account counts as verified while it is in the participant's own name.

    The name was checked when the account was saved; a later name correction can make them
    differ, and then the account must be updated before a claim pays into it.
    """
    return bool(account_name) and normalise_name(account_name) == normalise_name(
        participant.full_name
    )
