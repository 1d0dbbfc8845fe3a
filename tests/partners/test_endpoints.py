"""Members, claims, leavers and new members: own employees only, all or nothing, idempotent."""

import datetime

import pytest
from django.utils import timezone

from core.models import AuditEvent
from news.maintenance import maintenance_notice
from participants.models import KpjCard, Participant
from participants.selectors import participant_get_by_nik
from partners.models import IdempotencyRecord
from tests.factories import (
    BranchFactory,
    ClaimFactory,
    EmployerFactory,
    KpjCardFactory,
    ParticipantFactory,
    make_nik,
)

from .conftest import bearer

pytestmark = pytest.mark.django_db

BASE = "/api/v1/employers/me"
BIRTH = datetime.date(1990, 5, 17)


def post(client, key, path, body, **headers):
    return client.post(f"{BASE}/{path}", data=body, content_type="application/json",
                       **bearer(key), **headers)  # fmt: skip


def leaver(kpj, **overrides):
    return {"kpj": kpj, "left_on": "2026-01-31", "reason": "resignation", **overrides}


def member(sequence=1, **overrides):
    return {
        "nik": make_nik(birth_date=BIRTH, sequence=sequence),
        "full_name": f"Pekerja {sequence}",
        "birth_date": BIRTH.isoformat(),
        "joined_on": "2026-01-05",
        **overrides,
    }


# Members ------------------------------------------------------------------------------------


def test_members_lists_only_own_cards_with_masked_nik_and_no_balance(client, key_a, card_a, card_b):
    body = client.get(f"{BASE}/members", **bearer(key_a)).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["kpj"] == card_a.number
    assert row["nik"] == card_a.participant.masked_nik
    assert "*" in row["nik"]
    assert row["status"] == "active"
    assert not {"balance", "saldo", "amount"} & set(row)


def test_members_filter_by_status_and_paginate_in_constant_queries(
    client, key_a, employer_a, django_assert_num_queries
):
    KpjCardFactory.create_batch(3, employer=employer_a)
    KpjCardFactory.create_batch(2, employer=employer_a, status="non_active")
    maintenance_notice()  # warms the site-wide maintenance-notice cache
    # auth (1) + last_used (1) + count + page
    with django_assert_num_queries(4):
        page = client.get(f"{BASE}/members?status=active&page_size=2", **bearer(key_a)).json()
    assert page["count"] == 3
    assert len(page["results"]) == 2
    assert page["next"]
    KpjCardFactory.create_batch(10, employer=employer_a)
    with django_assert_num_queries(3):  # last_used_at is written at most once a minute
        client.get(f"{BASE}/members?page_size=50", **bearer(key_a))
    inactive = client.get(f"{BASE}/members?status=non_active", **bearer(key_a)).json()
    assert {row["status"] for row in inactive["results"]} == {"non_active"}


def test_a_bad_filter_names_the_field(client, key_a):
    body = client.get(f"{BASE}/members?status=dead", **bearer(key_a)).json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["status"]


def test_member_detail_of_another_employer_is_404_like_a_missing_one(
    client, key_a, key_b, card_a, card_b
):
    assert client.get(f"{BASE}/members/{card_a.number}", **bearer(key_a)).status_code == 200
    foreign = client.get(f"{BASE}/members/{card_b.number}", **bearer(key_a))
    missing = client.get(f"{BASE}/members/99999999999", **bearer(key_a))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["code"] == "not_found"
    assert client.get(f"{BASE}/members/{card_b.number}", **bearer(key_b)).status_code == 200


# Claims -------------------------------------------------------------------------------------


def test_claims_show_status_of_own_workers_without_amounts(client, key_a, card_a, card_b):
    mine = ClaimFactory(participant=card_a.participant, status="in_review")
    ClaimFactory(participant=card_b.participant)
    body = client.get(f"{BASE}/claims", **bearer(key_a)).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    row = body["results"][0]
    assert row["kpj"] == card_a.number
    assert row["status"] == "in_review"
    assert not [field for field in row if "amount" in field or "bank" in field]
    assert client.get(f"{BASE}/claims?status=paid", **bearer(key_a)).json()["count"] == 0
    assert client.get(f"{BASE}/claims?program=JHT", **bearer(key_a)).json()["count"] == 1


def test_a_worker_with_two_cards_at_one_employer_appears_once(client, key_a, employer_a):
    first = KpjCardFactory(employer=employer_a, joined_on=datetime.date(2015, 1, 1))
    KpjCardFactory(
        participant=first.participant, employer=employer_a, joined_on=datetime.date(2020, 1, 1)
    )
    ClaimFactory(participant=first.participant)
    assert client.get(f"{BASE}/claims", **bearer(key_a)).json()["count"] == 1


