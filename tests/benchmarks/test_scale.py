"""`make bench-scale` at a tiny size: the COPY seed keeps every balance equal to its postings,
and the report prints every figure it promises."""

import pytest
from django.db import connection

from benchmarks import scale, seeding

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MISMATCHES = """
    SELECT count(*) FROM participants_jhtbalance b
    FULL JOIN (SELECT participant_id, COUNT(*) AS n,
                      SUM(CASE WHEN program = 'JHT' THEN amount ELSE 0 END) AS jht
               FROM participants_contributionposting GROUP BY participant_id) p
      ON p.participant_id = b.participant_id
    WHERE b.balance IS DISTINCT FROM p.jht OR b.posting_count IS DISTINCT FROM p.n
"""
CARD_MISMATCHES = """
    SELECT count(*) FROM participants_kpjbalance b
    FULL JOIN (SELECT kpj_card_id, SUM(amount) AS jht FROM participants_contributionposting
               WHERE program = 'JHT' GROUP BY kpj_card_id) p ON p.kpj_card_id = b.kpj_card_id
    WHERE b.balance IS DISTINCT FROM p.jht
"""


def _count(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_the_seed_writes_24_months_per_participant_and_balances_that_are_their_sum():
    from core.models import Branch
    from participants.models import ContributionPosting, JhtBalance, KpjCard, Participant

    branches = [Branch.objects.create(code=f"s{n}", name=f"S {n}", address="x").pk for n in (1, 2)]
    seeding.seed(300, branch_ids=branches, with_users=True)
    seeding.seed(200, branch_ids=branches, with_users=True, start=300)  # grown, not replaced

    seeded = Participant.objects.filter(nik__startswith="32048")
    assert seeded.count() == 500
    assert seeded.filter(user__isnull=False).count() == 500
    assert KpjCard.objects.filter(participant__in=seeded, status="active").count() == 500
    assert ContributionPosting.objects.filter(participant__in=seeded).count() == 500 * 24
    # Each seeded month has its own partition, as the beat task keeps them: none in DEFAULT.
    from participants.partitions import DEFAULT

    assert _count(f"SELECT count(*) FROM {DEFAULT}") == 0  # noqa: S608 - a fixed table name
    assert _count(MISMATCHES) == 0
    assert _count(CARD_MISMATCHES) == 0
    one = JhtBalance.objects.get(participant=seeded.get(nik="3204800000000301"))
    wage = seeding.wage(301)
    assert one.balance == 12 * sum(seeding.jht_shares(wage, seeding.FIRST_MONTH)) + 12 * sum(
        seeding.jht_shares(wage, seeding.months()[-1])
    )
    assert (one.posting_count, str(one.last_contribution_month)) == (24, "2025-12-01")


@pytest.mark.usefixtures("dated_rules")
def test_the_scale_run_prints_every_figure_and_leaves_the_balances_right(capsys):
    rows = scale.run(small=200, large=600, page_sample=30, requests=1_500)

    printed = capsys.readouterr().out
    table = printed[printed.index("== Scale:") :]
    metrics = [row[0] for row in rows]
    assert len(metrics) == 9
    for metric in metrics:
        line = next(line for line in table.splitlines() if line.startswith(metric))
        assert line.split()[-1] in {"pass", "FAIL", "-"}
    assert "scheduler objective / lower bound" in metrics
    # The two reports (2026-01 for the first 200, 2026-02 for all 600) went through the ledger.
    assert _count(MISMATCHES) == 0
    assert _count(CARD_MISMATCHES) == 0
