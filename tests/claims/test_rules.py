"""Table tests for the pure claim rules: every reason and boundary, no database."""

import datetime

import pytest
from django.utils import translation

from claims.choices import DocumentType, Program, Reason
from claims.rules import (
    BENEFIT_LUMP_SUM,
    BENEFIT_MONTHLY,
    BLOCKER_MESSAGES,
    CLAIM_TYPES,
    CLAIM_TYPES_BY_CODE,
    Blocker,
    ClaimFacts,
    ClaimRequest,
    ClaimRuleSet,
    add_months,
    add_working_days,
    add_years,
    check_eligibility,
    months_between,
    stmb_amount,
)
from core.money import format_rupiah

D = datetime.date
RULES = ClaimRuleSet(
    jht_online_limit=15_000_000,
    jht_retirement_age=56,
    jht_waiting_months=1,
    jht_partial_min_membership_months=120,
    jht_partial_housing_percent=30,
    jht_partial_other_percent=10,
    jp_monthly_min_contribution_months=180,
    jp_survivor_min_membership_months=12,
    jp_survivor_min_density_percent=80,
    jkm_death_benefit=20_000_000,
    jkm_periodic_benefit=12_000_000,
    jkm_funeral_benefit=10_000_000,
    jkm_scholarship_min_contribution_months=36,
    jkm_scholarship_per_child=87_000_000,
    jkm_scholarship_max_children=2,
    jkk_stmb_full_months=12,
    jkk_stmb_full_percent=100,
    jkk_stmb_after_percent=50,
    processing_working_days=5,
    jht_disability_from_next_month=1,
    jp_benefit_floor=393_500,
    jp_benefit_ceiling=4_598_100,
    jp_widow_percent=50,
    jp_child_percent=50,
    jp_parent_percent=20,
    jp_child_max_age=23,
    jp_child_max_count=2,
    jkm_pmi_work_period_total=85_000_000,
    jkk_death_wage_multiple=48,
    jkk_periodic_benefit=12_000_000,
    jkk_funeral_benefit=10_000_000,
    jkk_disability_wage_multiple=80,
    jkk_total_disability_percent=70,
    jkp_first_months=6,
    jkp_first_percent=60,
    jkp_later_percent=0,
    jkp_benefit_months=6,
    jkp_wage_cap=5_000_000,
    jkp_min_contribution_months=12,
    jkp_window_months=24,
    jkp_consecutive_months=6,
    jkp_max_registration_age=54,
)


def claim_type(program, reason):
    return next(t for t in CLAIM_TYPES if t.program == program and t.reason == reason)


def facts(**overrides):
    values = {
        "on_date": D(2026, 1, 14),
        "category": "PPU",
        "birth_date": D(1980, 6, 1),
        "pension_age": 60,
        "membership_start": D(2010, 1, 1),
        "membership_active": False,
        "contribution_months": 120,
        "jht_balance": 8_000_000,
        "bank_account_verified": True,
    }
    return ClaimFacts(**{**values, **overrides})


def check(program, reason, *, rules=RULES, request=None, **fact_overrides):
    request = {**(request or {})}
    return check_eligibility(
        request=ClaimRequest(claim_type=claim_type(program, reason), **request),
        facts=facts(**fact_overrides),
        rules=rules,
    )


def codes(eligibility):
    return [blocker.code for blocker in eligibility.blockers]


# -- JHT full -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_date", "eligible"),
    [(D(2026, 3, 9), False), (D(2026, 3, 10), True), (D(2027, 1, 1), True)],
)
def test_jht_retirement_age_starts_on_the_56th_birthday(on_date, eligible):
    result = check(Program.JHT, Reason.RETIREMENT_AGE, on_date=on_date, birth_date=D(1970, 3, 10))
    assert result.eligible is eligible
    assert result.earliest_date == max(on_date, D(2026, 3, 10))
    assert codes(result) == ([] if eligible else ["before_retirement_age"])


