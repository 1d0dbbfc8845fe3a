"""The membership rules against DOMAIN.md's worked cases, on the rows the data migration seeds."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants import rules
from participants.rules import ContributionInput, RuleInputError
from participants.selectors import rules_load

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def seeded():
    return rules_load()


def amounts(result):
    return {p.program: (p.employer, p.worker, p.total) for p in result.programs}


def calc(seeded, **kwargs):
    return rules.contribution_calculate(seeded, ContributionInput(**kwargs))


# --- who may join what --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "on", "expected"),
    [
        ("PPU", D(2024, 1, 1), {"JKK", "JKM", "JHT", "JP", "JKP"}),
        ("PPU", D(2021, 2, 1), {"JKK", "JKM", "JHT", "JP"}),  # the day before JKP began
        ("PPU", D(2021, 2, 2), {"JKK", "JKM", "JHT", "JP", "JKP"}),
        ("BPU", D(2024, 1, 1), {"JKK", "JKM", "JHT"}),
        ("JAKON", D(2024, 1, 1), {"JKK", "JKM"}),
        ("PMI", D(2024, 1, 1), {"JKK", "JKM", "JHT"}),
    ],
)
def test_programs_by_category(seeded, category, on, expected):
    assert set(rules.programs_for(seeded, category, on)) == expected


def test_jht_is_optional_for_bpu_and_pmi_mandatory_for_ppu(seeded):
    on = D(2025, 6, 1)
    assert rules.programs_for(seeded, "BPU", on)["JHT"] == "optional"
    assert rules.programs_for(seeded, "PMI", on)["JHT"] == "optional"
    assert rules.programs_for(seeded, "PPU", on)["JHT"] == "mandatory"


# --- PPU --------------------------------------------------------------------------------------


def test_ppu_five_million_wage_risk_class_one(seeded):
    result = calc(seeded, category="PPU", on_date=D(2024, 6, 1), monthly_wage=5_000_000,
                  jkk_risk_class=1)  # fmt: skip
    assert amounts(result) == {
        "JKK": (12_000, 0, 12_000),  # 0.24 %
        "JKM": (15_000, 0, 15_000),  # 0.30 %
        "JHT": (185_000, 100_000, 285_000),  # 3.7 % + 2 %
        "JP": (100_000, 50_000, 150_000),  # 2 % + 1 %, under the cap
        "JKP": (0, 0, 0),  # funded by the government and recomposition
    }
    assert result.total == 462_000


@pytest.mark.parametrize(
    ("risk", "jkk"), [(1, 24_000), (2, 54_000), (3, 89_000), (4, 127_000), (5, 174_000)]
)
def test_ppu_jkk_by_risk_class(seeded, risk, jkk):
    result = calc(seeded, category="PPU", on_date=D(2024, 6, 1), monthly_wage=10_000_000,
                  jkk_risk_class=risk)  # fmt: skip
    assert amounts(result)["JKK"] == (jkk, 0, jkk)


def test_jp_on_a_wage_above_the_cap_uses_the_cap(seeded):
    """2024 cap Rp10,042,300: 2 % = 200,846 employer and 1 % = 100,423 worker."""
    result = calc(seeded, category="PPU", on_date=D(2024, 6, 1), monthly_wage=20_000_000,
                  jkk_risk_class=1)  # fmt: skip
    assert amounts(result)["JP"] == (200_846, 100_423, 301_269)
    assert amounts(result)["JHT"] == (740_000, 400_000, 1_140_000)  # JHT has no cap


@pytest.mark.parametrize(
    ("on", "cap"),
    [
        (D(2023, 2, 28), 9_077_600),
        (D(2023, 3, 1), 9_559_600),  # the cap changes between two years, in March
        (D(2024, 2, 29), 9_559_600),
        (D(2024, 3, 1), 10_042_300),
        (D(2015, 7, 1), 7_000_000),
    ],
)
def test_jp_cap_boundary_dates(seeded, on, cap):
    result = calc(seeded, category="PPU", on_date=on, monthly_wage=50_000_000, jkk_risk_class=1)
    employer, worker, _ = amounts(result)["JP"]
    assert employer == rules.percent_of(cap, Decimal(2))
    assert worker == rules.percent_of(cap, Decimal(1))


def test_jkp_funding_changes_on_7_february_2025(seeded):
    """PP 6/2025 drops the 0.10 % JKM part: 0.46 % -> 0.36 % of the wage, still no charge."""
    before = calc(seeded, category="PPU", on_date=D(2025, 2, 6), monthly_wage=5_000_000,
                  jkk_risk_class=1)  # fmt: skip
    after = calc(seeded, category="PPU", on_date=D(2025, 2, 7), monthly_wage=5_000_000,
                 jkk_risk_class=1)  # fmt: skip
    jkp_before = next(p for p in before.programs if p.program == "JKP")
    jkp_after = next(p for p in after.programs if p.program == "JKP")
    assert (jkp_before.government, jkp_before.recomposed) == (11_000, 12_000)  # 0.22 + 0.24
    assert (jkp_after.government, jkp_after.recomposed) == (11_000, 7_000)  # 0.22 + 0.14
    assert jkp_before.total == jkp_after.total == 0
    assert before.total == after.total  # employers and workers pay the same


def test_rounding_is_half_up_per_share(seeded):
    """0.24 % of 1,234,567 = 2,962.96 -> 2,963; 2 % of the same = 24,691.34 -> 24,691."""
    result = calc(seeded, category="PPU", on_date=D(2024, 6, 1), monthly_wage=1_234_567,
                  jkk_risk_class=1)  # fmt: skip
    assert amounts(result)["JKK"][0] == 2_963
    assert amounts(result)["JHT"][1] == 24_691
    assert rules.rupiah(Decimal("0.5")) == 1
    assert rules.rupiah(Decimal("2.49")) == 2


def test_ppu_needs_wage_and_risk_class(seeded):
    with pytest.raises(RuleInputError) as caught:
        calc(seeded, category="PPU", on_date=D(2024, 6, 1))
    assert set(caught.value.errors) == {"monthly_wage", "jkk_risk_class"}
    with pytest.raises(RuleInputError) as caught:
        calc(seeded, category="PPU", on_date=D(2024, 6, 1), monthly_wage=-1, jkk_risk_class=6)
    assert set(caught.value.errors) == {"monthly_wage", "jkk_risk_class"}


def test_dates_before_the_rules_are_refused(seeded):
    with pytest.raises(RuleInputError) as caught:
        calc(seeded, category="PPU", on_date=D(2015, 6, 30), monthly_wage=1, jkk_risk_class=1)
    assert list(caught.value.errors) == ["on_date"]


# --- JKK relief (PP 7/2025, PP 36/2025) ------------------------------------------------------

# DOMAIN.md §2.1 [S10]: each risk class's JKK rate halved for eligible employers.
RELIEVED_RATES = [(1, "0.24", "0.12"), (2, "0.54", "0.27"), (3, "0.89", "0.445"),
                  (4, "1.27", "0.635"), (5, "1.74", "0.87")]  # fmt: skip
WAGE = 10_000_000


def jkk(seeded, on, risk, *, relief=True, category="PPU"):
    extra = {"jkk_risk_class": risk} if category == "PPU" else {}
    result = calc(seeded, category=category, on_date=on, monthly_wage=WAGE, jkk_relief=relief,
                  **extra)  # fmt: skip
    return amounts(result)["JKK"]


@pytest.mark.parametrize(("risk", "full", "halved"), RELIEVED_RATES)
@pytest.mark.parametrize(
    ("on", "relieved"),
    [
        (D(2025, 1, 1), False),  # the month before PP 7/2025
        (D(2025, 2, 1), True),  # its first month
        (D(2025, 7, 1), True),  # PP 7/2025's last month
        (D(2025, 8, 1), True),  # PP 36/2025's first month
        (D(2026, 1, 1), True),  # the last month PP 36/2025 covers
        (D(2026, 1, 31), True),
        (D(2026, 2, 1), False),  # full rate again
    ],
)
def test_jkk_relief_halves_every_risk_class_from_february_2025_to_january_2026(
    seeded, risk, full, halved, on, relieved
):
    rate = Decimal(halved if relieved else full)
    expected = rules.percent_of(WAGE, rate)
    assert jkk(seeded, on, risk) == (expected, 0, expected)


@pytest.mark.parametrize(("risk", "full", "halved"), RELIEVED_RATES)
def test_an_employer_without_the_relief_pays_the_full_jkk_rate(seeded, risk, full, halved):
    expected = rules.percent_of(WAGE, Decimal(full))
    assert jkk(seeded, D(2025, 3, 1), risk, relief=False) == (expected, 0, expected)


def test_jkk_relief_leaves_the_other_programs_alone(seeded):
    on = D(2025, 3, 1)
    relieved = amounts(calc(seeded, category="PPU", on_date=on, monthly_wage=WAGE,
                            jkk_risk_class=3, jkk_relief=True))  # fmt: skip
    full = amounts(calc(seeded, category="PPU", on_date=on, monthly_wage=WAGE, jkk_risk_class=3))
    assert relieved.pop("JKK") == (44_500, 0, 44_500)
    assert full.pop("JKK") == (89_000, 0, 89_000)
    assert relieved == full


def test_jkk_relief_is_for_wage_earners_only(seeded):
    """Jakon projects are not among PP 7/2025's industries: the flag changes nothing."""
    assert jkk(seeded, D(2025, 3, 1), None, category="JAKON") == (174_000, 0, 174_000)


