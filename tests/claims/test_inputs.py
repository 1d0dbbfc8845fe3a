import datetime

import pytest
from django.utils import translation

from claims.inputs import (
    claim_facts_for,
    jht_balance_for,
    participant_pension_age,
    pension_age_for,
)
from claims.models import ClaimRuleValue, RuleKey
from claims.selectors import ClaimRuleValueMissing, claim_rule_set_on
from participants.ledger import (
    ledger_benefit_history,
    ledger_contribution_post,
    ledger_posting_reverse,
)
from participants.models import PensionAge
from tests.factories import ClaimFactory, EmployerFactory, KpjCardFactory, ParticipantFactory

D = datetime.date


@pytest.mark.parametrize(
    ("on_date", "age"),
    [
        (D(2018, 12, 31), 56), (D(2019, 1, 1), 57), (D(2021, 12, 31), 57), (D(2022, 1, 1), 58),
        (D(2025, 1, 1), 59), (D(2028, 1, 1), 60), (D(2031, 6, 1), 61), (D(2040, 1, 1), 64),
        (D(2043, 1, 1), 65), (D(2060, 1, 1), 65),
    ],
)  # fmt: skip
@pytest.mark.django_db
def test_pension_age_follows_the_pp_45_2015_steps(on_date, age):
    """The seeded dated table gives the DOMAIN.md §4 steps."""
    assert pension_age_for(on_date) == age


@pytest.mark.django_db
def test_pension_age_is_read_from_the_dated_table_staff_edit():
    """A row staff change in the admin changes the answer: no formula in code."""
    PensionAge.objects.filter(age=59).update(age=60)
    assert pension_age_for(D(2026, 1, 14)) == 60


@pytest.mark.django_db
def test_a_date_before_the_first_row_takes_the_starting_age():
    assert pension_age_for(D(2010, 1, 1)) == 56


@pytest.mark.parametrize(
    ("birth_date", "age"),
    [(D(1962, 5, 1), 56), (D(1966, 6, 1), 58), (D(1967, 6, 1), 59), (D(1990, 1, 1), 65)],
)
@pytest.mark.django_db
def test_a_participant_reaches_the_pension_age_of_the_year_they_reach_it(birth_date, age):
    assert participant_pension_age(birth_date) == age


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("on_date", "limit"),
    [(D(2025, 4, 30), 10_000_000), (D(2025, 5, 1), 15_000_000), (D(2026, 1, 1), 15_000_000)],
)
def test_seeded_online_limit_on_both_sides_of_1_may_2025(on_date, limit):
    assert claim_rule_set_on(on_date=on_date).jht_online_limit == limit


@pytest.mark.django_db
def test_seeded_values_match_domain_and_flag_the_unconfirmed_start():
    rules = claim_rule_set_on(on_date=D(2026, 1, 14))
    assert (rules.jkm_death_benefit, rules.jkm_periodic_benefit, rules.jkm_funeral_benefit) == (
        20_000_000, 12_000_000, 10_000_000,
    )  # fmt: skip
    assert rules.jht_partial_min_membership_months == 120
    assert rules.jht_waiting_months == 1
    assert ClaimRuleValue.objects.get(
        key=RuleKey.JHT_ONLINE_LIMIT, valid_from=D(2021, 1, 1)
    ).unconfirmed


@pytest.mark.django_db
def test_a_date_no_row_covers_is_refused():
    with pytest.raises(ClaimRuleValueMissing, match="jht_online_limit"):
        claim_rule_set_on(on_date=D(2020, 1, 1))


@pytest.mark.django_db
def test_overlapping_rule_values_are_refused_with_what_to_do():
    from django.core.exceptions import ValidationError

    row = ClaimRuleValue(key=RuleKey.JHT_ONLINE_LIMIT, value=20_000_000, valid_from=D(2026, 1, 1))
    with translation.override("en"), pytest.raises(ValidationError, match="End that one first"):
        row.full_clean()
    ClaimRuleValue.objects.filter(key=RuleKey.JHT_ONLINE_LIMIT, valid_to=None).update(
        valid_to=D(2025, 12, 31)
    )
    row.full_clean()


