"""The ledger partitioned by month on PostgreSQL: where postings land, the rules that still
hold across partitions, partitions made ahead, stray months moved out of DEFAULT, a month
detached for archive with the balances unchanged, and an existing table migrated with its rows.
The once-only keys (`PostingOnce`) are the same on SQLite and are tested on both.
"""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants import ledger, partitions
from participants.models import ContributionPosting, JhtBalance, KpjBalance, PostingOnce
from participants.tasks import ledger_partitions_ensure_task
from tests.factories import ClaimFactory, KpjCardFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db
postgres = pytest.mark.postgres  # every test but the once-only keys, which hold on SQLite too
D = datetime.date
TABLE = ContributionPosting._meta.db_table


def post(card, month, amount=300_000, program="JHT"):
    return ledger.ledger_contribution_post(
        kpj_card=card, month=month, program=program, employer_amount=amount - amount // 3,
        worker_amount=amount // 3, paid_on=month + datetime.timedelta(days=40),
    )  # fmt: skip


def partition_of(posting) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s",  # noqa: S608
            [posting.pk],
        )
        return cursor.fetchone()[0]


def months_partitioned() -> set[datetime.date]:
    return {p.month for p in partitions.ledger_partitions_list() if p.month is not None}


@postgres
def test_the_postings_table_is_partitioned_by_range_on_month_with_a_default():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
            "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = %s::regclass",
            [TABLE],
        )
        assert cursor.fetchall() == [("r", "month")]
    names = {p.name: p.month for p in partitions.ledger_partitions_list()}
    assert names[f"{TABLE}_default"] is None


@postgres
def test_a_posting_lands_in_its_months_partition_and_a_month_without_one_in_default():
    card = KpjCardFactory()
    assert partitions.ledger_partitions_ensure(today=D(2024, 1, 15), ahead=1) == [
        D(2024, 1, 1),
        D(2024, 2, 1),
    ]
    assert partition_of(post(card, D(2024, 1, 1))) == f"{TABLE}_p202401"
    assert partition_of(post(card, D(2024, 2, 1))) == f"{TABLE}_p202402"
    assert partition_of(post(card, D(2023, 6, 1))) == f"{TABLE}_default"


@postgres
def test_one_contribution_per_card_program_and_month_holds_across_the_partitions():
    card = KpjCardFactory()
    partitions.ledger_partitions_ensure(today=D(2024, 1, 1), ahead=0)
    for month in (D(2024, 1, 1), D(2023, 6, 1)):  # in a month's partition, and in DEFAULT
        first = post(card, month)
        with pytest.raises(ledger.PostingError):
            post(card, month)
        with pytest.raises(IntegrityError), transaction.atomic():
            ContributionPosting.objects.create(
                kpj_card=card, participant_id=card.participant_id, kind="contribution",
                program="JHT", month=month, amount=1, employer_amount=1, paid_on=month,
            )  # fmt: skip
        assert ContributionPosting.objects.get(kpj_card=card, month=month) == first
    assert JhtBalance.objects.get(participant=card.participant).balance == 600_000


def test_a_claim_is_withdrawn_once_even_when_confirmed_again_in_another_month():
    """The once-only keys are not per month: a partial unique index with the month (all a
    partitioned table allows) would have let the second withdrawal through."""
    card = KpjCardFactory()
    post(card, D(2024, 1, 1), amount=900_000)
    claim = ClaimFactory(participant=card.participant)
    ledger.ledger_withdrawal_post(
        participant_id=card.participant_id, amount=100_000, claim_id=claim.pk,
        paid_on=D(2024, 3, 5),
    )  # fmt: skip
    with pytest.raises(ledger.PostingError):
        ledger.ledger_withdrawal_post(
            participant_id=card.participant_id, amount=100_000, claim_id=claim.pk,
            paid_on=D(2024, 4, 2),
        )  # fmt: skip
    assert KpjBalance.objects.get(kpj_card=card).balance == 800_000
    assert PostingOnce.objects.filter(kind="withdrawal", reference=claim.pk).count() == 1


def test_a_posting_is_reversed_once_and_the_reversal_keeps_its_month():
    card = KpjCardFactory()
    original = post(card, D(2024, 1, 1))
    reversal = ledger.ledger_posting_reverse(
        posting=original, actor=None, reason="salah", on=D(2024, 5, 2)
    )
    assert (reversal.month, reversal.reverses_id) == (original.month, original.pk)
    with pytest.raises(ledger.PostingError):
        ledger.ledger_posting_reverse(posting=original, actor=None, reason="", on=D(2024, 6, 3))
    assert list(ContributionPosting.objects.filter(reversed_by__isnull=False)) == [original]
    assert JhtBalance.objects.get(participant=card.participant).balance == 0