def test_relieved_jkk_is_rounded_once_on_the_relieved_rate(seeded):
    """Rp1,000,300 at 0.445 % is Rp4,451.335: Rp4,451, not half of the rounded Rp8,903."""
    result = calc(seeded, category="PPU", on_date=D(2025, 3, 1), monthly_wage=1_000_300,
                  jkk_risk_class=3, jkk_relief=True)  # fmt: skip
    assert amounts(result)["JKK"] == (4_451, 0, 4_451)
    assert result.programs[0].discount_percent == Decimal(50)


def test_jkk_relief_comes_from_the_rows_passed_in():
    """Pure: no relief row, no cut; a row's own dates and percentage are what count."""
    rate = rules.RateRow(D(2015, 7, 1), None, "PPU", "JKK", 1, Decimal("0.24"), Decimal(0))
    row = rules.JkkReliefRow(D(2030, 1, 1), D(2030, 1, 31), Decimal(25), unconfirmed=True)
    base = rules.Rules(rates=(rate,), memberships=(
        rules.MembershipRow(D(2015, 7, 1), None, "PPU", "JKK", "mandatory"),))  # fmt: skip
    with_row = rules.Rules(rates=base.rates, memberships=base.memberships, jkk_reliefs=(row,))
    data = ContributionInput("PPU", D(2030, 1, 1), monthly_wage=WAGE, jkk_risk_class=1,
                             jkk_relief=True)  # fmt: skip
    assert rules.contribution_calculate(base, data).programs[0].employer == 24_000
    result = rules.contribution_calculate(with_row, data)
    assert (result.programs[0].employer, result.unconfirmed) == (18_000, True)
    later = ContributionInput("PPU", D(2030, 2, 1), monthly_wage=WAGE, jkk_risk_class=1,
                              jkk_relief=True)  # fmt: skip
    assert rules.contribution_calculate(with_row, later).programs[0].employer == 24_000