# Leavers ------------------------------------------------------------------------------------


def test_leavers_make_the_cards_non_active_with_an_audit_row(client, key_a, card_a):
    response = post(client, key_a, "leavers", {"leavers": [leaver(card_a.number)]})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "leavers": [
            {"kpj": card_a.number, "status": "non_active", "left_on": "2026-01-31",
             "left_reason": "resignation"}
        ]
    }  # fmt: skip
    card_a.refresh_from_db()
    assert (card_a.status, card_a.left_on) == ("non_active", datetime.date(2026, 1, 31))
    event = AuditEvent.objects.get(action="kpj_left_reported")
    assert event.participant_id == card_a.participant_id
    assert event.detail["reason"] == "resignation"
    assert event.detail["partner_key"]


def test_leavers_are_all_or_nothing_and_name_the_bad_row(client, key_a, card_a, card_b):
    body = {"leavers": [leaver(card_a.number), leaver(card_b.number)]}
    response = post(client, key_a, "leavers", body)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["leavers[1].kpj"]
    card_a.refresh_from_db()
    card_b.refresh_from_db()
    assert card_a.status == card_b.status == "active"
    assert not AuditEvent.objects.filter(action="kpj_left_reported").exists()


def test_leaver_rows_are_checked_field_by_field(client, key_a, card_a):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    body = {
        "leavers": [
            leaver("123", reason="bored"),
            leaver(card_a.number, left_on=tomorrow),
            leaver(card_a.number),
            leaver(card_a.number),
        ]
    }
    fields = post(client, key_a, "leavers", body).json()["fields"]
    assert set(fields) == {"leavers[0].kpj", "leavers[0].reason", "leavers[1].left_on"}
    fields = post(client, key_a, "leavers", {"leavers": [leaver(card_a.number)] * 2}).json()
    assert list(fields["fields"]) == ["leavers[1].kpj"]
    early = post(
        client, key_a, "leavers", {"leavers": [leaver(card_a.number, left_on="2019-01-01")]}
    )
    assert list(early.json()["fields"]) == ["leavers[0].left_on"]
    assert list(post(client, key_a, "leavers", {"leavers": []}).json()["fields"]) == ["leavers"]


def test_a_card_already_non_active_cannot_leave_again(client, key_a, card_a):
    assert post(client, key_a, "leavers", {"leavers": [leaver(card_a.number)]}).status_code == 200
    again = post(client, key_a, "leavers", {"leavers": [leaver(card_a.number)]})
    assert again.status_code == 400
    assert "leavers[0].kpj" in again.json()["fields"]


def test_a_partner_cannot_set_status_or_employer_through_a_leaver_row(
    client, key_a, card_a, employer_b
):
    row = leaver(card_a.number, status="active", employer=employer_b.pk, balance=10**9)
    assert post(client, key_a, "leavers", {"leavers": [row]}).status_code == 200
    card_a.refresh_from_db()
    assert card_a.status == "non_active"
    assert card_a.employer_id != employer_b.pk


# New members --------------------------------------------------------------------------------


def test_new_members_get_a_participant_record_and_a_kpj_card(client, key_a, employer_a):
    response = post(client, key_a, "new-members", {"members": [member(1), member(2)]})
    assert response.status_code == 201, response.content
    rows = response.json()["members"]
    assert [row["row"] for row in rows] == [0, 1]
    for row in rows:
        card = KpjCard.objects.get(number=row["kpj"])
        assert card.employer == employer_a
        assert card.status == "active"
        assert len(card.number) == 11
        assert card.participant.branch_id == employer_a.branch_id
        assert card.participant.user_id is None
        assert "*" in row["nik"]
    person = participant_get_by_nik(nik=make_nik(birth_date=BIRTH, sequence=1))
    assert person is not None  # what the portal's sign-up looks up
    assert person.gender == "M"
    assert AuditEvent.objects.filter(action="member_registered_by_employer").count() == 2


def test_a_known_person_gets_a_new_card_not_a_second_record(client, key_a, employer_a):
    nik = make_nik(birth_date=BIRTH, sequence=7)
    elsewhere = KpjCardFactory(
        participant=ParticipantFactory(nik=nik, full_name="Siti Aminah", birth_date=BIRTH),
        employer=EmployerFactory(),
    )
    body = {"members": [member(7, full_name="SITI  AMINAH")]}
    assert post(client, key_a, "new-members", body).status_code == 201
    assert Participant.objects.filter(nik=nik).count() == 1
    assert set(elsewhere.participant.kpj_cards.values_list("employer", flat=True)) == {
        elsewhere.employer_id,
        employer_a.pk,
    }
    again = post(client, key_a, "new-members", body)
    assert list(again.json()["fields"]) == ["members[0].nik"]