@postgres
def test_ensure_creates_this_month_and_the_months_ahead_once():
    created = partitions.ledger_partitions_ensure(today=D(2031, 11, 20), ahead=3)
    assert created == [D(2031, 11, 1), D(2031, 12, 1), D(2032, 1, 1), D(2032, 2, 1)]
    assert partitions.ledger_partitions_ensure(today=D(2031, 11, 20), ahead=3) == []
    assert partitions.ledger_partitions_ensure(today=D(2031, 12, 1), ahead=3) == [D(2032, 3, 1)]
    assert set(created) <= months_partitioned()


@postgres
def test_stray_rows_in_default_move_into_their_month_when_it_is_created():
    card = KpjCardFactory()
    stray = post(card, D(2024, 5, 1))
    older = post(card, D(2019, 2, 1))
    assert partition_of(stray) == partition_of(older) == f"{TABLE}_default"

    created = partitions.ledger_partitions_ensure(today=D(2024, 5, 3), ahead=0)

    assert created == [D(2019, 2, 1), D(2024, 5, 1)]  # the past month waiting in DEFAULT too
    assert partition_of(stray) == f"{TABLE}_p202405"
    assert partition_of(older) == f"{TABLE}_p201902"
    assert ContributionPosting.objects.get(pk=stray.pk).amount == 300_000
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}_default")  # noqa: S608
        assert cursor.fetchone() == (0,)
    with pytest.raises(ledger.PostingError):  # the moved month keeps its unique index
        post(card, D(2024, 5, 1))


@postgres
def test_detaching_a_month_keeps_the_balances_and_takes_it_out_of_the_ledger(client):
    user = UserFactory()
    card = KpjCardFactory(participant=ParticipantFactory(user=user))
    partitions.ledger_partitions_ensure(today=D(2024, 1, 1), ahead=2)
    for month in (D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)):
        post(card, month)
    client.force_login(user)
    before = client.get(reverse("api-me-balance")).json()["balance"]
    stored = (
        KpjBalance.objects.get(kpj_card=card).balance,
        JhtBalance.objects.get(participant=card.participant).balance,
    )

    archive = partitions.ledger_partition_detach(month=D(2024, 1, 1), today=D(2024, 4, 10))

    assert archive == f"{TABLE}_archive_202401"
    assert D(2024, 1, 1) not in months_partitioned()
    assert not ContributionPosting.objects.filter(month=D(2024, 1, 1)).exists()
    assert ContributionPosting.objects.filter(kpj_card=card).count() == 2
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kpj_card_id, month, amount FROM {archive}")  # noqa: S608
        assert cursor.fetchall() == [(card.pk, D(2024, 1, 1), 300_000)]
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [archive],
        )
        assert cursor.fetchone() == (0,)  # the archive holds back no card or participant
    assert stored == (
        KpjBalance.objects.get(kpj_card=card).balance,
        JhtBalance.objects.get(participant=card.participant).balance,
    ) == (900_000, 900_000)  # fmt: skip
    assert client.get(reverse("api-me-balance")).json()["balance"] == before == 900_000
    assert partitions.ledger_archives() == [archive]
    # The rebuild reads the ledger, which no longer holds January: it may report, never "fix".
    with pytest.raises(CommandError, match="archived months"):
        call_command("rebuild_balances", "--fix")
    assert KpjBalance.objects.get(kpj_card=card).balance == 900_000


@postgres
def test_detach_refuses_a_month_still_taking_postings_or_without_a_partition():
    partitions.ledger_partitions_ensure(today=D(2024, 4, 1), ahead=1)
    with pytest.raises(partitions.PartitionError, match="still takes postings"):
        partitions.ledger_partition_detach(month=D(2024, 4, 1), today=D(2024, 4, 10))
    with pytest.raises(partitions.PartitionError, match="no partition of its own"):
        partitions.ledger_partition_detach(month=D(1999, 1, 1), today=D(2024, 4, 10))
    assert {D(2024, 4, 1), D(2024, 5, 1)} <= months_partitioned()


@postgres
def test_the_balance_read_does_not_touch_the_postings(client, django_assert_num_queries):
    """Over 36 monthly partitions the balance is still read from its running row: the only
    query on the postings is one page of them, bounded to the recent months so that the
    planner leaves the older partitions out."""
    user = UserFactory()
    card = KpjCardFactory(participant=ParticipantFactory(user=user))
    month = D(2021, 1, 1)
    for _ in range(36):
        post(card, month, amount=100_000)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    partitions.ledger_partitions_ensure(today=D(2021, 1, 1), ahead=0)  # moves all 36 out
    assert len(months_partitioned() & {p.month for p in card.postings.all()}) == 36
    client.force_login(user)
    client.get(reverse("home"))  # warms the site-wide maintenance-notice cache
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(7):
        api = client.get(reverse("api-me-balance"))
    assert api.json()["balance"] == 3_600_000
    assert [p["month"] for p in api.json()["postings"]["results"]][::19] == ["2023-12", "2022-05"]
    on_postings = [q["sql"] for q in queries if TABLE in q["sql"]]
    assert len(on_postings) == 1
    assert "LIMIT 20" in on_postings[0]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {on_postings[0]}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"{TABLE}_p202112" in plan  # 24 months before the last contribution
    assert f"{TABLE}_p202111" not in plan
    assert f"{TABLE}_p202101" not in plan
    client.get(reverse("balance"))
    with django_assert_num_queries(2):  # session and user: the content comes from the cache
        assert "Rp3.600.000" in client.get(reverse("balance")).content.decode()


