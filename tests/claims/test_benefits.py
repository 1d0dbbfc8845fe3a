"""Benefit amounts and eligibility, worked by hand from the regulation text (issue 19).

Each case names its article. Figures marked UNCONFIRMED in DOMAIN.md (or in the seed
migration `claims/migrations/0007_seed_benefit_rules.py`) are tested as the rule rows say,
not as settled law: the rows carry `unconfirmed=True`.
"""

import ast
import datetime
import inspect

import pytest
from django.utils import translation

from claims import rules as rules_module
from claims.choices import Program, Reason
from claims.rules import (
    BENEFIT_LUMP_SUM,
    BENEFIT_MONTHLY,
    BenefitTables,
    ScholarshipLevel,
    consecutive_months_before,
    jp_indexed_average_wage,
    jp_lump_sum,
    jp_monthly_pension,
    membership_and_density,
)
from tests.claims.test_rules import RULES, check, codes

D = datetime.date
SCHOLARSHIP = (
    ScholarshipLevel("tk", 1_500_000, 2),
    ScholarshipLevel("sd", 1_500_000, 6),
    ScholarshipLevel("smp", 2_000_000, 3),
    ScholarshipLevel("sma", 3_000_000, 3),
    ScholarshipLevel("pt", 12_000_000, 5),
)
TABLES = BenefitTables(
    scholarship=SCHOLARSHIP,
    disability_percent={"thumb_right": 15, "arm_right_shoulder": 40},
)


# -- JP: the lump sum under 15 years (UU SJSN Art. 41; PP 45/2015) ------------------------


def test_jp_lump_sum_credits_each_finished_year_at_its_declared_rate():
    """2023: 3,000,000 paid, 6 % -> +180,000 = 3,180,000. 2024: +3,600,000 = 6,780,000,
    5 % -> +339,000 = 7,119,000. 2025: +3,600,000, no declared rate: no credit.
    Contributions 10,200,000, returns 519,000."""
    assert jp_lump_sum(
        contributions_by_year={2023: 3_000_000, 2024: 3_600_000, 2025: 3_600_000},
        return_bp={2023: 600, 2024: 500},
        on_date=D(2026, 1, 14),
    ) == (10_200_000, 519_000)


def test_jp_lump_sum_the_current_year_earns_nothing_yet():
    assert jp_lump_sum(
        contributions_by_year={2026: 300_000}, return_bp={2026: 600}, on_date=D(2026, 6, 1)
    ) == (300_000, 0)


@pytest.mark.parametrize(
    ("months", "form", "amount"),
    [
        # UU SJSN Art. 41(5)-(6), PP 45/2015 Art. 19: 180 months or more -> monthly.
        (179, BENEFIT_LUMP_SUM, 7_119_000 + 519_000),
        (180, BENEFIT_MONTHLY, 750_000),  # 1 % × 180/12 × 60,000,000 / 12
    ],
)
def test_jp_at_pension_age_exactly_180_months(months, form, amount):
    result = check(
        Program.JP, Reason.PENSION_AGE, on_date=D(2026, 6, 1), birth_date=D(1967, 6, 1),
        pension_age=59, contribution_months=months, jp_contributions=7_119_000,
        jp_returns=519_000, jp_average_monthly_wage=5_000_000,
    )  # fmt: skip
    assert (result.benefit_form, result.estimated_amount) == (form, amount)


def test_jp_lump_sum_shows_contributions_returns_and_their_sum():
    with translation.override("en"):
        result = check(
            Program.JP, Reason.PENSION_AGE, contribution_months=71,
            jp_contributions=10_200_000, jp_returns=519_000,
        )  # fmt: skip
    assert [line.amount for line in result.lines] == [10_200_000, 519_000, 10_719_000]
    assert result.lines[-1].basis == "Rp10.200.000 + Rp519.000"