def test_jht_retirement_age_from_the_contract_overrides_56():
    result = check(
        Program.JHT,
        Reason.RETIREMENT_AGE,
        request={"contract_retirement_age": 55},
        on_date=D(2025, 3, 10),
        birth_date=D(1970, 3, 10),
    )
    assert result.eligible is True


@pytest.mark.parametrize("reason", [Reason.RESIGNATION, Reason.TERMINATION])
@pytest.mark.parametrize(
    ("on_date", "eligible"),
    [(D(2026, 1, 13), False), (D(2026, 1, 14), True)],  # the waiting month's last and next day
)
def test_jht_resignation_and_termination_wait_one_month(reason, on_date, eligible):
    result = check(Program.JHT, reason, request={"event_date": D(2025, 12, 14)}, on_date=on_date)
    assert result.eligible is eligible
    assert result.earliest_date == D(2026, 1, 14)
    assert codes(result) == ([] if eligible else ["waiting_period"])


def test_waiting_period_reason_names_the_date_in_indonesian():
    result = check(
        Program.JHT, Reason.RESIGNATION, request={"event_date": D(2025, 12, 14)},
        on_date=D(2026, 1, 2),
    )  # fmt: skip
    with translation.override("id"):
        assert "14 Januari 2026" in result.reasons[0]
    with translation.override("en"):
        assert "14 January 2026" in result.reasons[0]


def test_waiting_month_from_the_31st_ends_on_the_first_of_the_month_after_next():
    result = check(
        Program.JHT, Reason.RESIGNATION, request={"event_date": D(2026, 1, 31)},
        on_date=D(2026, 2, 28),
    )  # fmt: skip
    assert result.earliest_date == D(2026, 3, 1)
    assert result.eligible is False


@pytest.mark.parametrize("reason", [Reason.RESIGNATION, Reason.TERMINATION, Reason.CONTRACT_END])
def test_still_active_membership_blocks_leaving_reasons_with_no_date(reason):
    result = check(
        Program.JHT, reason, request={"event_date": D(2025, 11, 1)}, membership_active=True
    )
    assert codes(result) == ["membership_still_active"]
    assert result.earliest_date is None


@pytest.mark.parametrize(("on_date", "eligible"), [(D(2025, 12, 31), False), (D(2026, 1, 1), True)])
def test_jht_contract_end_is_payable_after_the_last_day(on_date, eligible):
    result = check(
        Program.JHT, Reason.CONTRACT_END, request={"event_date": D(2025, 12, 31)}, on_date=on_date
    )
    assert result.eligible is eligible


def test_jht_leaving_indonesia_is_possible_any_time_with_passport():
    result = check(Program.JHT, Reason.LEAVING_INDONESIA, nationality="WNA")
    assert result.eligible is True
    assert DocumentType.PASSPORT in result.documents
    assert DocumentType.NOT_WORKING_IN_INDONESIA in result.documents


@pytest.mark.parametrize(
    ("on_date", "eligible"),
    # Permenaker 2/2022 Art. 7(2): from the 1st of the month after certification.
    [(D(2026, 1, 10), False), (D(2026, 1, 31), False), (D(2026, 2, 1), True)],
)
def test_jht_permanent_disability_from_the_first_of_the_next_month(on_date, eligible):
    result = check(
        Program.JHT, Reason.PERMANENT_DISABILITY, request={"event_date": D(2026, 1, 10)},
        on_date=on_date,
    )  # fmt: skip
    assert result.eligible is eligible
    assert DocumentType.DOCTOR_LETTER in result.documents


@pytest.mark.parametrize(("heir", "eligible"), [(False, False), (True, True)])
def test_jht_death_is_claimed_by_an_heir(heir, eligible):
    result = check(
        Program.JHT, Reason.DEATH, request={"event_date": D(2026, 1, 1), "filed_by_heir": heir}
    )
    assert result.eligible is eligible
    assert codes(result) == ([] if eligible else ["heir_required"])
    for document in ("death_certificate", "heir_certificate", "heir_ktp", "family_card"):
        assert document in result.documents


