"""Separate queues on real workers: a participant's KTP check does not wait behind payroll.

A pool for the `documents` queue only (as docker-compose.yml runs one) verifies a document
while a partner's contribution report waits on the `imports` queue, which no pool here
consumes: with one shared queue the check would stand behind the import.
"""

import pytest
import redis
from django.test import Client

from documents.models import Document
from documents.services import document_upload
from partners.models import ContributionReport
from tests.documents.files import upload
from tests.factories import KpjCardFactory, ParticipantFactory
from tests.polling import wait_for

from .conftest import bearer, make_key

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("dated_rules"),
]


def test_a_documents_pool_verifies_while_the_import_waits_on_its_own_queue(
    start_worker, employer_a, settings
):
    settings.CONTRIBUTIONS_ASYNC_ROWS = 5  # this report goes to the worker, like a large one
    start_worker(queues=["documents"])
    cards = [KpjCardFactory(number=f"6300000000{i}", employer=employer_a) for i in range(3)]
    rows = [{"kpj": card.number, "month": f"2025-0{m}", "wage": 5_000_000}
            for card in cards for m in (1, 2)]  # fmt: skip
    key = make_key(employer_a)
    response = Client().post(
        "/api/v1/employers/me/contributions", data={"rows": rows},
        content_type="application/json", **bearer(key),
    )  # fmt: skip
    assert response.status_code == 202, response.json()
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert broker.llen("imports") == 1

    document = document_upload(owner=ParticipantFactory(), kind="ktp", upload=upload(), actor=None)

    done = wait_for(lambda: Document.objects.get(pk=document.pk).is_final or None, timeout=20,
                    what="the documents pool to verify the upload")  # fmt: skip
    assert done is True
    assert Document.objects.get(pk=document.pk).status == Document.Status.VERIFIED
    report = ContributionReport.objects.get(pk=response.json()["id"])
    assert report.status == "queued"
    assert broker.llen("imports") == 1  # still there: only its own pool takes it