# --- BPU --------------------------------------------------------------------------------------


def test_bpu_cheapest_package_and_with_jht(seeded):
    base = calc(seeded, category="BPU", on_date=D(2025, 3, 1), monthly_wage=1_000_000)
    assert amounts(base) == {"JKK": (0, 10_000, 10_000), "JKM": (0, 6_800, 6_800)}
    assert base.total == 16_800
    with_jht = calc(seeded, category="BPU", on_date=D(2025, 3, 1), monthly_wage=1_000_000,
                    include_jht=True)  # fmt: skip
    assert amounts(with_jht)["JHT"] == (0, 20_000, 20_000)
    assert with_jht.total == 36_800


@pytest.mark.parametrize(
    ("income", "jkk"), [(500_000, 10_000), (3_500_000, 35_000), (20_700_000, 207_000),
                        (50_000_000, 207_000)],
)  # fmt: skip
def test_bpu_jkk_is_one_percent_between_minimum_and_maximum(seeded, income, jkk):
    result = calc(seeded, category="BPU", on_date=D(2025, 3, 1), monthly_wage=income)
    assert amounts(result)["JKK"] == (0, jkk, jkk)


# --- Jakon ------------------------------------------------------------------------------------


def test_jakon_850_million_project(seeded):
    """DOMAIN.md §2.3: JKK 210,000 + 680,000 + 455,000 and JKM 30,000 + 80,000 + 70,000."""
    result = calc(seeded, category="JAKON", on_date=D(2024, 1, 1), project_value=850_000_000)
    assert amounts(result) == {"JKK": (1_345_000, 0, 1_345_000), "JKM": (180_000, 0, 180_000)}