@pytest.mark.parametrize(
    ("reason", "documents"),
    [
        (Reason.RETIREMENT_AGE, {"kpj_card", "ktp", "bank_book"}),
        (Reason.RESIGNATION, {"kpj_card", "ktp", "bank_book", "resignation_letter"}),
        (Reason.TERMINATION, {"kpj_card", "ktp", "bank_book", "phk_proof"}),
    ],
)
def test_documents_follow_the_reason(reason, documents):
    result = check(Program.JHT, reason, request={"event_date": D(2025, 1, 1)})
    assert set(result.documents) == documents


def test_missing_event_date_is_a_reason_without_a_date():
    result = check(Program.JHT, Reason.RESIGNATION)
    assert codes(result) == ["event_date_missing"]
    assert result.earliest_date is None


def test_jht_full_estimate_is_the_balance():
    result = check(Program.JHT, Reason.LEAVING_INDONESIA, jht_balance=12_345_678, nationality="WNA")
    assert result.estimated_amount == 12_345_678


@pytest.mark.parametrize(
    ("balance", "online"), [(15_000_000, True), (15_000_001, False), (0, True)]
)
def test_jht_online_limit_is_inclusive(balance, online):
    result = check(Program.JHT, Reason.LEAVING_INDONESIA, jht_balance=balance, nationality="WNA")
    assert result.online_allowed is online
    assert result.eligible is True  # eligible, but the claim finishes at a branch


# -- JHT partial ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_date", "eligible"),
    [(D(2026, 1, 31), False), (D(2026, 2, 1), True)],  # 9 years 11 months vs 10 years
)
def test_jht_partial_needs_ten_years_membership(on_date, eligible):
    result = check(
        Program.JHT, Reason.HOUSING, on_date=on_date, membership_start=D(2016, 2, 1),
        membership_active=True,
    )  # fmt: skip
    assert result.eligible is eligible
    assert result.earliest_date == D(2026, 2, 1)
    assert codes(result) == ([] if eligible else ["partial_membership_too_short"])


@pytest.mark.parametrize(
    ("reason", "maximum"),
    [(Reason.HOUSING, 30_000_000), (Reason.RETIREMENT_PREPARATION, 10_000_000)],
)
def test_jht_partial_maximum_is_a_share_of_the_balance(reason, maximum):
    result = check(Program.JHT, reason, jht_balance=100_000_000)
    assert result.maximum_amount == maximum
    assert result.estimated_amount == maximum


@pytest.mark.parametrize(
    ("requested", "eligible", "estimate"),
    [(30_000_000, True, 30_000_000), (30_000_001, False, 30_000_000), (5_000_000, True, 5_000_000)],
)
def test_jht_partial_requested_amount_up_to_the_maximum(requested, eligible, estimate):
    result = check(
        Program.JHT,
        Reason.HOUSING,
        request={"requested_amount": requested},
        jht_balance=100_000_000,
    )
    assert result.eligible is eligible
    assert result.estimated_amount == estimate


def test_jht_partial_only_once():
    result = check(Program.JHT, Reason.HOUSING, partial_jht_taken=True)
    assert codes(result) == ["partial_already_taken"]
    assert result.earliest_date is None


def test_jht_partial_without_membership():
    result = check(Program.JHT, Reason.RETIREMENT_PREPARATION, membership_start=None)
    assert codes(result) == ["no_membership"]


