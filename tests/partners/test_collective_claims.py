"""Collective claims: an employer's HR files JHT claims for workers who left, as a group.

Each member becomes a normal claim through claims.services.claim_file; a member who cannot
claim gets a row with the reasons; the employer follows the group's progress.
"""

import datetime
import uuid

import pytest
from django.utils import timezone

from claims import notes
from claims.models import Claim
from claims.services import claim_verify
from core.models import AuditEvent
from news.maintenance import maintenance_notice
from partners.models import CollectiveClaim
from tests.factories import BankAccountFactory, KpjCardFactory, ParticipantFactory

from .conftest import bearer, make_key

pytestmark = pytest.mark.django_db

URL = "/api/v1/employers/me/collective-claims"
CSV_URL = f"{URL}/csv"


def leaver(employer, *, days_ago=60, reason="resignation", bank=True, **card):
    """A worker the employer reported as left `days_ago` days ago, with a payout account."""
    participant = ParticipantFactory(branch=employer.branch)
    values = {
        "participant": participant,
        "employer": employer,
        "status": "non_active",
        "joined_on": datetime.date(2015, 1, 1),
        "left_on": timezone.localdate() - datetime.timedelta(days=days_ago),
        "left_reason": reason,
        **card,
    }
    created = KpjCardFactory(**values)
    if bank:
        BankAccountFactory(participant=participant, account_name=participant.full_name.upper())
    return created


def file(client, key, kpjs, *, idempotency_key=None):
    headers = bearer(key)
    if idempotency_key:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    body = {"members": [{"kpj": kpj} for kpj in kpjs]}
    return client.post(URL, data=body, content_type="application/json", **headers)


def test_fifty_leavers_become_fifty_claims_idempotently(client, employer_a, key_a):
    kpjs = [leaver(employer_a).number for _ in range(50)]
    first = file(client, key_a, kpjs, idempotency_key="layoff-2026-12")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["members"] == 50
    assert body["claims_filed"] == 50
    assert body["refused"] == 0
    assert body["by_status"] == {"submitted": 50}
    assert first["Location"] == body["status_url"]
    assert body["status_url"].startswith("http")
    claims = Claim.objects.filter(participant__kpj_cards__number__in=kpjs)
    assert claims.count() == 50
    assert set(claims.values_list("channel", flat=True)) == {"partner"}
    assert set(claims.values_list("program", "kind", "reason")) == {("JHT", "full", "resignation")}
    group = CollectiveClaim.objects.get()
    row = body["rows"][7]
    assert row["kpj"] == kpjs[7]
    assert row["status"] == "submitted"
    assert row["refusals"] == []
    assert Claim.objects.get(pk=row["claim_id"]).idempotency_key == (
        f"collective-{group.pk}-{kpjs[7]}"
    )
    audit = AuditEvent.objects.get(action="collective_claim_filed")
    assert audit.detail["claims_filed"] == 50
    assert len(audit.detail["claim_ids"]) == 50

    replay = file(client, key_a, kpjs, idempotency_key="layoff-2026-12")
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == body
    assert Claim.objects.count() == 50
    assert CollectiveClaim.objects.count() == 1


def test_a_new_key_with_the_same_members_files_no_second_open_claim(client, employer_a, key_a):
    kpjs = [leaver(employer_a).number for _ in range(3)]
    assert file(client, key_a, kpjs, idempotency_key="one").json()["claims_filed"] == 3
    again = file(client, key_a, kpjs, idempotency_key="two")
    assert again.status_code == 201
    body = again.json()
    assert body["claims_filed"] == 0
    assert body["refused"] == 3
    assert {row["refusals"][0]["code"] for row in body["rows"]} == {"claim_already_open"}
    assert all(row["claim_id"] is None and row["status"] is None for row in body["rows"])
    assert Claim.objects.count() == 3


