"""Benefit facts from the ledger, through the ledger module, in a constant number of queries."""

import datetime

import pytest

from claims.inputs import claim_facts_for
from claims.models import BenefitTable, BenefitTableRow
from participants.ledger import (
    ledger_benefit_history,
    ledger_contribution_post,
    ledger_posting_reverse,
)
from tests.factories import KpjCardFactory, ParticipantFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def post(card, month, program, amount, wage):
    """A month's contribution as a report posts it: the employer and worker shares and the
    reported wage."""
    worker = amount // 3 if program == "JP" else 0
    return ledger_contribution_post(
        kpj_card=card, month=month, program=program, employer_amount=amount - worker,
        worker_amount=worker, paid_on=month, wage=wage,
    )  # fmt: skip


def wage_earner_2025():
    """January-June 2025 on Rp4 juta, no July, August-September on Rp12 juta (JP capped at
    the 2025 cap of Rp10.547.400), October posted and then reversed."""
    participant = ParticipantFactory(birth_date=D(1980, 1, 1))
    card = KpjCardFactory(participant=participant, joined_on=D(2025, 1, 1))
    for month in range(1, 7):
        for program, amount in (("JP", 120_000), ("JKM", 12_000), ("JHT", 228_000)):
            post(card, D(2025, month, 1), program, amount, 4_000_000)
    for month in (8, 9):
        for program, amount in (("JP", 316_422), ("JKM", 36_000), ("JHT", 684_000)):
            post(card, D(2025, month, 1), program, amount, 12_000_000)
    wrong = post(card, D(2025, 10, 1), "JP", 316_422, 15_000_000)
    ledger_posting_reverse(posting=wrong, actor=None, reason="not employed", on=D(2025, 11, 1))
    return participant


def test_the_ledger_history_counts_standing_months_per_program(django_assert_num_queries):
    participant = wage_earner_2025()
    with django_assert_num_queries(1):
        history = ledger_benefit_history(participant_id=participant.pk)
    jp = history.program("JP")
    assert jp.count == 8  # the reversed October does not count
    assert jp.total == 6 * 120_000 + 2 * 316_422
    assert history.program("JKM").count == 8
    assert history.program("JKP").count == 0
    # The last reported wage is September's (the reversed October's is not reported).
    assert history.last_wage == 12_000_000
    assert jp.first_month == D(2025, 1, 1)


def test_claim_facts_carry_jp_contributions_returns_and_the_indexed_wage():
    """Returns: the 2025 closing balance 1,352,844 × 5 % = 67,642.2 -> 67,642.
    Average wage, with no inflation rows: (6 × 4,000,000 + 2 × 10,547,400) / 8 = 5,636,850."""
    BenefitTableRow.objects.filter(table=BenefitTable.JP_INFLATION).delete()
    BenefitTableRow.objects.create(
        table=BenefitTable.JP_RETURN, code="2025", value=500,
        valid_from=D(2025, 1, 1), valid_to=D(2025, 12, 31),
    )  # fmt: skip
    participant = wage_earner_2025()
    facts = claim_facts_for(participant=participant, on_date=D(2026, 1, 14))
    assert facts.contribution_months == 8
    assert (facts.jp_contributions, facts.jp_returns) == (1_352_844, 67_642)
    assert facts.jp_average_monthly_wage == 5_636_850
    assert facts.contribution_density_percent == 61
    assert facts.jp_membership_months == 13
    assert facts.monthly_wage == 12_000_000
    assert facts.jkm_months == 8
    assert facts.jkp_registered_on == D(2025, 1, 1)
    assert facts.nationality == "WNI"
    assert [level.code for level in facts.tables.scholarship] == ["tk", "sd", "smp", "sma", "pt"]


def test_inflation_rows_carry_old_wages_to_todays_value():
    """A 2024 wage of Rp4 juta on 14 January 2026 is carried by 2024's 1.57 % and 2025's
    (no row yet: 0 %) general inflation: 4,000,000 × 1.0157 = 4,062,800."""
    participant = ParticipantFactory()
    card = KpjCardFactory(participant=participant, joined_on=D(2024, 5, 1))
    post(card, D(2024, 5, 1), "JP", 120_000, 4_000_000)
    facts = claim_facts_for(participant=participant, on_date=D(2026, 1, 14))
    assert facts.jp_average_monthly_wage == 4_062_800


@pytest.mark.parametrize("months", [1, 40])
def test_claim_facts_take_five_queries_whatever_the_history(months, django_assert_num_queries):
    participant = ParticipantFactory()
    card = KpjCardFactory(participant=participant, joined_on=D(2020, 1, 1))
    for index in range(months):
        month = D(2020 + index // 12, index % 12 + 1, 1)
        for program in ("JP", "JKM", "JHT"):
            post(card, month, program, 30_000, 1_000_000)
    with django_assert_num_queries(5):
        facts = claim_facts_for(participant=participant, on_date=D(2026, 1, 14))
    assert facts.contribution_months == facts.jkm_months == months


def test_a_bpu_member_counts_jkm_months_without_any_jp():
    """The scholarship's 3 years count JKM months in any category (PP 82/2019)."""
    participant = ParticipantFactory(category="BPU")
    card = KpjCardFactory(participant=participant, joined_on=D(2023, 1, 1))
    for index in range(36):
        post(card, D(2023 + index // 12, index % 12 + 1, 1), "JKM", 6_800, 2_000_000)
    facts = claim_facts_for(participant=participant, on_date=D(2026, 1, 14))
    assert (facts.contribution_months, facts.jkm_months) == (0, 36)


def test_a_benefit_row_overlapping_another_of_the_same_code_is_refused_by_its_date():
    from django.core.exceptions import ValidationError

    row = BenefitTableRow(
        table=BenefitTable.JKM_SCHOLARSHIP, code="sd", value=2_000_000, count=6,
        valid_from=D(2026, 1, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "valid_from" in refused.value.message_dict
    BenefitTableRow.objects.filter(table=BenefitTable.JKM_SCHOLARSHIP, code="sd").update(
        valid_to=D(2025, 12, 31)
    )
    row.full_clean()  # the old level ended the day before: the new one may start