def test_a_known_nik_with_another_name_is_refused_without_revealing_it(client, key_a):
    nik = make_nik(birth_date=BIRTH, sequence=8)
    ParticipantFactory(nik=nik, full_name="Asep Sunandar", birth_date=BIRTH)
    response = post(client, key_a, "new-members", {"members": [member(8, full_name="Orang Lain")]})
    assert list(response.json()["fields"]) == ["members[0].nik"]
    assert "Asep" not in response.content.decode()


def test_new_member_errors_are_per_row_and_field_and_nothing_is_created(client, key_a):
    female_nik = make_nik(birth_date=BIRTH, gender="F", sequence=3)
    body = {
        "members": [
            member(1),
            member(2, nik="3204101705900000"),  # sequence 0000
            member(3, nik=female_nik, birth_date="1991-05-17"),
            member(4, joined_on="2099-01-01", category="BPU", email="not-an-email"),
            {"nik": "12"},
            member(1),
        ]
    }
    response = post(client, key_a, "new-members", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {
        "members[1].nik",
        "members[2].birth_date",
        "members[3].joined_on",
        "members[3].category",
        "members[3].email",
        "members[4].full_name",
        "members[4].birth_date",
        "members[4].joined_on",
    }
    assert "0000" in fields["members[1].nik"][0]
    assert not Participant.objects.exists()
    duplicate = post(client, key_a, "new-members", {"members": [member(1), member(1)]})
    assert list(duplicate.json()["fields"]) == ["members[1].nik"]


def test_a_partner_cannot_set_status_branch_employer_or_login(
    client, key_a, employer_a, employer_b
):
    other_branch = BranchFactory()
    row = member(
        5,
        status="non_active",
        employer=employer_b.pk,
        branch=other_branch.pk,
        user=1,
        balance=5_000_000,
        kpj="12345678901",
    )
    assert post(client, key_a, "new-members", {"members": [row]}).status_code == 201
    card = KpjCard.objects.get()
    assert card.status == "active"
    assert card.employer_id == employer_a.pk
    assert card.number != "12345678901"
    assert card.participant.branch_id == employer_a.branch_id
    assert card.participant.user_id is None


def test_two_partners_cannot_touch_each_others_workers(client, key_a, key_b, card_b):
    response = post(client, key_a, "leavers", {"leavers": [leaver(card_b.number)]})
    assert response.status_code == 400
    card_b.refresh_from_db()
    assert card_b.status == "active"
    assert client.get(f"{BASE}/members", **bearer(key_a)).json()["count"] == 0


# Idempotency --------------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_stored_answer(client, key_a):
    body = {"members": [member(1)]}
    first = post(client, key_a, "new-members", body, HTTP_IDEMPOTENCY_KEY="batch-1")
    second = post(client, key_a, "new-members", body, HTTP_IDEMPOTENCY_KEY="batch-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert KpjCard.objects.count() == 1


def test_the_same_key_with_another_body_is_422(client, key_a):
    post(client, key_a, "new-members", {"members": [member(1)]}, HTTP_IDEMPOTENCY_KEY="k")
    other = post(client, key_a, "new-members", {"members": [member(2)]}, HTTP_IDEMPOTENCY_KEY="k")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert list(other.json()["fields"]) == ["Idempotency-Key"]
    assert KpjCard.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_422(client, key_a, card_a):
    post(client, key_a, "new-members", {"members": [member(1)]}, HTTP_IDEMPOTENCY_KEY="k")
    other = post(
        client, key_a, "leavers", {"leavers": [leaver(card_a.number)]}, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422


def test_a_failed_request_does_not_use_up_its_key(client, key_a):
    bad = post(client, key_a, "new-members", {"members": [{"nik": "1"}]}, HTTP_IDEMPOTENCY_KEY="x")
    assert bad.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    good = post(client, key_a, "new-members", {"members": [member(1)]}, HTTP_IDEMPOTENCY_KEY="x")
    assert good.status_code == 201


def test_keys_belong_to_one_employer(client, key_a, key_b):
    post(client, key_a, "new-members", {"members": [member(1)]}, HTTP_IDEMPOTENCY_KEY="k")
    theirs = post(client, key_b, "new-members", {"members": [member(2)]}, HTTP_IDEMPOTENCY_KEY="k")
    assert theirs.status_code == 201
    assert KpjCard.objects.count() == 2


def test_an_unusable_idempotency_key_is_refused(client, key_a):
    response = post(
        client, key_a, "new-members", {"members": [member(1)]}, HTTP_IDEMPOTENCY_KEY="a b"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["Idempotency-Key"]