def test_workers_who_cannot_claim_get_a_row_each_and_the_others_are_filed(
    client, employer_a, key_a, card_b
):
    good = leaver(employer_a)
    active = KpjCardFactory(employer=employer_a)  # still working there
    unreported = leaver(employer_a, left_on=None)  # non-active, but no leaving date
    retired = leaver(employer_a, reason="retirement")
    waiting = leaver(employer_a, days_ago=3)  # the JHT waiting period runs
    no_bank = leaver(employer_a, bank=False)
    # Left this employer in 2019 and works for another one now: that time is not this
    # employer's to claim on, and the rules see an active membership.
    moved_on = leaver(employer_a, left_on=datetime.date(2019, 6, 30))
    KpjCardFactory(participant=moved_on.participant, employer=card_b.employer,
                   joined_on=datetime.date(2019, 7, 1))  # fmt: skip
    sent = [good, card_b, active, unreported, retired, waiting, no_bank, moved_on]
    response = file(client, key_a, [card.number for card in sent])
    assert response.status_code == 201, response.json()
    rows = response.json()["rows"]
    codes = [[refusal["code"] for refusal in row["refusals"]] for row in rows]
    assert codes[0] == []
    assert rows[0]["claim_id"] is not None
    assert codes[1] == ["not_your_worker"]  # another employer's worker: like an unknown KPJ
    assert codes[2] == ["not_reported_left"]
    assert codes[3] == ["not_reported_left"]
    assert codes[4] == ["reason_not_claimable"]
    assert "waiting_period" in codes[5]
    assert "bank_account_missing" in codes[6]
    assert codes[7] == ["membership_still_active"]
    assert all(refusal["message"] for row in rows for refusal in row["refusals"])
    assert response.json()["claims_filed"] == 1
    assert Claim.objects.count() == 1


def test_a_bad_kpj_refuses_the_request_naming_the_row(client, employer_a, key_a):
    good = leaver(employer_a).number
    response = file(client, key_a, [good, "123", good])
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"members[1].kpj", "members[2].kpj"}
    assert Claim.objects.count() == 0


def test_only_the_employer_reads_its_group_and_scopes_are_enforced(
    client, employer_a, key_a, key_b
):
    group = file(client, key_a, [leaver(employer_a).number]).json()
    assert client.get(f"{URL}/{group['id']}", **bearer(key_b)).status_code == 404
    assert client.get(URL, **bearer(key_b)).json()["count"] == 0
    read_only = make_key(employer_a, scopes=["claims:read"])
    refused = file(client, read_only, [leaver(employer_a).number])
    assert refused.status_code == 403
    assert "claims:write" in refused.json()["message"]
    write_only = make_key(employer_a, scopes=["claims:write"])
    assert client.get(f"{URL}/{group['id']}", **bearer(write_only)).status_code == 403
    listed = client.get(URL, **bearer(read_only)).json()
    assert [item["id"] for item in listed["results"]] == [group["id"]]
    assert "rows" not in listed["results"][0]


def test_progress_counts_follow_the_claims_and_missing_papers_ask_the_member(
    client, employer_a, key_a
):
    group = file(client, key_a, [leaver(employer_a).number for _ in range(4)]).json()
    moved = [row["claim_id"] for row in group["rows"][:3]]
    for claim_id in moved:
        claim_verify(claim_id=claim_id)  # what the on-commit task does
    progress = client.get(f"{URL}/{group['id']}", **bearer(key_a)).json()
    assert progress["by_status"] == {"needs_documents": 3, "submitted": 1}
    assert [row["status"] for row in progress["rows"]] == ["needs_documents"] * 3 + ["submitted"]
    claim = Claim.objects.get(pk=moved[0])
    note = claim.events.order_by("at", "pk").last()
    assert note.note_code == notes.DOCUMENTS_MISSING
    assert set(note.note_params["documents"]) == {
        "kpj_card",
        "ktp",
        "bank_book",
        "resignation_letter",
    }
    assert "Kartu Tanda Penduduk (KTP)" in note.note_text  # the documents, by name