@pytest.mark.parametrize(
    ("on_date", "eligible"),
    # PP 45/2015 Art. 15: born 1 June 1967, pension age 59 -> from 1 June 2026.
    [(D(2026, 5, 31), False), (D(2026, 6, 1), True), (D(2026, 6, 2), True)],
)
def test_jp_the_day_before_on_and_after_pension_age(on_date, eligible):
    result = check(
        Program.JP, Reason.PENSION_AGE, on_date=on_date, birth_date=D(1967, 6, 1),
        pension_age=59, contribution_months=60, jp_contributions=5_000_000,
    )  # fmt: skip
    assert result.eligible is eligible
    assert result.estimated_amount == 5_000_000


# -- JP: the monthly formula, floor and ceiling (PP 45/2015 Art. 17-18) -----------------


@pytest.mark.parametrize(
    ("months", "wage", "formula", "paid"),
    [
        (180, 5_000_000, 750_000, 750_000),  # 1 % × 180/12 × 60 jt / 12
        (180, 2_000_000, 300_000, 393_500),  # under the 2024 floor (DOMAIN.md §4)
        (360, 20_000_000, 6_000_000, 4_598_100),  # above the 2023 ceiling (2024 UNCONFIRMED)
        (213, 6_500_000, 1_153_750, 1_153_750),  # 213 × 6,500,000 / 1200
    ],
)
def test_jp_old_age_formula_floor_and_ceiling(months, wage, formula, paid):
    assert jp_monthly_pension(contribution_months=months, average_monthly_wage=wage) == formula
    result = check(
        Program.JP, Reason.PENSION_AGE, birth_date=D(1960, 1, 1), pension_age=56,
        contribution_months=months, jp_average_monthly_wage=wage,
    )  # fmt: skip
    assert result.estimated_amount == paid
    assert result.lines[0].basis.startswith(f"1 % × {months}/12 × ")


def test_jp_average_wage_is_capped_and_indexed_by_inflation():
    """PP 45/2015 Art. 17(3), 29: December 2023 wage 10,000,000 capped at 9,559,600, carried by
    2023 (2.61 %) and 2024 (1.57 %) inflation: 9,559,600 × 1.0261 × 1.0157 = 9,963,108.517;
    June 2024 wage 5,000,000 × 1.0157 = 5,078,500. Average 7,520,804.258 -> 7,520,804."""
    assert (
        jp_indexed_average_wage(
            wages=[(D(2023, 12, 1), 10_000_000), (D(2024, 6, 1), 5_000_000)],
            caps=[(D(2023, 3, 1), D(2024, 2, 29), 9_559_600), (D(2024, 3, 1), None, 10_042_300)],
            inflation_bp={2023: 261, 2024: 157},
            on_date=D(2025, 3, 1),
        )
        == 7_520_804
    )


def test_jp_average_wage_without_any_reported_wage_is_unknown():
    assert (
        jp_indexed_average_wage(wages=[], caps=[], inflation_bp={}, on_date=D(2025, 1, 1)) is None
    )


# -- JP: survivors and disability (Permenaker 29/2015 Art. 26; PP 45/2015 Art. 20-23) ----


def test_jp_survivors_get_the_widow_child_and_parent_shares_of_the_15_year_pension():
    """24 months, 24 months' membership, 100 % density: counted as 180 months,
    1 % × 180/12 × 60 jt / 12 = 750,000. Widow 50 % = 375,000; each child 50 % = 375,000;
    a parent 20 % = 150,000 (percentages UNCONFIRMED rows)."""
    with translation.override("en"):
        result = check(
            Program.JP, Reason.DEATH, request={"event_date": D(2026, 1, 1), "filed_by_heir": True},
            contribution_months=24, jp_membership_months=24, contribution_density_percent=100,
            jp_average_monthly_wage=5_000_000,
        )  # fmt: skip
    assert result.benefit_form == BENEFIT_MONTHLY
    assert [line.amount for line in result.lines] == [750_000, 375_000, 375_000, 150_000]
    assert "(counted as 15 years)" in result.lines[0].basis
    assert "(at most 2, until age 23)" in result.lines[2].label
    assert result.estimated_amount == 375_000


