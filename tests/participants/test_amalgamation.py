"""Amalgamasi saldo: the participant's request, staff approval (scoped, four eyes), the
ledger staying equal, one move however many approvals, and the cek saldo breakdown."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from core.models import AuditEvent
from participants import amalgamation, cards, ledger, selectors
from participants.models import (
    BalanceMergeRequest,
    ContributionPosting,
    JhtBalance,
    KpjBalance,
    KpjCard,
)
from tests.factories import (
    BranchFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
APPROVE = ["participants.view_balancemergerequest", "participants.change_balancemergerequest"]


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def post(card, month, amount, program="JHT"):
    ledger.ledger_contribution_post(
        kpj_card=card, month=month, program=program, employer_amount=amount, worker_amount=0,
        paid_on=month,
    )  # fmt: skip


@pytest.fixture
def siti():
    """An old non-active card (Rp300,000 JHT) and the current active one (Rp200,000)."""
    user = UserFactory()
    participant = ParticipantFactory(user=user, full_name="Siti Aminah")
    old = KpjCardFactory(participant=participant, number="10000000022", status="non_active")
    new = KpjCardFactory(participant=participant, number="10000000023")
    post(old, D(2018, 1, 1), 100_000)
    post(old, D(2018, 2, 1), 200_000)
    post(new, D(2024, 1, 1), 200_000)
    post(new, D(2024, 1, 1), 10_000, program="JKK")
    return user


@pytest.fixture
def staff(siti):
    return StaffFactory(branch=siti.participant.branch, perms=APPROVE)


def balances(participant):
    cards_ = {c.number: c.balance.balance for c in KpjCard.objects.filter(participant=participant)
              .select_related("balance")}  # fmt: skip
    return cards_, JhtBalance.objects.get(participant=participant).balance


def request_merge(siti):
    old, new = (KpjCard.objects.get(number=n) for n in ("10000000022", "10000000023"))
    return amalgamation.balance_merge_request(
        participant=siti.participant, actor=siti, from_card_id=old.pk, to_card_id=new.pk
    )


def test_the_participant_files_the_request_from_my_cards(client, siti):
    client.force_login(siti)
    old = KpjCard.objects.get(number="10000000022")
    new = KpjCard.objects.get(number="10000000023")
    page = client.get(reverse("my_cards")).content.decode()
    assert reverse("card_merge", args=[old.pk]) in page
    assert reverse("card_merge", args=[new.pk]) not in page  # still active
    response = client.post(reverse("card_merge", args=[old.pk]), {"to_card": new.pk}, follow=True)
    assert "Your request is sent" in response.content.decode()
    merge = BalanceMergeRequest.objects.get()
    assert (merge.status, merge.requested_by, merge.from_card, merge.to_card) == (
        "pending",
        siti,
        old,
        new,
    )
    assert "is waiting for your branch" in response.content.decode()
    assert AuditEvent.objects.filter(action="balance_merge_requested").count() == 1


def test_a_double_submission_files_one_request(client, siti):
    client.force_login(siti)
    old = KpjCard.objects.get(number="10000000022")
    new = KpjCard.objects.get(number="10000000023")
    url = reverse("card_merge", args=[old.pk])
    client.post(url, {"to_card": new.pk})
    again = client.post(url, {"to_card": new.pk})
    assert again.status_code == 200
    assert BalanceMergeRequest.objects.count() == 1
    with pytest.raises(ValidationError):
        request_merge(siti)


def test_a_request_needs_a_target_and_keeps_the_page(client, siti):
    client.force_login(siti)
    old = KpjCard.objects.get(number="10000000022")
    response = client.post(reverse("card_merge", args=[old.pk]), {})
    assert "Choose the card that receives the balance." in response.content.decode()
    assert not BalanceMergeRequest.objects.exists()


def test_an_active_card_a_foreign_card_and_a_foreign_target_are_refused(client, siti):
    new = KpjCard.objects.get(number="10000000023")
    old = KpjCard.objects.get(number="10000000022")
    foreign = KpjCardFactory(status="non_active")
    with pytest.raises(ValidationError, match="still active"):
        amalgamation.balance_merge_request(
            participant=siti.participant, actor=siti, from_card_id=new.pk, to_card_id=old.pk
        )
    with pytest.raises(ValidationError, match="your own"):
        amalgamation.balance_merge_request(
            participant=siti.participant, actor=siti, from_card_id=old.pk, to_card_id=foreign.pk
        )
    client.force_login(siti)
    assert client.get(reverse("card_merge", args=[foreign.pk])).status_code == 404
    assert (
        client.post(reverse("card_merge", args=[foreign.pk]), {"to_card": new.pk}).status_code
        == 404
    )
    assert not BalanceMergeRequest.objects.exists()


def test_a_merge_keeps_the_ledger_equal(siti, staff):
    """Per card and in total the balances are the same before and after, but for the
    amount moved: the total is unchanged, the two cards move by the same amount."""
    participant = siti.participant
    before_cards, before_total = balances(participant)
    postings_before = JhtBalance.objects.get(participant=participant).posting_count
    merge = request_merge(siti)

    assert amalgamation.balance_merge_approve(merge_id=merge.pk, actor=staff) is True

    after_cards, after_total = balances(participant)
    assert before_cards == {"10000000022": 300_000, "10000000023": 200_000}
    assert after_cards == {"10000000022": 0, "10000000023": 500_000}
    assert after_total == before_total == 500_000
    moved = before_cards["10000000022"] - after_cards["10000000022"]
    assert moved == after_cards["10000000023"] - before_cards["10000000023"] == 300_000
    transfers = ContributionPosting.objects.filter(kind="transfer").order_by("amount")
    assert [(p.kpj_card.number, p.amount) for p in transfers] == [
        ("10000000022", -300_000),
        ("10000000023", 300_000),
    ]
    assert JhtBalance.objects.get(participant=participant).posting_count == postings_before + 2
    assert ledger.ledger_balances_rebuild() == []
    merge.refresh_from_db()
    assert (merge.status, merge.amount, merge.decided_by) == ("approved", 300_000, staff)
    assert KpjCard.objects.get(number="10000000022").status == "merged"
    assert AuditEvent.objects.get(action="balance_merge_approved").detail["amount"] == 300_000


def test_approving_twice_moves_once(siti, staff):
    merge = request_merge(siti)
    assert amalgamation.balance_merge_approve(merge_id=merge.pk, actor=staff) is True
    assert amalgamation.balance_merge_approve(merge_id=merge.pk, actor=staff) is False
    second = StaffFactory(branch=staff.branch, perms=APPROVE)
    assert amalgamation.balance_merge_approve(merge_id=merge.pk, actor=second) is False
    assert ContributionPosting.objects.filter(kind="transfer").count() == 2
    assert balances(siti.participant) == ({"10000000022": 0, "10000000023": 500_000}, 500_000)


def test_the_ledger_refuses_a_second_transfer_for_the_same_merge(siti, staff):
    merge = request_merge(siti)
    amalgamation.balance_merge_approve(merge_id=merge.pk, actor=staff)
    # The card got a late contribution: a replay of the same merge still cannot post.
    post(merge.from_card, D(2018, 3, 1), 50_000)
    with pytest.raises(ledger.PostingError):
        ledger.ledger_balance_merge(
            merge_id=merge.pk, from_card_id=merge.from_card_id, to_card_id=merge.to_card_id,
            on=D(2026, 1, 5),
        )  # fmt: skip
    assert ledger.ledger_balances_rebuild() == []


def test_the_annual_statement_still_adds_up_after_a_merge(siti, staff, clock):
    clock.move_to(datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC))
    amalgamation.balance_merge_approve(merge_id=request_merge(siti).pk, actor=staff)
    lines, _postings = selectors.statement_get_for_participant(
        participant=siti.participant, year=2025
    )
    by_card = {line.kpj_number: line for line in lines}
    assert (by_card["10000000022"].opening, by_card["10000000022"].transfers,
            by_card["10000000022"].closing) == (300_000, -300_000, 0)  # fmt: skip
    assert (by_card["10000000023"].opening, by_card["10000000023"].closing) == (200_000, 500_000)


@pytest.mark.parametrize("who", ["other_branch", "no_permission", "participant", "requester"])
def test_only_staff_of_the_branch_other_than_the_requester_approve(siti, who):
    merge = request_merge(siti)
    branch = siti.participant.branch
    if who == "other_branch":
        actor = StaffFactory(branch=BranchFactory(), perms=APPROVE)
    elif who == "no_permission":
        actor = StaffFactory(branch=branch)
    elif who == "participant":
        actor = siti
    else:
        actor = StaffFactory(branch=branch, perms=APPROVE)
        BalanceMergeRequest.objects.filter(pk=merge.pk).update(requested_by=actor)
    with pytest.raises(PermissionDenied):
        amalgamation.balance_merge_approve(merge_id=merge.pk, actor=actor)
    with pytest.raises(PermissionDenied):
        amalgamation.balance_merge_reject(merge_id=merge.pk, actor=actor, note="x")
    assert BalanceMergeRequest.objects.get().status == "pending"
    assert not ContributionPosting.objects.filter(kind="transfer").exists()


def test_a_refusal_is_shown_with_its_reason_and_moves_nothing(client, siti, staff):
    merge = request_merge(siti)
    assert amalgamation.balance_merge_reject(
        merge_id=merge.pk, actor=staff, note="Kartu lama masih ada klaim terbuka."
    )
    assert not amalgamation.balance_merge_approve(merge_id=merge.pk, actor=staff)
    client.force_login(siti)
    body = client.get(reverse("my_cards")).content.decode()
    assert "Kartu lama masih ada klaim terbuka." in body
    assert balances(siti.participant)[0] == {"10000000022": 300_000, "10000000023": 200_000}
    # Refused, the card may be asked again.
    request_merge(siti)


def test_staff_approve_in_the_admin_scoped_to_their_branch(client, siti, staff):
    merge = request_merge(siti)
    other_branch_merge = None
    stranger = ParticipantFactory(user=UserFactory())
    a = KpjCardFactory(participant=stranger, status="non_active")
    b = KpjCardFactory(participant=stranger)
    post(a, D(2020, 1, 1), 1_000)
    other_branch_merge = amalgamation.balance_merge_request(
        participant=stranger, actor=stranger.user, from_card_id=a.pk, to_card_id=b.pk
    )
    client.force_login(staff)
    changelist = reverse("admin:participants_balancemergerequest_changelist")
    page = client.get(changelist).content.decode()
    assert "10000000022" in page
    assert a.number not in page
    response = client.post(
        changelist,
        {"action": "approve", "_selected_action": [merge.pk, other_branch_merge.pk]},
    )
    assert response.status_code == 302
    merge.refresh_from_db()
    other_branch_merge.refresh_from_db()
    assert (merge.status, other_branch_merge.status) == ("approved", "pending")


def test_staff_refuse_in_the_admin_with_a_reason(client, siti, staff):
    merge = request_merge(siti)
    client.force_login(staff)
    changelist = reverse("admin:participants_balancemergerequest_changelist")
    page = client.post(changelist, {"action": "reject", "_selected_action": [merge.pk]})
    assert page.status_code == 200
    assert "refuse_confirm" in page.content.decode()
    client.post(
        changelist,
        {"action": "reject", "_selected_action": [merge.pk], "refuse_confirm": "1",
         "note": "Bukan kartu yang sama."},
    )  # fmt: skip
    merge.refresh_from_db()
    assert (merge.status, merge.decision_note) == ("rejected", "Bukan kartu yang sama.")


def test_the_cek_saldo_selector_gives_the_merged_total_and_the_breakdown(siti, staff):
    amalgamation.balance_merge_approve(merge_id=request_merge(siti).pk, actor=staff)
    overview = cards.cards_overview_get(participant=siti.participant)
    assert overview.total == 500_000
    lines = {line.card.number: line for line in overview.cards}
    assert lines["10000000022"].balance == 0
    assert lines["10000000022"].merged_into.number == "10000000023"
    assert lines["10000000023"].balance == 500_000
    assert sum(line.balance for line in overview.cards) == overview.total
    assert lines["10000000022"].card.status == "merged"
    assert not lines["10000000022"].can_merge


def test_the_breakdown_takes_four_queries_whatever_the_cards(siti, django_assert_num_queries):
    for n in range(5):
        KpjCardFactory(participant=siti.participant, number=f"1000000009{n}")
    with django_assert_num_queries(4):
        cards.cards_overview_get(participant=siti.participant)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_at_once_move_the_balance_once(siti, staff):
    merge = request_merge(siti)
    second = StaffFactory(branch=staff.branch, perms=APPROVE)
    results, barrier = [], threading.Barrier(2)

    def approve(actor):
        barrier.wait()
        try:
            results.append(amalgamation.balance_merge_approve(merge_id=merge.pk, actor=actor))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in (staff, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert ContributionPosting.objects.filter(kind="transfer").count() == 2
    assert KpjBalance.objects.get(kpj_card__number="10000000023").balance == 500_000