def test_the_progress_read_costs_the_same_queries_for_any_group_size(
    client, employer_a, key_a, django_assert_num_queries
):
    small = file(client, key_a, [leaver(employer_a).number for _ in range(2)]).json()
    large = file(client, key_a, [leaver(employer_a).number for _ in range(12)]).json()
    maintenance_notice()
    client.get(f"{URL}/{small['id']}", **bearer(key_a))  # last_used_at written once a minute
    # auth + the group + its members with their claims
    with django_assert_num_queries(3):
        assert client.get(f"{URL}/{small['id']}", **bearer(key_a)).status_code == 200
    with django_assert_num_queries(3):
        assert len(client.get(f"{URL}/{large['id']}", **bearer(key_a)).json()["rows"]) == 12


def test_a_csv_file_files_the_same_and_names_its_bad_lines(client, employer_a, key_a):
    one, two = leaver(employer_a).number, leaver(employer_a).number
    bad = f"nama,kpj\nSiti,{one}\nBudi,12-34\n\nAni,{two}\n".encode()
    refused = client.post(CSV_URL, data=bad, content_type="text/csv", **bearer(key_a))
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["line[3].kpj"]
    good = f"\ufeffnama,KPJ\r\nSiti,{one}\r\n\r\nAni,{two}\r\n".encode()
    filed = client.post(
        CSV_URL,
        data=good,
        content_type="text/csv",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        **bearer(key_a),
    )
    assert filed.status_code == 201, filed.json()
    assert filed.json()["claims_filed"] == 2
    assert filed.json()["source"] == "csv"
    assert [row["kpj"] for row in filed.json()["rows"]] == [one, two]


def test_a_csv_file_must_be_csv_and_small(client, employer_a, key_a, settings):
    as_json = client.post(CSV_URL, data={"kpj": "1"}, content_type="application/json",
                          **bearer(key_a))  # fmt: skip
    assert as_json.status_code == 415
    assert as_json.json()["code"] == "unsupported_media_type"
    empty = client.post(CSV_URL, data=b"kpj\n", content_type="text/csv", **bearer(key_a))
    assert empty.status_code == 400
    assert list(empty.json()["fields"]) == ["file"]
    settings.COLLECTIVE_CLAIM_MAX_CSV_BYTES = 100
    big = ("kpj\n" + "12345678901\n" * 20).encode()
    too_large = client.post(CSV_URL, data=big, content_type="text/csv", **bearer(key_a))
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "request_too_large"


def test_many_bad_lines_are_named_up_to_the_cap_then_counted(client, key_a, settings):
    settings.COLLECTIVE_CLAIM_MAX_ROW_ERRORS = 2
    body = ("kpj\n" + "x\n" * 5).encode()
    fields = client.post(CSV_URL, data=body, content_type="text/csv", **bearer(key_a)).json()[
        "fields"
    ]
    assert set(fields) == {"line[2].kpj", "line[3].kpj", "members"}
    assert "3" in fields["members"][0]


def test_the_member_sends_the_missing_papers_and_the_claim_is_checked_again(
    client, employer_a, key_a
):
    from claims.services import claim_document_replace
    from tests.claims.conftest import RESIGNATION, checked_documents
    from tests.factories import UserFactory

    card = leaver(employer_a)
    member = card.participant
    member.user = UserFactory(password=None)
    member.save(update_fields=["user"])
    group = file(client, key_a, [card.number]).json()
    claim = Claim.objects.get(pk=group["rows"][0]["claim_id"])
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == "needs_documents"
    papers = checked_documents(member, RESIGNATION, status="pending")
    last = papers.popitem()
    for code, document in papers.items():
        claim_document_replace(claim=claim, document_type=code, document=document,
                               actor=member.user)  # fmt: skip
        claim.refresh_from_db()
        assert claim.status == "needs_documents"  # files are still missing
    claim_document_replace(claim=claim, document_type=last[0], document=last[1],
                           actor=member.user)  # fmt: skip
    claim.refresh_from_db()
    assert claim.status == "verifying"