@pytest.mark.parametrize(("density", "form"), [(79, BENEFIT_LUMP_SUM), (80, BENEFIT_MONTHLY)])
def test_jp_disability_density_79_or_80_percent(density, form):
    result = check(
        Program.JP, Reason.PERMANENT_DISABILITY, request={"event_date": D(2026, 1, 1)},
        contribution_months=40, jp_membership_months=50, contribution_density_percent=density,
        jp_contributions=4_000_000, jp_average_monthly_wage=5_000_000,
    )  # fmt: skip
    assert result.benefit_form == form
    assert result.estimated_amount == (750_000 if form == BENEFIT_MONTHLY else 4_000_000)


# -- JKM per category (PP 82/2019; Permenaker 4/2023) ------------------------------------


@pytest.mark.parametrize(
    ("category", "work_period", "total"),
    [
        ("PMI", True, 85_000_000),  # Permenaker 4/2023: death during the work period
        ("PMI", False, 42_000_000),  # before or after it
        ("PPU", True, 42_000_000),  # the flag means nothing outside PMI
    ],
)
def test_jkm_for_a_migrant_worker_depends_on_the_phase(category, work_period, total):
    result = check(
        Program.JKM, Reason.DEATH, category=category, membership_active=True,
        request={"event_date": D(2026, 1, 1), "filed_by_heir": True,
                 "pmi_work_period": work_period},
    )  # fmt: skip
    assert result.estimated_amount == total


@pytest.mark.parametrize(("jkm_months", "scholarship"), [(35, False), (36, True)])
def test_jkm_scholarship_counts_jkm_months_of_a_bpu_member(jkm_months, scholarship):
    """PP 82/2019: 3 years of JKM contributions, in any category; a BPU member has no JP
    months at all."""
    result = check(
        Program.JKM, Reason.DEATH, category="BPU", membership_active=True,
        request={"event_date": D(2026, 1, 1), "filed_by_heir": True},
        contribution_months=0, jkm_months=jkm_months, tables=TABLES,
    )  # fmt: skip
    assert bool(result.schedule) is scholarship
    if scholarship:
        # TK 2 × 1.5 jt + SD 6 × 1.5 jt + SMP 3 × 2 jt + SMA 3 × 3 jt + PT 5 × 12 jt = 87 jt.
        assert sum(level.total for level in result.schedule) == 87_000_000
        assert [level.years for level in result.schedule] == [2, 6, 3, 3, 5]


# -- JKK (PP 44/2015 as amended by PP 82/2019, Lampiran III) -----------------------------


def jkk(**request):
    with translation.override("en"):
        return check(
            Program.JKK, Reason.WORK_ACCIDENT, monthly_wage=5_000_000, tables=TABLES,
            request={"event_date": D(2026, 1, 5), "accident_reported": True, **request},
        )  # fmt: skip


@pytest.mark.parametrize(
    ("months", "total", "basis"),
    [
        (12, 60_000_000, "12 × Rp5.000.000 + 0 × Rp2.500.000"),  # 100 % for 12 months
        (13, 62_500_000, "12 × Rp5.000.000 + 1 × Rp2.500.000"),  # then 50 %
    ],
)
def test_jkk_stmb_12_and_13_months(months, total, basis):
    line = next(line for line in jkk(stmb_months=months).lines if "in all" in line.label)
    assert (line.amount, line.basis) == (total, basis)


