import datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from core.models import AuditEvent
from documents.models import Document, DocumentCheck
from documents.services import (
    document_claim,
    document_review,
    document_upload,
    document_verify,
    documents_requeue_stuck,
)
from documents.tasks import document_verify_task
from tests.documents.files import image_bytes, pdf_bytes, upload
from tests.factories import ParticipantFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def uploaded(participant, name, data, *, capture):
    with capture(execute=True):
        document = document_upload(owner=participant, kind="ktp", upload=upload(name, data),
                                   actor=None)  # fmt: skip
    document.refresh_from_db()
    return document


def outcomes(document):
    return {check.check_name: (check.outcome, check.reason_code) for check in document.checks.all()}


def test_a_clear_photo_is_verified_with_every_check_recorded(django_capture_on_commit_callbacks):
    document = uploaded(ParticipantFactory(), "ktp.png", image_bytes(),
                        capture=django_capture_on_commit_callbacks)  # fmt: skip

    assert document.status == Document.Status.VERIFIED
    assert outcomes(document) == {
        "content_type": ("pass", "ok"),
        "size": ("pass", "ok"),
        "pdf": ("pass", "not_applicable"),
        "image": ("pass", "ok"),
        "safety": ("pass", "ok"),
        "duplicate": ("pass", "ok"),
    }
    assert document.attempts == 1
    assert AuditEvent.objects.filter(action="document_checked").count() == 1


def test_a_multi_page_pdf_is_verified(django_capture_on_commit_callbacks):
    document = uploaded(ParticipantFactory(), "kk.pdf", pdf_bytes(pages=2),
                        capture=django_capture_on_commit_callbacks)  # fmt: skip
    assert document.status == Document.Status.VERIFIED
    assert outcomes(document)["pdf"] == ("pass", "ok")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (image_bytes(blank=True), "image_blank"),
        (image_bytes(size=(300, 200)), "image_too_small"),
        (b"%PDF-1.4\n" + b"0" * 4000 + b"\n%%EOF", "pdf_unreadable"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 3000, "image_unreadable"),
    ],
)
def test_unreadable_or_useless_files_are_rejected_with_a_reason(
    data, reason, django_capture_on_commit_callbacks
):
    name = "scan.pdf" if data.startswith(b"%PDF") else "ktp.png"
    document = uploaded(ParticipantFactory(), name, data,
                        capture=django_capture_on_commit_callbacks)  # fmt: skip

    assert document.status == Document.Status.REJECTED
    failed = [check for check in document.checks.all() if check.outcome == "fail"]
    assert [check.reason_code for check in failed] == [reason]
    assert str(failed[0].reason)


def test_the_same_file_from_another_participant_goes_to_staff(django_capture_on_commit_callbacks):
    data = image_bytes()
    first = uploaded(
        ParticipantFactory(), "a.png", data, capture=django_capture_on_commit_callbacks
    )
    second = uploaded(ParticipantFactory(), "b.png", data,
                      capture=django_capture_on_commit_callbacks)  # fmt: skip

    assert first.status == Document.Status.VERIFIED
    assert second.status == Document.Status.NEEDS_REVIEW
    assert outcomes(second)["duplicate"] == ("review", "duplicate")


def test_a_file_changed_in_storage_fails_the_integrity_check(django_capture_on_commit_callbacks):
    participant = ParticipantFactory()
    with django_capture_on_commit_callbacks(execute=False):
        document = document_upload(owner=participant, kind="ktp", upload=upload(), actor=None)
    default_storage.delete(document.storage_name)
    default_storage.save(document.storage_name, upload("x.png", image_bytes()))

    assert document_verify(document_id=document.pk, claim_token="t1") == "rejected"
    document.refresh_from_db()
    assert outcomes(document)["content_type"] == ("fail", "integrity")


def test_running_the_task_twice_checks_once(django_capture_on_commit_callbacks):
    document = uploaded(ParticipantFactory(), "ktp.png", image_bytes(),
                        capture=django_capture_on_commit_callbacks)  # fmt: skip

    assert document_verify_task.delay(document.pk).get() is None

    assert DocumentCheck.objects.filter(document=document).count() == 6
    assert AuditEvent.objects.filter(action="document_checked").count() == 1


def test_a_live_claim_is_not_taken_but_a_stuck_one_is(django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=False):
        document = document_upload(owner=ParticipantFactory(), kind="ktp", upload=upload(),
                                   actor=None)  # fmt: skip
    assert document_claim(document_id=document.pk, claim_token="first") is True
    assert document_claim(document_id=document.pk, claim_token="second") is False
    assert document_claim(document_id=document.pk, claim_token="first") is True  # redelivered

    later = timezone.now() + datetime.timedelta(seconds=settings.DOCUMENTS_STUCK_AFTER_SECONDS + 5)
    with time_machine.travel(later):
        assert document_claim(document_id=document.pk, claim_token="second") is True
    # The first run (taken over) can no longer finish it.
    document.refresh_from_db()
    assert document.claim_token == "second"
    assert document.attempts == 3


def test_the_beat_job_requeues_only_stuck_documents(django_capture_on_commit_callbacks, settings):
    participant = ParticipantFactory()
    with django_capture_on_commit_callbacks(execute=False):
        stuck = document_upload(owner=participant, kind="ktp", upload=upload(), actor=None)
        fresh = document_upload(owner=participant, kind="kk",
                                upload=upload("kk.png", image_bytes()), actor=None)  # fmt: skip
    document_claim(document_id=stuck.pk, claim_token="dead-worker")
    later = timezone.now() + datetime.timedelta(seconds=settings.DOCUMENTS_STUCK_AFTER_SECONDS + 5)
    Document.objects.filter(pk=fresh.pk).update(created_at=later)

    with (
        time_machine.travel(later),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        requeued = documents_requeue_stuck(now=timezone.now())

    assert requeued == [stuck.pk]
    assert len(callbacks) == 1
    stuck.refresh_from_db()
    assert stuck.status == Document.Status.VERIFIED
    assert stuck.attempts == 2


def test_staff_decide_a_document_left_for_review_once(django_capture_on_commit_callbacks):
    data = image_bytes()
    uploaded(ParticipantFactory(), "a.png", data, capture=django_capture_on_commit_callbacks)
    document = uploaded(ParticipantFactory(), "b.png", data,
                        capture=django_capture_on_commit_callbacks)  # fmt: skip
    staff = StaffFactory(branch=document.owner.branch)

    assert document_review(document=document, staff=staff, accept=True) is True
    assert document_review(document=document, staff=staff, accept=False, note="late") is False
    document.refresh_from_db()
    assert document.status == Document.Status.VERIFIED


def test_staff_write_a_note_on_a_document_in_the_admin_and_nothing_else_changes(
    client, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    document = uploaded(ParticipantFactory(), "a.png", image_bytes(),
                        capture=django_capture_on_commit_callbacks)  # fmt: skip
    staff = StaffFactory(branch=document.owner.branch, password=None)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="documents", codename__in=[
            "view_document", "change_document"])
    )  # fmt: skip
    client.force_login(staff)
    url = reverse("admin:documents_document_change", args=[document.pk])
    response = client.post(url, {"staff_note": "Foto buram.", "checks-TOTAL_FORMS": "0",
                                 "checks-INITIAL_FORMS": "0"})  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    document.refresh_from_db()
    assert (document.staff_note, document.status) == ("Foto buram.", Document.Status.VERIFIED)
