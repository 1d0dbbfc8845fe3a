"""A real Celery worker checks the claim's uploads, and their verdict moves the claim."""

import time

import pytest
from django.db import transaction

from claims.choices import Status
from claims.models import Claim
from claims.services import claim_file
from documents.services import document_upload
from tests.claims.conftest import submit_kwargs
from tests.documents.files import image_bytes, upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for_status(claim_id, wanted, *, timeout=40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Claim.objects.values_list("status", flat=True).get(pk=claim_id)
        if status == wanted:
            return
        time.sleep(0.2)
    pytest.fail(f"claim {claim_id} stayed '{status}', expected '{wanted}' within {timeout}s")


@pytest.mark.parametrize(("blank", "outcome"), [((), Status.IN_REVIEW),
                                                (("ktp",), Status.NEEDS_DOCUMENTS)])  # fmt: skip
def test_the_workers_document_verdict_moves_the_claim(
    resigned, claim_rules, celery_worker, blank, outcome
):
    """Uploads and the claim commit together; the worker checks the files and, through the
    document-checked signal (on commit), verifies the claim: review, or documents needed."""
    with transaction.atomic():
        documents = {
            code: document_upload(
                owner=resigned,
                kind="supporting",
                upload=upload(f"{code}.png", image_bytes(blank=code in blank)),
                actor=resigned.user,
            )
            for code in ("kpj_card", "ktp", "bank_book", "resignation_letter")
        }
        claim = claim_file(**submit_kwargs(resigned, documents=documents)).claim

    wait_for_status(claim.pk, outcome)
    claim.refresh_from_db()
    if outcome == Status.NEEDS_DOCUMENTS:
        assert "Kartu Tanda Penduduk (KTP)" in claim.current_note_text