def test_jkk_partial_disability_total_disability_and_death():
    """Right thumb 15 % × 80 × 5 jt = 60 jt; total 70 % × 80 × 5 jt = 280 jt (UNCONFIRMED
    row); death 48 × 5 jt = 240 jt, plus 12 jt periodic and 10 jt funeral."""
    amounts = {
        line.label: (line.amount, line.basis) for line in jkk(disability_code="thumb_right").lines
    }
    assert amounts["Permanent partial disability: right thumb"] == (
        60_000_000,
        "15 % × 80 × Rp5.000.000",
    )
    assert amounts["Total permanent disability, at once"] == (
        280_000_000,
        "70 % × 80 × Rp5.000.000",
    )
    assert amounts["Death from the accident: benefit"] == (240_000_000, "48 × Rp5.000.000")
    assert amounts["Death from the accident: periodic benefit"][0] == 12_000_000
    assert amounts["Death from the accident: funeral costs"][0] == 10_000_000


def test_jkk_without_a_reported_wage_gives_no_amounts():
    with translation.override("en"):
        result = check(
            Program.JKK, Reason.WORK_ACCIDENT, monthly_wage=None,
            request={"event_date": D(2026, 1, 5), "accident_reported": True},
        )  # fmt: skip
    assert result.lines == ()
    assert any("No reported wage" in note for note in result.notes)


# -- JHT corrections (Permenaker 4/2022) -------------------------------------------------


@pytest.mark.parametrize(
    ("nationality", "expected"),
    # Art. 12(1): leaving Indonesia for good is paid to foreign nationals only.
    [("WNA", []), ("WNI", ["leaving_indonesia_foreign_only"])],
)
def test_jht_leaving_indonesia_for_foreign_nationals_only(nationality, expected):
    assert codes(check(Program.JHT, Reason.LEAVING_INDONESIA, nationality=nationality)) == expected


@pytest.mark.parametrize(
    ("contract_age", "on_date", "eligible"),
    # Art. 6(1)(a): a retirement age set by the work contract; born 1 June 1971.
    [(None, D(2026, 6, 1), False), (55, D(2026, 5, 31), False), (55, D(2026, 6, 1), True)],
)
def test_jht_contract_retirement_age(contract_age, on_date, eligible):
    result = check(
        Program.JHT, Reason.RETIREMENT_AGE, on_date=on_date, birth_date=D(1971, 6, 1),
        request={"contract_retirement_age": contract_age},
    )  # fmt: skip
    assert result.eligible is eligible


@pytest.mark.parametrize(
    ("category", "on_date", "expected"),
    [
        ("BPU", D(2026, 1, 1), ["not_yet_happened"]),  # stopped on 1 January: from the 2nd
        ("BPU", D(2026, 1, 2), []),
        ("PPU", D(2026, 1, 2), ["bpu_only"]),
    ],
)
def test_jht_bpu_stopped_working(category, on_date, expected):
    result = check(
        Program.JHT, Reason.STOPPED_WORKING, category=category, on_date=on_date,
        request={"event_date": D(2026, 1, 1)},
    )  # fmt: skip
    assert codes(result) == expected


# -- JKP (PP 37/2021 as amended by PP 6/2025) --------------------------------------------


