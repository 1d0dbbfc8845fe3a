"""The claims list from the page cache (participants/page_cache.py): served without reading a
claim, equal to a fresh render right after a claim is filed, moved or sent documents by any
door (the participant, staff, a partner's API, the verification task), and only ever shown to
its owner.

Each write case views the list first (caching it), commits the write, then compares the list
with the same list rendered with the cache off, and checks that the write changed it.
"""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.choices import Status
from claims.models import Claim
from claims.services import claim_transition
from tests.claims.test_documents import form
from tests.documents.files import upload
from tests.factories import (
    BankAccountFactory,
    ClaimFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)
from tests.partners.conftest import bearer, make_key

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("media_root"),
    pytest.mark.frozen_at(datetime.datetime(2026, 1, 14, 9, 0, tzinfo=JAKARTA)),
]


def claims_list(client) -> str:
    """The list from <main> on: the header's CSRF token differs on every response."""
    response = client.get(reverse("claims:list"))
    assert response.status_code == 200
    body = response.content.decode()
    return body[body.index("<main") :]


@pytest.fixture
def budi(client, resigned):
    client.force_login(resigned.user)
    return resigned


@pytest.fixture
def follows(client, django_capture_on_commit_callbacks):
    def check(write):
        before = claims_list(client)
        with django_capture_on_commit_callbacks(execute=True):
            write()
        claims_list(client)  # shows and so consumes the write's flash message
        cached = claims_list(client)
        with override_settings(PAGE_CACHE_SECONDS=0):
            fresh = claims_list(client)
        assert cached == fresh, "the claims list is stale after the write"
        assert fresh != before, "the write did not change the list, so this case proves nothing"
        return fresh

    return check


def test_a_cached_list_is_served_without_reading_a_claim(client, budi):
    claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    claims_list(client)  # renders and stores it (and warms the maintenance-notice cache)
    with CaptureQueriesContext(connection) as queries:
        body = claims_list(client)
    assert f"#{claim.pk}" in body
    read = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in read if "claims_claim" in sql], read
    assert len(read) == 2, read  # the session and its user, as on every signed-in page


def test_filed_by_the_participant_then_moved_by_the_verification_task(client, budi, follows):
    page = follows(lambda: client.post(reverse("claims:file"), form(blank=("ktp",))))
    claim = Claim.objects.get()
    assert claim.status == Status.NEEDS_DOCUMENTS  # the eager task checked the blank KTP
    assert f"#{claim.pk}" in page
    assert "status-needs_documents" in page


def test_documents_sent_again(client, budi, follows, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("claims:file"), form(blank=("ktp",)))
    claim = Claim.objects.get()
    url = reverse("claims:document_send", args=[claim.pk, "ktp"])
    page = follows(lambda: client.post(url, {"file": upload("ktp2.png")}))
    assert "status-in_review" in page


def test_moved_by_staff(budi, follows):
    claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    staff = StaffFactory(branch=budi.branch, password=None)
    page = follows(
        lambda: claim_transition(
            claim=claim, to_status=Status.NEEDS_DOCUMENTS, actor=staff, reason="KTP buram"
        )
    )
    assert "status-needs_documents" in page


def test_filed_by_a_partner_api(client, follows):
    worker = ParticipantFactory(user=UserFactory(password=None))
    card = KpjCardFactory(
        participant=worker,
        status="non_active",
        joined_on=datetime.date(2015, 1, 1),
        left_on=timezone.localdate() - datetime.timedelta(days=60),
        left_reason="resignation",
    )
    BankAccountFactory(participant=worker, account_name=worker.full_name.upper())
    key = make_key(card.employer)
    client.force_login(worker.user)
    partner = type(client)()

    def file():
        response = partner.post(
            "/api/v1/employers/me/collective-claims",
            data={"members": [{"kpj": card.number}]},
            content_type="application/json",
            **bearer(key),
        )
        assert response.status_code == 201, response.json()

    page = follows(file)
    assert f"#{Claim.objects.get(participant=worker).pk}" in page


def test_one_participant_never_sees_anothers_cached_list(client, budi):
    mine = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    assert f"#{mine.pk}" in claims_list(client)  # budi's list is cached now
    other = ParticipantFactory(user=UserFactory(password=None))
    theirs = ClaimFactory(participant=other, status=Status.SUBMITTED)
    client.force_login(other.user)
    page = claims_list(client)
    assert f"#{theirs.pk}" in page
    assert f"#{mine.pk}" not in page
    client.force_login(budi.user)
    page = claims_list(client)
    assert f"#{mine.pk}" in page
    assert f"#{theirs.pk}" not in page