# -- JP -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("months", "form"), [(179, BENEFIT_LUMP_SUM), (180, BENEFIT_MONTHLY)])
def test_jp_monthly_pension_needs_180_contribution_months(months, form):
    result = check(
        Program.JP, Reason.PENSION_AGE, on_date=D(2026, 6, 1), birth_date=D(1967, 6, 1),
        pension_age=59, contribution_months=months, jp_contributions=38_000_000,
        jp_returns=2_000_000, jp_average_monthly_wage=10_000_000,
    )  # fmt: skip
    assert result.eligible is True
    assert result.benefit_form == form
    # 1 % × 180/12 × Rp120 juta / 12 = Rp1.500.000 (PP 45/2015 Art. 17(2)).
    expected = 40_000_000 if form == BENEFIT_LUMP_SUM else 1_500_000
    assert result.estimated_amount == expected


@pytest.mark.parametrize(("on_date", "eligible"), [(D(2026, 5, 31), False), (D(2026, 6, 1), True)])
def test_jp_pension_age_is_passed_in(on_date, eligible):
    result = check(
        Program.JP, Reason.PENSION_AGE, on_date=on_date, birth_date=D(1967, 6, 1), pension_age=59
    )
    assert result.eligible is eligible
    assert result.earliest_date == D(2026, 6, 1)