@pytest.mark.django_db
def test_facts_come_from_the_membership_cards_and_earlier_claims(django_assert_num_queries):
    participant = ParticipantFactory(birth_date=D(1967, 6, 1))
    KpjCardFactory(participant=participant, joined_on=D(2012, 3, 1), status="non_active")
    KpjCardFactory(participant=participant, joined_on=D(2018, 3, 1), status="active")
    ClaimFactory(participant=participant, kind="partial", reason="housing", status="paid")

    with django_assert_num_queries(5):
        facts = claim_facts_for(participant=participant, on_date=D(2026, 1, 14))

    assert facts.membership_start == D(2012, 3, 1)
    assert facts.membership_active is True
    assert facts.partial_jht_taken is True
    assert facts.pension_age == 59
    assert facts.jht_balance == 0
    assert facts.contribution_months == 0


def _ledger(participant, *, jp_months, jht_amount):
    """Two cards (two employers); JP on both for the overlapping months, JHT on the first."""
    first = KpjCardFactory(participant=participant, joined_on=D(2010, 1, 1))
    second = KpjCardFactory(
        participant=participant,
        joined_on=D(2010, 1, 1),
        employer=EmployerFactory(branch=participant.branch),
    )
    postings = []
    for index in range(jp_months):
        month = D(2010 + index // 12, index % 12 + 1, 1)
        postings.append(
            ledger_contribution_post(kpj_card=first, month=month, program="JP",
                                     employer_amount=200, worker_amount=100, paid_on=month)
        )  # fmt: skip
        if index < 3:  # a second employer in the same months: still one month each
            ledger_contribution_post(kpj_card=second, month=month, program="JP",
                                     employer_amount=200, worker_amount=100,
                                     paid_on=month)  # fmt: skip
    ledger_contribution_post(
        kpj_card=first,
        month=D(2024, 1, 1),
        program="JHT",
        employer_amount=jht_amount,
        worker_amount=0,
        paid_on=D(2024, 1, 5),
    )
    return postings


@pytest.mark.django_db
@pytest.mark.parametrize(("months", "reversed_months", "expected"), [(180, 0, 180), (180, 1, 179)])
def test_jp_months_count_distinct_unreversed_months_from_the_ledger(
    months, reversed_months, expected, django_assert_num_queries
):
    """179 vs 180 months comes from the postings: a reversed month does not count."""
    participant = ParticipantFactory(birth_date=D(1962, 5, 1))
    postings = _ledger(participant, jp_months=months, jht_amount=12_500_000)
    for posting in postings[len(postings) - reversed_months :]:
        ledger_posting_reverse(posting=posting, actor=None, reason="wrong month", on=D(2025, 1, 1))

    with django_assert_num_queries(1):
        assert ledger_benefit_history(participant_id=participant.pk).program("JP").count == expected
    with django_assert_num_queries(1):
        assert jht_balance_for(participant) == 12_500_000
    with django_assert_num_queries(5):
        facts = claim_facts_for(participant=participant, on_date=D(2026, 1, 14))
    assert (facts.contribution_months, facts.jht_balance) == (expected, 12_500_000)


@pytest.mark.django_db
def test_the_balance_is_the_running_total_row_not_a_ledger_sum():
    """A drift between the ledger and the balance row shows the row: reads never scan history."""
    from participants.models import JhtBalance

    participant = ParticipantFactory()
    _ledger(participant, jp_months=0, jht_amount=1_000_000)
    JhtBalance.objects.filter(participant=participant).update(balance=7)
    assert jht_balance_for(participant) == 7
    assert jht_balance_for(ParticipantFactory()) == 0