@pytest.mark.parametrize(
    ("value", "jkk", "jkm"),
    [
        (100_000_000, 210_000, 30_000),
        (1_000_000_000, 1_540_000, 210_000),
        (6_000_000_000, 1_540_000 + 4_400_000 + 900_000, 210_000 + 400_000 + 100_000),
    ],
)
def test_jakon_tier_edges(seeded, value, jkk, jkm):
    result = calc(seeded, category="JAKON", on_date=D(2024, 1, 1), project_value=value)
    assert amounts(result)["JKK"][0] == jkk
    assert amounts(result)["JKM"][0] == jkm


def test_jakon_with_known_wage(seeded):
    result = calc(seeded, category="JAKON", on_date=D(2024, 1, 1), monthly_wage=4_000_000)
    assert amounts(result) == {"JKK": (69_600, 0, 69_600), "JKM": (12_000, 0, 12_000)}


def test_jakon_needs_exactly_one_base(seeded):
    with pytest.raises(RuleInputError) as caught:
        calc(seeded, category="JAKON", on_date=D(2024, 1, 1))
    assert list(caught.value.errors) == ["project_value"]
    with pytest.raises(RuleInputError):
        calc(seeded, category="JAKON", on_date=D(2024, 1, 1), project_value=1, monthly_wage=1)


# --- PMI --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "months", "fee"),
    [
        ("pre_departure", None, 37_500),
        ("placement", 6, 108_000),
        ("placement", 12, 189_000),
        ("placement", 24, 332_500),
        ("placement", 3, 108_000),  # shorter contracts buy the 6-month package
        ("placement", 7, 121_500),  # 6 months + 1 x 13,500
        ("placement", 20, 297_000),  # 12 months + 8 x 13,500, cheaper than the 24-month package
        ("placement", 23, 332_500),  # 12 + 11 x 13,500 = 337,500: the 24-month package is cheaper
        ("placement", 26, 359_500),  # 24 months + 2 x 13,500
    ],
)
def test_pmi_fees(seeded, phase, months, fee):
    result = calc(seeded, category="PMI", on_date=D(2024, 1, 1), pmi_phase=phase,
                  contract_months=months)  # fmt: skip
    assert amounts(result) == {"JKK_JKM": (0, fee, fee)}


def test_pmi_optional_jht_from_the_list(seeded):
    result = calc(seeded, category="PMI", on_date=D(2024, 1, 1), pmi_phase="placement",
                  contract_months=24, include_jht=True, jht_amount=200_000)  # fmt: skip
    assert amounts(result)["JHT"] == (0, 200_000, 200_000)
    assert result.total == 532_500
    with pytest.raises(RuleInputError) as caught:
        calc(seeded, category="PMI", on_date=D(2024, 1, 1), pmi_phase="placement",
             contract_months=24, include_jht=True, jht_amount=150_000)  # fmt: skip
    assert list(caught.value.errors) == ["jht_amount"]


def test_pmi_needs_phase_and_contract_length(seeded):
    with pytest.raises(RuleInputError) as caught:
        calc(seeded, category="PMI", on_date=D(2024, 1, 1))
    assert list(caught.value.errors) == ["pmi_phase"]
    with pytest.raises(RuleInputError) as caught:
        calc(seeded, category="PMI", on_date=D(2024, 1, 1), pmi_phase="placement")
    assert list(caught.value.errors) == ["contract_months"]


def test_pmi_amounts_start_with_permenaker_4_2023(seeded):
    with pytest.raises(RuleInputError):
        calc(seeded, category="PMI", on_date=D(2023, 3, 31), pmi_phase="pre_departure")