@postgres
def test_the_beat_task_makes_the_months_ahead_from_the_setting_and_is_idempotent(settings):
    settings.LEDGER_PARTITIONS_AHEAD = 2
    today = timezone.localdate().replace(day=1)
    wanted = [today]
    for _ in range(2):
        wanted.append((wanted[-1] + datetime.timedelta(days=32)).replace(day=1))
    ledger_partitions_ensure_task.delay().get(timeout=30)
    assert set(wanted) <= months_partitioned()
    assert ledger_partitions_ensure_task.delay().get(timeout=30) == []


@postgres
def test_the_command_lists_ensures_and_explains_a_refusal(capsys):
    call_command("ledger_partitions", "ensure", "--ahead", "0")
    call_command("ledger_partitions", "list")
    out = capsys.readouterr().out
    assert f"{timezone.localdate():%Y-%m}\t?\t{TABLE}_p{timezone.localdate():%Y%m}" in out
    assert f"DEFAULT\t0\t{TABLE}_default" in out
    with pytest.raises(CommandError, match="bukan bulan YYYY-MM.*not a YYYY-MM month"):
        call_command("ledger_partitions", "detach", "--month", "2024-13")
    with pytest.raises(CommandError, match="tidak punya partisi sendiri"):
        call_command("ledger_partitions", "detach", "--month", "1990-01")


@postgres
@pytest.mark.django_db(transaction=True)
def test_an_existing_postings_table_migrates_to_partitions_with_its_rows():
    """Back to the plain table of 0017, rows written there (a contribution, its reversal, a
    withdrawal), then forward: the same rows in month partitions, their once-only keys
    filled in, and new ids above the old ones. 1998 and 1999, months no other test uses:
    the partitions this makes outlive the test's flush."""
    executor = MigrationExecutor(connection)
    executor.migrate([("participants", "0017_merge_20261207_0845")])
    executor.loader.build_graph()
    old = executor.loader.project_state([("participants", "0017_merge_20261207_0845")]).apps
    OldPosting = old.get_model("participants", "ContributionPosting")
    card = KpjCardFactory()  # the cards' and participants' tables are the same at 0017
    common = {"kpj_card_id": card.pk, "participant_id": card.participant_id, "program": "JHT"}
    paid = OldPosting.objects.create(
        **common, kind="contribution", month=D(1998, 3, 1), employer_amount=500_000,
        worker_amount=0, amount=500_000, paid_on=D(1998, 4, 2),
    )  # fmt: skip
    reversed_ = OldPosting.objects.create(
        **common, kind="contribution", month=D(1998, 4, 1), employer_amount=200_000,
        worker_amount=0, amount=200_000, paid_on=D(1998, 5, 2),
    )  # fmt: skip
    reversal = OldPosting.objects.create(
        **common, kind="reversal", month=D(1998, 4, 1), employer_amount=-200_000,
        worker_amount=0, amount=-200_000, paid_on=D(1998, 6, 2), reverses_id=reversed_.pk,
    )  # fmt: skip
    withdrawal = OldPosting.objects.create(
        **common, kind="withdrawal", month=D(1999, 1, 1), employer_amount=-100_000,
        worker_amount=0, amount=-100_000, paid_on=D(1999, 1, 9), claim_id=4242,
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {p.pk: p for p in ContributionPosting.objects.filter(kpj_card=card)}
    assert sorted(rows) == sorted([paid.pk, reversed_.pk, reversal.pk, withdrawal.pk])
    assert rows[reversal.pk].reverses == rows[reversed_.pk]
    assert rows[withdrawal.pk].claim_id == 4242
    assert partition_of(rows[paid.pk]) == f"{TABLE}_p199803"
    assert partition_of(rows[withdrawal.pk]) == f"{TABLE}_p199901"
    assert {D(1998, 3, 1), D(1998, 4, 1), D(1999, 1, 1)} <= months_partitioned()
    assert set(PostingOnce.objects.values_list("kind", "reference", "posting_id")) == {
        ("reversal", reversed_.pk, reversal.pk),
        ("withdrawal", 4242, withdrawal.pk),
    }
    with pytest.raises(ledger.PostingError):  # a reversal from before still counts once
        ledger.ledger_posting_reverse(
            posting=rows[reversed_.pk], actor=None, reason="", on=D(1998, 7, 1)
        )
    assert post(card, D(1999, 2, 1)).pk > max(rows)