def months_paid(first: datetime.date, count: int) -> tuple[datetime.date, ...]:
    return tuple(D(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
                 for i in range(count))  # fmt: skip


def jkp(**overrides):
    values = {
        "category": "PPU", "membership_active": False, "monthly_wage": 7_000_000,
        "birth_date": D(1990, 1, 1), "jkp_registered_on": D(2023, 1, 1),
        "jkp_months": months_paid(D(2023, 1, 1), 36),
    }  # fmt: skip
    request = {"event_date": D(2026, 1, 10)}
    return check(Program.JKP, Reason.TERMINATION, request=request, **{**values, **overrides})


def test_jkp_pays_60_percent_of_the_capped_wage_for_6_months():
    """PP 6/2025 Art. 21: wage 7 jt capped at 5 jt; 60 % = 3 jt a month, 6 months = 18 jt."""
    result = jkp()
    assert result.eligible is True
    assert result.estimated_amount == 18_000_000
    assert result.lines[0].basis == "60 % × Rp5.000.000"


def test_jkp_under_pp_37_2021_paid_45_then_25_percent():
    """PP 37/2021 Art. 21 (until 6 Feb 2025): 45 % × 5 jt × 3 + 25 % × 5 jt × 3 = 10.5 jt."""
    from dataclasses import replace

    old = replace(RULES, jkp_first_months=3, jkp_first_percent=45, jkp_later_percent=25)
    result = check(
        Program.JKP, Reason.TERMINATION, rules=old, request={"event_date": D(2024, 6, 1)},
        category="PPU", monthly_wage=7_000_000, jkp_months=months_paid(D(2022, 1, 1), 29),
    )  # fmt: skip
    assert [line.amount for line in result.lines] == [2_250_000, 1_250_000, 10_500_000]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"category": "BPU"}, ["program_not_in_category"]),  # PP 37/2021 Art. 2
        ({"nationality": "WNA"}, ["jkp_citizens_only"]),  # PP 6/2025 Art. 4
        ({"membership_active": True}, ["membership_still_active"]),
        ({"birth_date": D(1969, 1, 1)}, ["jkp_registered_too_old"]),  # 54 on 1 Jan 2023
        ({"birth_date": D(1969, 1, 2)}, []),  # still 53 on registration
        # PP 37/2021 Art. 19(3) (UNCONFIRMED in 6/2025): 12 of 24 months, 6 in a row.
        ({"jkp_months": months_paid(D(2025, 2, 1), 11)}, ["jkp_too_few_months"]),
        ({"jkp_months": months_paid(D(2025, 1, 1), 12)}, []),
        (
            {"jkp_months": months_paid(D(2024, 1, 1), 12) + months_paid(D(2025, 8, 1), 5)},
            ["jkp_not_consecutive"],
        ),  # fmt: skip
    ],
)
def test_jkp_eligibility(overrides, expected):
    assert codes(jkp(**overrides)) == expected


def test_consecutive_months_count_back_from_the_phk_month():
    months = months_paid(D(2025, 7, 1), 6)  # July - December 2025
    assert consecutive_months_before(months, D(2026, 1, 10)) == 6
    assert consecutive_months_before(months, D(2025, 12, 31)) == 6
    assert consecutive_months_before(months, D(2026, 3, 1)) == 0


# -- purity --------------------------------------------------------------------------------


def test_the_rules_module_reads_no_database_and_no_clock():
    """claims/rules.py takes dates and rows in: no ORM, no models, no today()."""
    source = inspect.getsource(rules_module)
    imported = {
        node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not {name for name in imported if name.startswith("django.db") or "models" in name}
    for call in ("today()", "now()", "localdate("):
        assert call not in source


@pytest.mark.parametrize(
    ("died_on", "form"),
    [
        # January 2024 - June 2025 paid: 18 of 18 months up to a death in June 2025.
        (D(2025, 6, 15), BENEFIT_MONTHLY),
        # The same months, a death in January 2026: 18 of 25 months = 72 %.
        (D(2026, 1, 10), BENEFIT_LUMP_SUM),
    ],
)
def test_jp_survivors_density_is_counted_up_to_the_death_not_the_check(died_on, form):
    """Permenaker 29/2015 Art. 26: checked on 14 January 2026, months after a death in June
    2025 are not missed contributions."""
    paid = tuple(D(2024 + i // 12, i % 12 + 1, 1) for i in range(18))
    result = check(
        Program.JP, Reason.DEATH, request={"event_date": died_on, "filed_by_heir": True},
        contribution_months=18, jp_paid_months=paid, jp_contributions=2_000_000,
        jp_average_monthly_wage=5_000_000,
    )  # fmt: skip
    assert result.benefit_form == form


def test_membership_and_density_edges():
    months = (D(2025, 1, 1), D(2025, 2, 1), D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1))
    assert membership_and_density(months, D(2025, 6, 30)) == (6, 83)
    assert membership_and_density(months, D(2024, 12, 31)) == (0, 0)
    assert membership_and_density((), D(2025, 6, 30)) == (0, 0)