# --- pension ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "age"),
    [(2015, 56), (2018, 56), (2019, 57), (2021, 57), (2022, 58), (2024, 58), (2025, 59),
     (2027, 59), (2028, 60), (2031, 61), (2034, 62), (2037, 63), (2040, 64), (2042, 64),
     (2043, 65), (2060, 65)],
)  # fmt: skip
def test_pension_age_by_year(seeded, year, age):
    assert rules.pension_age(seeded, year) == age


def test_pension_age_before_the_program_is_refused(seeded):
    with pytest.raises(RuleInputError) as caught:
        rules.pension_age(seeded, 2014)
    assert list(caught.value.errors) == ["year"]


@pytest.mark.parametrize(("months", "kind"), [(179, "lump_sum"), (180, "monthly_pension")])
def test_jp_monthly_pension_needs_180_months(seeded, months, kind):
    assert rules.jp_benefit_kind(seeded, D(2030, 1, 1), months) == kind


# --- JHT projection ---------------------------------------------------------------------------


def test_jht_projection_year_by_year(seeded):
    rows = rules.jht_projection(
        seeded, on_date=D(2025, 1, 1), balance=10_000_000, monthly_wage=5_000_000, years=2,
        annual_return=Decimal(6),
    )  # fmt: skip
    # 12 x 5.7 % x 5,000,000 = 3,420,000; returns 6 % x (10,000,000 + 1,710,000) = 702,600
    assert rows[0] == rules.ProjectionYear(1, 10_000_000, 3_420_000, 702_600, 14_122_600)
    assert rows[1].opening == rows[0].closing
    assert rows[1].returns == rules.rupiah(Decimal(14_122_600 + 1_710_000) * 6 / 100)


def test_jht_projection_refuses_impossible_inputs(seeded):
    with pytest.raises(RuleInputError) as caught:
        rules.jht_projection(seeded, on_date=D(2025, 1, 1), balance=-1, monthly_wage=1,
                             years=0, annual_return=Decimal(99))  # fmt: skip
    assert set(caught.value.errors) == {"balance", "years", "annual_return"}


# --- properties -------------------------------------------------------------------------------

dates = st.dates(min_value=D(2015, 7, 1), max_value=D(2045, 12, 31))
money = st.integers(min_value=1, max_value=10_000_000_000)


@st.composite
def contribution_inputs(draw):
    category = draw(st.sampled_from(rules.CATEGORIES))
    on = draw(dates)
    if category == "PPU":
        return ContributionInput(category, on, monthly_wage=draw(money),
                                 jkk_risk_class=draw(st.integers(1, 5)),
                                 jkk_relief=draw(st.booleans()))  # fmt: skip
    if category == "BPU":
        return ContributionInput(category, on, monthly_wage=draw(money),
                                 include_jht=draw(st.booleans()))  # fmt: skip
    if category == "JAKON":
        if draw(st.booleans()):
            return ContributionInput(category, on, monthly_wage=draw(money))
        return ContributionInput(category, on, project_value=draw(money))
    on = draw(st.dates(min_value=D(2023, 4, 1), max_value=D(2045, 12, 31)))
    include_jht = draw(st.booleans())
    return ContributionInput(
        category, on,
        pmi_phase=draw(st.sampled_from(["pre_departure", "placement"])),
        contract_months=draw(st.integers(1, 120)),
        include_jht=include_jht,
        jht_amount=draw(st.sampled_from([50_000, 100_000, 600_000])) if include_jht else None,
    )  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=contribution_inputs())
def test_every_amount_is_whole_non_negative_and_shares_add_up(seeded, data):
    result = rules.contribution_calculate(seeded, data)
    assert result.programs
    for program in result.programs:
        for value in (program.employer, program.worker, program.total, program.government):
            assert isinstance(value, int)
            assert value >= 0
        assert program.employer + program.worker == program.total
    assert result.total == sum(program.total for program in result.programs)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(low=st.integers(1, 12_000_000_000), step=st.integers(0, 1_000_000_000))
def test_jakon_contribution_never_falls_as_the_project_grows(seeded, low, step):
    on = D(2024, 1, 1)
    jkk_high, jkm_high = rules.jakon_tiered(seeded, on, low + step)
    jkk_low, jkm_low = rules.jakon_tiered(seeded, on, low)
    assert jkk_high >= jkk_low
    assert jkm_high >= jkm_low
