"""Staff seeing participants on an admin list page leave one "viewed" event per row shown."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.access_audit import VIEW_WINDOW
from core.models import AuditEvent
from participants import ledger
from participants.admin import ParticipantAdmin
from participants.models import JhtBalance, KpjBalance
from tests.factories import BranchFactory, KpjCardFactory, ParticipantFactory, StaffFactory

from .test_access_audit import VIEW_PERMISSIONS, records_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

LIST_PERMISSIONS = [
    *VIEW_PERMISSIONS,
    "participants.view_kpjcard",
    "participants.view_contributionposting",
    "participants.view_jhtbalance",
    "participants.view_kpjbalance",
]
PARTICIPANTS = "admin:participants_participant_changelist"


def shown_records(participant):
    """Every kind of row an audited change list shows, each naming `participant`."""
    card = KpjCardFactory(participant=participant)
    posting = ledger.ledger_contribution_post(
        kpj_card=card, month=datetime.date(2026, 1, 1), program="JHT", employer_amount=190_000,
        worker_amount=95_000, paid_on=datetime.date(2026, 2, 10),
    )  # fmt: skip
    return {
        **records_of(participant),
        "participants.kpjcard": card,
        "participants.contributionposting": posting,
        "participants.jhtbalance": JhtBalance.objects.get(participant=participant),
        "participants.kpjbalance": KpjBalance.objects.get(kpj_card=card),
    }


def changelist(label):
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_changelist")


def list_views(**filters):
    return AuditEvent.objects.filter(action="viewed", detail__via="list", **filters)


@pytest.fixture
def branch():
    return BranchFactory()


def test_each_list_records_every_row_shown_with_the_participant_it_names(client, branch):
    people = [ParticipantFactory(branch=branch) for _ in range(2)]
    records = [shown_records(person) for person in people]
    staff = StaffFactory(branch=branch, perms=LIST_PERMISSIONS)
    client.force_login(staff)

    for label in records[0]:
        assert client.get(changelist(label)).status_code == 200, label
        events = list_views(detail__record=label)
        expected = {(row[label].pk, person.pk) for row, person in zip(records, people, strict=True)}
        assert {(e.detail["id"], e.participant_id) for e in events} == expected, label
        assert {e.actor for e in events} == {staff}
        event = events.first()
        assert event.detail == {"record": label, "id": event.detail["id"], "via": "list"}


def test_a_list_of_n_rows_writes_n_events_and_a_reload_in_the_window_none(client, branch):
    people = ParticipantFactory.create_batch(7, branch=branch)
    client.force_login(StaffFactory(branch=branch, perms=LIST_PERMISSIONS))

    client.get(reverse(PARTICIPANTS))
    assert list_views().count() == 7
    client.get(reverse(PARTICIPANTS))
    client.get(reverse(PARTICIPANTS), {"q": people[0].full_name})
    assert list_views().count() == 7
    assert set(list_views().values_list("participant", flat=True)) == {p.pk for p in people}


def test_after_the_window_the_same_list_is_recorded_again(client, branch, settings, clock):
    # The process's own cache: Redis counts its expiry in real time, not the test's clock.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    clock.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    ParticipantFactory.create_batch(3, branch=branch)
    client.force_login(StaffFactory(branch=branch, perms=LIST_PERMISSIONS))
    client.get(reverse(PARTICIPANTS))
    clock.shift(VIEW_WINDOW + datetime.timedelta(seconds=1))
    client.get(reverse(PARTICIPANTS))
    assert list_views().count() == 6


def test_a_list_view_does_not_hide_opening_the_record_nor_the_reverse(client, branch):
    participant = ParticipantFactory(branch=branch)
    client.force_login(StaffFactory(branch=branch, perms=LIST_PERMISSIONS))
    change = reverse("admin:participants_participant_change", args=[participant.pk])

    client.get(reverse(PARTICIPANTS))
    client.get(change)
    client.get(reverse(PARTICIPANTS))

    details = AuditEvent.objects.filter(action="viewed").values_list("detail", flat=True)
    assert sorted(details, key=len) == [
        {"record": "participants.participant", "id": participant.pk},
        {"record": "participants.participant", "id": participant.pk, "via": "list"},
    ]


def test_only_the_rows_of_the_page_shown_are_recorded(client, branch, monkeypatch):
    monkeypatch.setattr(ParticipantAdmin, "list_per_page", 5)
    people = ParticipantFactory.create_batch(7, branch=branch)
    client.force_login(StaffFactory(branch=branch, perms=LIST_PERMISSIONS))

    page = client.get(reverse(PARTICIPANTS))
    shown = {p.pk for p in page.context["cl"].result_list}
    assert set(list_views().values_list("participant", flat=True)) == shown
    assert len(shown) == 5

    client.get(reverse(PARTICIPANTS), {"p": 2})
    assert set(list_views().values_list("participant", flat=True)) == {p.pk for p in people}


class CacheCalls:
    """Counts the calls made to the cache, whatever the backend.

    Only the outermost call counts: the local-memory backend answers `get_many` with one `get`
    per key inside the process, where Redis answers it in one round trip (MGET).
    """

    def __init__(self, monkeypatch):
        self.calls: list[str] = []
        self.depth = 0
        backend = caches["default"]
        for name in ("get", "get_many", "set", "set_many", "add", "delete", "incr"):
            monkeypatch.setattr(backend, name, self._counting(name, getattr(backend, name)))

    def _counting(self, name, original):
        def call(*args, **kwargs):
            if not self.depth:
                self.calls.append(name)
            self.depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self.depth -= 1

        return call


def _first_load(client, rows, monkeypatch):
    branch = BranchFactory()
    ParticipantFactory.create_batch(rows, branch=branch)
    client.force_login(StaffFactory(branch=branch, perms=LIST_PERMISSIONS))
    client.get(reverse("admin:index"))  # content types and session settled
    calls = CacheCalls(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(PARTICIPANTS))
    monkeypatch.undo()
    assert response.context["cl"].result_count == rows
    assert list_views(participant__branch=branch).count() == rows
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "participants_auditevent"')]
    assert len(inserts) == 1
    return len(queries), calls.calls


def test_the_list_costs_the_same_queries_and_cache_calls_for_5_or_20_rows(client, monkeypatch):
    few_queries, few_calls = _first_load(client, 5, monkeypatch)
    many_queries, many_calls = _first_load(client, 20, monkeypatch)
    assert few_queries == many_queries
    assert sorted(few_calls) == sorted(many_calls)
    # The audit's share: one cache read and one write, one INSERT for all rows.
    assert few_calls.count("get_many") == 1
    assert few_calls.count("set_many") == 1
    assert "add" not in few_calls


def test_a_reload_in_the_window_costs_no_insert(client, branch):
    ParticipantFactory.create_batch(4, branch=branch)
    client.force_login(StaffFactory(branch=branch, perms=LIST_PERMISSIONS))
    client.get(reverse(PARTICIPANTS))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(PARTICIPANTS))
    assert not [q for q in queries if "INSERT" in q["sql"] and "audit" in q["sql"]]


def test_staff_of_another_branch_see_and_audit_nothing_of_branch_a(client, branch):
    people = [ParticipantFactory(branch=branch, full_name=f"Warga Cabang A {n}") for n in (1, 2)]
    for person in people:
        shown_records(person)
    outsider = StaffFactory(branch=BranchFactory(), perms=LIST_PERMISSIONS)
    labels = shown_records(ParticipantFactory(branch=outsider.branch))
    client.force_login(outsider)

    for label in labels:
        response = client.get(changelist(label))
        assert response.status_code == 200, label
        assert "Warga Cabang A" not in response.content.decode(), label
    assert list_views(participant__branch=outsider.branch).count() == len(labels)
    assert not AuditEvent.objects.filter(participant__branch=branch, actor=outsider).exists()


def test_superusers_are_audited_for_every_branch_they_see(client, branch):
    mine, theirs = ParticipantFactory(branch=branch), ParticipantFactory(branch=BranchFactory())
    superuser = StaffFactory(is_superuser=True)
    client.force_login(superuser)
    client.get(reverse(PARTICIPANTS))
    assert set(list_views(actor=superuser).values_list("participant", flat=True)) == {
        mine.pk,
        theirs.pk,
    }


def test_an_action_or_a_redirect_writes_no_list_event(client, branch):
    card = KpjCardFactory(participant=ParticipantFactory(branch=branch))
    staff = StaffFactory(branch=branch, perms=[*LIST_PERMISSIONS, "participants.change_kpjcard"])
    client.force_login(staff)
    url = reverse("admin:participants_kpjcard_changelist")

    response = client.post(url, {"action": "report_leaver", "_selected_action": [card.pk]})
    assert response.status_code == 302
    assert client.get(url, {"joined_on__gte": "not a date"}).status_code == 302  # to "?e=1"
    assert not list_views().exists()


def test_the_autocomplete_records_the_participants_it_suggests(client, branch):
    found = [ParticipantFactory(branch=branch, full_name=f"Sari Cari {n}") for n in range(3)]
    ParticipantFactory(branch=branch, full_name="Budi Lain")
    ParticipantFactory(branch=BranchFactory(), full_name="Sari Cari Jauh")
    staff = StaffFactory(branch=branch, perms=LIST_PERMISSIONS)
    client.force_login(staff)
    query = {
        "app_label": "participants",
        "model_name": "kpjcard",
        "field_name": "participant",
        "term": "Sari Cari",
    }

    response = client.get(reverse("admin:autocomplete"), query)
    assert len(response.json()["results"]) == 3
    client.get(reverse("admin:autocomplete"), query)

    events = AuditEvent.objects.filter(action="viewed", actor=staff)
    assert {(e.participant_id, e.detail["via"]) for e in events} == {
        (p.pk, "autocomplete") for p in found
    }
    assert events.count() == 3


def test_the_login_list_records_the_participants_whose_logins_it_shows(client, branch):
    member = ParticipantFactory(branch=branch, user=StaffFactory(is_staff=False, branch=None))
    superuser = StaffFactory(is_superuser=True)
    client.force_login(superuser)
    response = client.get(reverse("admin:participants_user_changelist"))
    shown = response.context["cl"].result_list
    events = list_views(detail__record="participants.user")
    assert {e.detail["id"] for e in events} == {user.pk for user in shown}
    assert set(events.exclude(participant=None).values_list("participant", flat=True)) == {
        member.pk
    }


def test_the_counter_filing_page_records_the_participant_found_by_nik(client, branch):
    participant = ParticipantFactory(branch=branch)
    staff = StaffFactory(branch=branch, perms=[*LIST_PERMISSIONS, "claims.add_claim"])
    client.force_login(staff)
    url = reverse("admin:claims_claim_file")

    client.post(url, {"nik": participant.nik})
    client.post(url, {"nik": participant.nik})
    client.post(url, {"nik": ParticipantFactory(branch=BranchFactory()).nik})

    event = AuditEvent.objects.get(action="viewed")
    assert (event.actor, event.participant) == (staff, participant)
    assert event.detail == {
        "record": "participants.participant",
        "id": participant.pk,
        "via": "claim_filing",
    }