@pytest.mark.parametrize(
    ("months", "membership", "density", "form"),
    [
        (24, 30, 80, BENEFIT_MONTHLY),  # a year's membership, 80 % density
        (24, 30, 79, BENEFIT_LUMP_SUM),
        (11, 11, 100, BENEFIT_LUMP_SUM),  # under a year's membership
        (12, 12, 100, BENEFIT_MONTHLY),  # exactly a year
        (180, 200, 10, BENEFIT_MONTHLY),
    ],
)
def test_jp_survivors_paid_as_if_15_years_with_a_year_and_80_percent(
    months, membership, density, form
):
    """Permenaker 29/2015 Art. 26."""
    result = check(
        Program.JP, Reason.DEATH,
        request={"event_date": D(2026, 1, 1), "filed_by_heir": True},
        contribution_months=months, jp_membership_months=membership,
        contribution_density_percent=density, jp_average_monthly_wage=5_000_000,
    )  # fmt: skip
    assert result.eligible is True
    assert result.benefit_form == form
    if form == BENEFIT_MONTHLY:
        # The widow's 50 % of 1 % × max(months, 180)/12 × Rp60 juta / 12.
        pension = max(max(months, 180) * 5_000_000 // 1200, 393_500)
        assert result.estimated_amount == pension // 2


def test_jp_is_for_wage_earners_only():
    result = check(Program.JP, Reason.PENSION_AGE, category="BPU", birth_date=D(1950, 1, 1))
    assert codes(result) == ["program_not_in_category"]


# -- JKM and JKK ----------------------------------------------------------------------------


def test_jkm_pays_the_fixed_amounts_to_an_heir_of_an_active_member():
    result = check(
        Program.JKM, Reason.DEATH, request={"event_date": D(2026, 1, 1), "filed_by_heir": True},
        membership_active=True,
    )  # fmt: skip
    assert result.eligible is True
    assert result.estimated_amount == 42_000_000
    assert [line.amount for line in result.lines] == [20_000_000, 12_000_000, 10_000_000]


def test_jkm_needs_an_active_membership():
    result = check(
        Program.JKM, Reason.DEATH, request={"event_date": D(2026, 1, 1), "filed_by_heir": True},
        membership_active=False,
    )  # fmt: skip
    assert codes(result) == ["membership_not_active"]


@pytest.mark.parametrize(("months", "scholarship"), [(35, False), (36, True)])
def test_jkm_scholarship_after_three_years_of_contributions(months, scholarship):
    with translation.override("en"):
        result = check(
            Program.JKM, Reason.DEATH,
            request={"event_date": D(2026, 1, 1), "filed_by_heir": True},
            membership_active=True, jkm_months=months,
        )  # fmt: skip
        assert any("Scholarship" in note for note in result.notes) is scholarship


@pytest.mark.parametrize(("reported", "eligible"), [(False, False), (True, True)])
def test_jkk_needs_the_accident_report(reported, eligible):
    with translation.override("en"):
        result = check(
            Program.JKK, Reason.WORK_ACCIDENT,
            request={"event_date": D(2026, 1, 5), "accident_reported": reported},
            category="JAKON", monthly_wage=5_000_000,
        )  # fmt: skip
        assert result.lines[0].amount == 5_000_000
        assert result.lines[0].basis == "100 % × Rp5.000.000"
    assert result.eligible is eligible
    assert DocumentType.ACCIDENT_REPORT in result.documents


@pytest.mark.parametrize(("months", "amount"), [(1, 5_000_000), (12, 60_000_000), (14, 65_000_000)])
def test_stmb_full_wage_for_12_months_then_half(months, amount):
    assert stmb_amount(monthly_wage=5_000_000, months=months, rules=RULES) == amount


# -- date arithmetic and wording ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 12, 14), 1, D(2026, 1, 14)),
        (D(2026, 1, 31), 1, D(2026, 3, 1)),
        (D(2024, 1, 31), 1, D(2024, 3, 1)),
        (D(2024, 2, 29), 12, D(2025, 3, 1)),
        (D(2016, 2, 1), 120, D(2026, 2, 1)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_someone_born_on_29_february_turns_older_on_1_march():
    assert add_years(D(1970, 2, 28), 56) == D(2026, 2, 28)
    assert add_years(D(1968, 2, 29), 57) == D(2025, 3, 1)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [(D(2016, 2, 1), D(2026, 1, 31), 119), (D(2016, 2, 1), D(2026, 2, 1), 120),
     (D(2026, 2, 1), D(2016, 2, 1), 0)],
)  # fmt: skip
def test_months_between(start, end, months):
    assert months_between(start, end) == months


def test_working_days_skip_weekends():
    assert add_working_days(D(2026, 1, 9), 5) == D(2026, 1, 16)  # Friday -> next Friday
    assert add_working_days(D(2026, 1, 10), 5) == D(2026, 1, 16)  # Saturday


def test_rupiah_uses_dots():
    assert format_rupiah(15_000_000) == "Rp15.000.000"


@pytest.mark.parametrize("code", sorted(BLOCKER_MESSAGES))
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_reason_renders_in_both_languages(code, language):
    blocker = Blocker(
        code,
        {"date": D(2026, 1, 14), "event_date": D(2026, 1, 14), "months": 1, "age": 56,
         "years": 10, "category": "BPU", "amount": 2, "maximum": 1, "needed": 12,
         "window": 24},
    )  # fmt: skip
    with translation.override(language):
        assert "%(" not in blocker.message
        assert blocker.message


def test_claim_type_codes_are_unique():
    assert len(CLAIM_TYPES_BY_CODE) == len(CLAIM_TYPES)


# -- payout account -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verified", "heir", "expected"),
    [(True, False, []), (False, False, ["bank_account_missing"]), (False, True, [])],
)
def test_the_payout_needs_a_verified_account_unless_an_heir_files(verified, heir, expected):
    eligibility = check(
        Program.JHT,
        Reason.DEATH if heir else Reason.LEAVING_INDONESIA,
        request={"event_date": D(2026, 1, 1), "filed_by_heir": heir},
        bank_account_verified=verified,
        nationality="WNA",
    )
    assert codes(eligibility) == expected


def test_a_missing_account_keeps_the_earliest_date_of_the_waiting_month():
    """ "You can claim from 14 February; add your bank account": both said at once."""
    eligibility = check(
        Program.JHT,
        Reason.RESIGNATION,
        request={"event_date": D(2026, 1, 14)},
        bank_account_verified=False,
    )
    assert codes(eligibility) == ["bank_account_missing", "waiting_period"]
    assert eligibility.earliest_date == D(2026, 2, 14)
    with translation.override("en"):
        assert "Update my data, Bank account" in eligibility.reasons[0]
