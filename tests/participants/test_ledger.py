"""The JHT ledger and its running balances: postings, reversals, returns, rebuild, merge."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from core.models import AuditEvent
from participants import ledger, services
from participants.models import (
    ContributionPosting,
    Enrolment,
    JhtBalance,
    JhtReturnRate,
    KpjBalance,
    KpjCard,
)
from participants.tasks import jht_returns_credit_task
from tests.factories import KpjCardFactory, ParticipantFactory

D = datetime.date


def post(card, month, amount=285_000, program="JHT"):
    return ledger.ledger_contribution_post(
        kpj_card=card, month=month, program=program, employer_amount=amount - amount // 3,
        worker_amount=amount // 3, paid_on=month + datetime.timedelta(days=40),
    )  # fmt: skip


def ledger_sum(participant):
    return sum(
        ContributionPosting.objects.filter(participant=participant, program="JHT").values_list(
            "amount", flat=True
        )
    )


@pytest.mark.django_db
class TestPosting:
    def test_jht_posting_moves_card_and_participant_balance(self):
        card = KpjCardFactory()
        post(card, D(2024, 1, 1))
        post(card, D(2024, 2, 1))
        post(card, D(2024, 2, 1), amount=50_000, program="JKK")  # not part of JHT
        total = JhtBalance.objects.get(participant=card.participant)
        assert total.balance == 570_000
        assert total.posting_count == 3
        assert total.last_contribution_month == D(2024, 2, 1)
        assert KpjBalance.objects.get(kpj_card=card).balance == 570_000

    def test_late_posting_of_an_old_month_keeps_the_latest_month(self):
        card = KpjCardFactory()
        post(card, D(2024, 5, 1))
        post(card, D(2023, 1, 1))
        assert JhtBalance.objects.get(participant=card.participant).last_contribution_month == D(
            2024, 5, 1
        )

    def test_the_same_month_and_program_cannot_be_posted_twice(self):
        card = KpjCardFactory()
        post(card, D(2024, 1, 1))
        with pytest.raises(ledger.PostingError):
            post(card, D(2024, 1, 15))  # any day of the month is the same month
        assert JhtBalance.objects.get(participant=card.participant).balance == 285_000

    def test_reversal_cancels_once_and_is_audited(self):
        card = KpjCardFactory()
        original = post(card, D(2024, 1, 1))
        reversal = ledger.ledger_posting_reverse(
            posting=original, actor=None, reason="wrong wage", on=D(2024, 3, 1)
        )
        assert reversal.amount == -285_000
        assert JhtBalance.objects.get(participant=card.participant).balance == 0
        assert AuditEvent.objects.filter(action="posting_reversed").count() == 1
        with pytest.raises(ledger.PostingError):
            ledger.ledger_posting_reverse(posting=original, actor=None, reason="", on=D(2024, 3, 1))
        with pytest.raises(ledger.PostingError):
            ledger.ledger_posting_reverse(posting=reversal, actor=None, reason="", on=D(2024, 3, 1))
        original.refresh_from_db()
        assert original.amount == 285_000  # the ledger row itself is never edited

    def test_negative_contribution_is_refused(self):
        card = KpjCardFactory()
        with pytest.raises(ledger.PostingError):
            post(card, D(2024, 1, 1), amount=-3)


@pytest.mark.django_db
class TestBulkPosting:
    def test_bulk_posting_moves_the_balances_as_single_postings_do(self):
        one, bulk = KpjCardFactory(), KpjCardFactory()
        entries = [(D(2024, 3, 1), "JHT", 190_000, 95_000), (D(2024, 1, 1), "JHT", 100, 50),
                   (D(2024, 5, 1), "JKK", 20_000, 0)]  # fmt: skip
        for month, program, employer, worker in entries:
            ledger.ledger_contribution_post(
                kpj_card=one, month=month, program=program, employer_amount=employer,
                worker_amount=worker, paid_on=D(2024, 6, 10),
            )  # fmt: skip
        ledger.ledger_contributions_post_bulk(
            lines=[
                ledger.ContributionLine(card_id=bulk.pk, participant_id=bulk.participant_id,
                                        month=month, program=program, employer=employer,
                                        worker=worker)
                for month, program, employer, worker in entries
            ],
            paid_on=D(2024, 6, 10),
        )  # fmt: skip

        def state(card):
            total = JhtBalance.objects.get(participant_id=card.participant_id)
            row = KpjBalance.objects.get(kpj_card=card)
            return (total.balance, total.posting_count, total.last_contribution_month,
                    row.balance, row.last_contribution_month)  # fmt: skip

        assert state(bulk) == state(one) == (285_150, 3, D(2024, 3, 1), 285_150, D(2024, 3, 1))
        assert ledger.ledger_balances_rebuild() == []

    def test_a_month_already_posted_refuses_the_whole_bulk(self):
        card = KpjCardFactory()
        post(card, D(2024, 2, 1))
        lines = [
            ledger.ContributionLine(card_id=card.pk, participant_id=card.participant_id,
                                    month=month, program="JHT", employer=1_000, worker=0)
            for month in (D(2024, 1, 1), D(2024, 2, 1))
        ]  # fmt: skip
        with pytest.raises(ledger.PostingConflict):
            ledger.ledger_contributions_post_bulk(lines=lines, paid_on=D(2024, 3, 1))
        assert ContributionPosting.objects.filter(kpj_card=card).count() == 1
        total = JhtBalance.objects.get(participant=card.participant)
        assert (total.balance, total.posting_count) == (285_000, 1)


class LedgerPropertyTests(HypothesisTestCase):
    """Whatever sequence of postings and reversals, the balance equals the ledger sum."""

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        steps=st.lists(
            st.tuples(
                st.sampled_from(["post", "reverse"]),
                st.integers(0, 1),  # which card
                st.integers(0, 23),  # which month
                st.integers(0, 5_000_000),
                st.sampled_from(["JHT", "JHT", "JP"]),
            ),
            max_size=25,
        )
    )
    def test_balance_equals_ledger_sum(self, steps):
        participant = ParticipantFactory()
        cards = [KpjCardFactory(participant=participant) for _ in range(2)]
        for action, card_index, month_index, amount, program in steps:
            month = D(2023 + month_index // 12, month_index % 12 + 1, 1)
            try:
                if action == "post":
                    post(cards[card_index], month, amount=amount, program=program)
                else:
                    target = (
                        ContributionPosting.objects.filter(
                            kpj_card=cards[card_index], kind="contribution", reversed_by=None
                        )
                        .order_by("?")
                        .first()
                    )
                    if target:
                        ledger.ledger_posting_reverse(
                            posting=target, actor=None, reason="", on=D(2025, 1, 1)
                        )
            except ledger.PostingError:
                pass
        total = JhtBalance.objects.filter(participant=participant).first()
        assert (total.balance if total else 0) == ledger_sum(participant)
        for card in cards:
            row = KpjBalance.objects.filter(kpj_card=card).first()
            card_sum = sum(
                ContributionPosting.objects.filter(kpj_card=card, program="JHT").values_list(
                    "amount", flat=True
                )
            )
            assert (row.balance if row else 0) == card_sum
        assert ledger.ledger_balances_rebuild() == []


@pytest.mark.django_db
class TestReturnsAndRebuild:
    def test_annual_returns_credit_once_on_the_year_end_balance(self):
        card = KpjCardFactory()
        post(card, D(2024, 6, 1), amount=1_000_000)
        post(card, D(2025, 1, 1), amount=300_000)  # after the year: not earning 2024 returns
        JhtReturnRate.objects.create(year=2024, rate=Decimal("6.50"))
        first = jht_returns_credit_task.delay(2024).get(timeout=10)
        again = jht_returns_credit_task.delay(2024).get(timeout=10)
        assert first == {"year": 2024, "rate": "6.50", "cards": 1, "credited": 65_000}
        assert again["credited"] == 0
        assert JhtBalance.objects.get(participant=card.participant).balance == 1_365_000
        credit = ContributionPosting.objects.get(kind="returns")
        assert (credit.month, credit.amount) == (D(2024, 12, 1), 65_000)

    def test_a_year_without_a_declared_rate_credits_nothing(self):
        post(KpjCardFactory(), D(2024, 6, 1))
        assert ledger.ledger_returns_credit_year(year=2024)["credited"] == 0
        assert not ContributionPosting.objects.filter(kind="returns").exists()

    def test_rebuild_reports_and_fixes_a_drifted_balance(self):
        card = KpjCardFactory()
        post(card, D(2024, 1, 1))
        JhtBalance.objects.filter(participant=card.participant).update(balance=1)
        with pytest.raises(CommandError):
            call_command("rebuild_balances")
        call_command("rebuild_balances", "--fix")
        call_command("rebuild_balances")  # now silent: everything matches
        assert JhtBalance.objects.get(participant=card.participant).balance == 285_000


@pytest.mark.django_db
class TestMembership:
    def test_linking_a_found_kpj_card_merges_its_balance(self):
        owner = ParticipantFactory()
        KpjCardFactory(participant=owner)
        post(KpjCard.objects.get(participant=owner), D(2024, 1, 1))
        stray = KpjCardFactory()  # recorded under another participant record
        post(stray, D(2020, 1, 1), amount=100_000)
        old_record = stray.participant
        services.kpj_card_link(participant=owner, kpj_card=stray, actor=None)
        assert JhtBalance.objects.get(participant=owner).balance == 385_000
        assert JhtBalance.objects.get(participant=old_record).balance == 0
        assert ledger_sum(owner) == 385_000
        assert ledger.ledger_balances_rebuild() == []
        assert AuditEvent.objects.filter(action="kpj_card_linked", participant=owner).exists()

    def test_the_last_contribution_month_moves_with_the_linked_card(self):
        owner = ParticipantFactory()
        post(KpjCardFactory(participant=owner), D(2020, 1, 1))
        stray = KpjCardFactory()
        post(stray, D(2024, 5, 1))
        old_record = stray.participant
        services.kpj_card_link(participant=owner, kpj_card=stray, actor=None)
        assert JhtBalance.objects.get(participant=owner).last_contribution_month == D(2024, 5, 1)
        assert JhtBalance.objects.get(participant=old_record).last_contribution_month is None

    def test_employer_reporting_a_leaver_makes_the_card_non_active_once(self):
        card = KpjCardFactory()
        services.enrolment_start(kpj_card=card, programs=["JHT", "JKK"], started_on=D(2020, 1, 1))
        assert services.kpj_card_report_leaver(kpj_card=card, left_on=D(2024, 5, 31), actor=None)
        assert not services.kpj_card_report_leaver(kpj_card=card, left_on=D(2024, 6, 1), actor=None)
        card.refresh_from_db()
        assert (card.status, card.left_on) == ("non_active", D(2024, 5, 31))
        assert set(Enrolment.objects.values_list("ended_on", flat=True)) == {D(2024, 5, 31)}
        assert AuditEvent.objects.filter(action="kpj_card_non_active").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_on_one_participant_lose_nothing():
    """Eight threads post different months at once: row locks serialise the F() updates."""
    card = KpjCardFactory()
    errors = []

    def worker(index):
        try:
            post(card, D(2024, index + 1, 1), amount=100_000)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    total = JhtBalance.objects.get(participant=card.participant)
    assert (total.balance, total.posting_count) == (800_000, 8)
    assert KpjBalance.objects.get(kpj_card=card).balance == 800_000


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_returns_task_runs_on_a_real_worker(celery_worker):
    card = KpjCardFactory()
    post(card, D(2023, 3, 1), amount=2_000_000)
    JhtReturnRate.objects.create(year=2023, rate=Decimal("5"))
    result = jht_returns_credit_task.delay(2023).get(timeout=30)
    assert result["credited"] == 100_000
    assert JhtBalance.objects.get(participant=card.participant).balance == 2_100_000
