"""Writes for documents: upload, the verification pipeline's claim and finish, staff review."""

import contextlib
import datetime
import hashlib
import time
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent, Branch
from outbox.services import enqueue_on_commit
from participants.models import Participant, User

from . import content, rules
from .models import Document, DocumentCheck
from .signals import document_checked

REFUSALS = {
    "name_missing": _("The file has no name. Choose the file again."),
    "name_path": _(
        "The file name contains folder signs (/ or \\) or hidden characters. "
        "Rename the file, for example ktp.jpg, and upload it again."
    ),
    "name_long": _("The file name is longer than 150 characters. Rename the file and try again."),
    "empty": _("The file is empty. Choose the scan or photo of your document."),
    "too_large": _(
        "The file is larger than %(limit)s MB. Take the photo in a lower resolution or "
        "scan it again, then upload it."
    ),
    "type": _(
        "This file is not a PDF, JPG or PNG (we check the content, not the name). "
        "Upload a photo (JPG or PNG) or a PDF scan."
    ),
    "markup": _(
        "This file contains web page code, which is not allowed. "
        "Upload a plain photo (JPG or PNG) or a PDF scan."
    ),
    "pdf_active": _(
        "This PDF contains scripts or attachments, which are not allowed. "
        "Print it to a new PDF or upload a photo."
    ),
}


QUOTA_REFUSALS = {
    "quota_count": _(
        "You have already uploaded %(limit)s files today, the most for one day. "
        "Upload the rest tomorrow, or bring the documents to a branch office."
    ),
    "quota_bytes": _(
        "This file would take today's uploads over %(limit)s MB, the most for one day. "
        "Upload it tomorrow, or bring the document to a branch office."
    ),
}


def _check_quota(*, owner: Participant, size: int) -> None:
    """A participant's uploads per day, in files and bytes (settings); refused files never
    count, as they are never stored. The owner's row is locked so two uploads at once
    cannot both take the last place."""
    Participant.objects.select_for_update().filter(pk=owner.pk).values_list("pk").first()
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    used = Document.objects.filter(owner=owner, created_at__gte=today).aggregate(
        count=Count("pk"), size=Sum("size")
    )
    if used["count"] >= settings.DOCUMENTS_DAILY_UPLOAD_COUNT:
        raise ValidationError(
            QUOTA_REFUSALS["quota_count"],
            code="quota_count",
            params={"limit": settings.DOCUMENTS_DAILY_UPLOAD_COUNT},
        )
    if (used["size"] or 0) + size > settings.DOCUMENTS_DAILY_UPLOAD_BYTES:
        raise ValidationError(
            QUOTA_REFUSALS["quota_bytes"],
            code="quota_bytes",
            params={"limit": settings.DOCUMENTS_DAILY_UPLOAD_BYTES // (1024 * 1024)},
        )


def _limits() -> rules.Limits:
    return rules.Limits(
        max_bytes=settings.DOCUMENTS_MAX_UPLOAD_BYTES,
        min_bytes=settings.DOCUMENTS_MIN_READABLE_BYTES,
        min_width=settings.DOCUMENTS_IMAGE_MIN_LONG_SIDE,
        min_height=settings.DOCUMENTS_IMAGE_MIN_SHORT_SIDE,
        max_pixels=settings.DOCUMENTS_IMAGE_MAX_PIXELS,
        max_pages=settings.DOCUMENTS_PDF_MAX_PAGES,
        blank_stddev=settings.DOCUMENTS_IMAGE_BLANK_STDDEV,
    )


def _refuse(code: str):
    params = {"limit": settings.DOCUMENTS_MAX_UPLOAD_BYTES // (1024 * 1024)}
    return ValidationError(REFUSALS[code], code=code, params=params)


def _read_upload(upload) -> bytes:
    """At most one byte more than the limit, so a huge file is never read whole."""
    limit = settings.DOCUMENTS_MAX_UPLOAD_BYTES
    if getattr(upload, "size", None) is not None and upload.size > limit:
        raise _refuse("too_large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read(limit + 1)


def _enqueue_verification(document_id: int) -> None:
    from .tasks import document_verify_task

    enqueue_on_commit(document_verify_task, document_id)


def document_check_upload(upload) -> tuple[bytes, str]:
    """The file's bytes and content type if it may be stored, else ValidationError.

    Forms call it to refuse a file on its field before anything is written (so a form with
    several files stores none of them when one is refused); the upload calls it again.
    """
    name = getattr(upload, "name", "") or ""
    problem = content.display_name_problem(name)
    if problem:
        raise _refuse(problem)
    data = _read_upload(upload)
    content_type, refusal = content.check_upload(
        data=data, name=name, max_bytes=settings.DOCUMENTS_MAX_UPLOAD_BYTES
    )
    if refusal:
        raise _refuse(refusal.code)
    return data, content_type


@transaction.atomic
def document_upload(
    *,
    owner: Participant | None,
    kind: str,
    upload,
    actor: User | None,
    branch: Branch | None = None,
) -> Document:
    """Check the file by its content, store it under a generated name, queue verification.

    Raises ValidationError (with a message for the file field) and stores nothing when the
    file is refused. A file from a visitor without an account has no owner and must name the
    branch whose staff may see it.
    """
    if owner is None and branch is None:
        raise ValueError("a document without an owner needs the branch whose staff may see it")
    name = getattr(upload, "name", "") or ""
    data, content_type = document_check_upload(upload)
    if owner is not None:
        _check_quota(owner=owner, size=len(data))
    storage_name = (
        f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{content.EXTENSIONS[content_type]}"
    )
    document = Document(
        owner=owner,
        branch=None if owner else branch,
        kind=kind,
        original_name=content.clean_display_name(name),
        storage_name=storage_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    document.full_clean()
    saved_name = default_storage.save(storage_name, ContentFile(data))
    if saved_name != storage_name:  # a storage that renames would break the link
        default_storage.delete(saved_name)
        raise RuntimeError("storage renamed a generated document name")
    try:
        document.save()
        AuditEvent.objects.create(
            actor=actor,
            participant=owner,
            action="document_uploaded",
            detail={"document": document.pk, "kind": kind, "size": document.size},
        )
    except Exception:
        default_storage.delete(storage_name)
        raise
    _enqueue_verification(document.pk)
    return document


def document_files_discard(*, documents) -> None:
    """Delete the files of uploads whose rows the caller's transaction rolled back (what they
    came with was refused after they were stored): the storage is not part of a transaction."""
    for document in documents:
        default_storage.delete(document.storage_name)


@contextlib.contextmanager
def documents_discarded_on_error():
    """Around a transaction that stores uploads: the caller appends each upload to the list
    it gets, and if the block fails their files are deleted with the rolled-back rows."""
    stored: list[Document] = []
    try:
        yield stored
    except BaseException:
        document_files_discard(documents=stored)
        raise


def _maybe_pause_for_tests() -> None:
    """Test-only seam: the worker-kill test slows a verification to kill it mid-way.

    Only settings/test.py defines this; production never sleeps here.
    """
    delay = getattr(settings, "DOCUMENTS_VERIFY_TEST_DELAY_SECONDS", 0)
    if delay:
        time.sleep(delay)


def document_claim(*, document_id: int, claim_token: str, worker: str = "") -> bool:
    """Take the document for checking by a conditional UPDATE; True if this caller has it.

    Claimable: pending; verifying under the same token (the same task message, redelivered
    after its worker died); or verifying for longer than the stuck threshold.
    """
    now = timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.DOCUMENTS_STUCK_AFTER_SECONDS)
    claimable = (
        Q(status=Document.Status.PENDING)
        | Q(status=Document.Status.VERIFYING, claim_token=claim_token)
        | Q(status=Document.Status.VERIFYING, verifying_since__lt=stale_before)
    )
    claimed = Document.objects.filter(claimable, pk=document_id).update(
        status=Document.Status.VERIFYING,
        claim_token=claim_token,
        claimed_by=worker[:120],
        verifying_since=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    return claimed == 1


def _read_stored(document: Document) -> bytes:
    try:
        with default_storage.open(document.storage_name, "rb") as stored:
            return stored.read(settings.DOCUMENTS_MAX_UPLOAD_BYTES + 1)
    except FileNotFoundError:
        return b""


def _run_checks(document: Document, data: bytes) -> list[rules.CheckResult]:
    limits = _limits()
    same_file = Document.objects.filter(sha256=document.sha256).exclude(pk=document.pk)
    if document.owner_id:  # another owner's file, or one sent without an account
        same_file = same_file.exclude(owner_id=document.owner_id)
    else:  # a visitor's file: only a participant's own document counts against it
        same_file = same_file.filter(owner__isnull=False)
    other_owner_has_same_file = same_file.exists()
    return [
        rules.check_content_type(
            data,
            recorded_type=document.content_type,
            recorded_sha256=document.sha256,
            sha256=hashlib.sha256(data).hexdigest(),
        ),
        rules.check_size(data, limits=limits),
        rules.check_pdf(data, limits=limits),
        rules.check_image(data, limits=limits),
        rules.check_safety(data),
        rules.check_duplicate(other_owner_has_same_file=other_owner_has_same_file),
    ]


@transaction.atomic
def _document_finish(*, document_id: int, claim_token: str, results) -> Document | None:
    """Write every check and the final status at once, only if this claim still holds."""
    document = (
        Document.objects.select_for_update(of=("self",)).select_related("owner").get(pk=document_id)
    )
    if document.status != Document.Status.VERIFYING or document.claim_token != claim_token:
        return None
    DocumentCheck.objects.bulk_create(
        DocumentCheck(
            document=document,
            check_name=result.check,
            outcome=result.outcome,
            reason_code=result.reason_code,
        )
        for result in results
    )
    document.status = rules.final_status(results)
    document.finished_at = timezone.now()
    remove = rules.removes_file(results)
    if remove:
        document.file_removed_at = document.finished_at
    document.save(update_fields=["status", "finished_at", "file_removed_at", "updated_at"])
    AuditEvent.objects.create(
        participant=document.owner,
        action="document_checked",
        detail={"document": document.pk, "status": document.status, "attempt": document.attempts,
                "file_removed": remove},
    )  # fmt: skip
    if remove:
        from .tasks import document_file_remove_task

        # After commit, through the outbox: the row says "removed" first, and a storage that
        # is down is tried again rather than left holding the file.
        enqueue_on_commit(document_file_remove_task, document.pk)
    document_checked.send(sender=Document, document=document)
    return document


def document_file_remove(*, document_id: int) -> bool:
    """Delete the bytes of a file the check refused (file_removed_at set); idempotent."""
    name = (
        Document.objects.filter(pk=document_id, file_removed_at__isnull=False)
        .values_list("storage_name", flat=True)
        .first()
    )
    if name is None:
        return False
    default_storage.delete(name)
    return True


def document_verify(*, document_id: int, claim_token: str, worker: str = "") -> str | None:
    """Run the pipeline once; the final status, or None when another run owns or ended it."""
    if not document_claim(document_id=document_id, claim_token=claim_token, worker=worker):
        return None
    _maybe_pause_for_tests()
    document = Document.objects.get(pk=document_id)
    results = _run_checks(document, _read_stored(document))
    finished = _document_finish(document_id=document_id, claim_token=claim_token, results=results)
    return finished.status if finished else None


def documents_requeue_stuck(*, now: datetime.datetime) -> list[int]:
    """Queue again documents stuck in checking (a worker died) or never picked up."""
    stale_before = now - datetime.timedelta(seconds=settings.DOCUMENTS_STUCK_AFTER_SECONDS)
    ids = list(
        Document.objects.filter(
            Q(status=Document.Status.VERIFYING, verifying_since__lt=stale_before)
            | Q(status=Document.Status.PENDING, created_at__lt=stale_before)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[: settings.DOCUMENTS_REQUEUE_BATCH]
    )
    with transaction.atomic():
        for document_id in ids:
            _enqueue_verification(document_id)
    return ids


@transaction.atomic
def document_review(*, document: Document, staff: User, accept: bool, note: str = "") -> bool:
    """Staff decide a document the pipeline left for them; False if it was already decided."""
    new_status = Document.Status.VERIFIED if accept else Document.Status.REJECTED
    if not accept and not note.strip():
        raise ValidationError(
            {
                "staff_note": _(
                    "Write the reason for rejecting, so the participant knows what to do."
                )
            }
        )
    now = timezone.now()
    decided = Document.objects.filter(pk=document.pk, status=Document.Status.NEEDS_REVIEW).update(
        status=new_status, staff_note=note[:300], finished_at=now, updated_at=now
    )
    if decided != 1:
        return False
    document.refresh_from_db()
    AuditEvent.objects.create(
        actor=staff,
        participant=document.owner,
        action="document_reviewed",
        detail={"document": document.pk, "status": new_status},
    )
    document_checked.send(sender=Document, document=document)
    return True


def document_staff_note_set(*, document: Document, note: str) -> Document:
    """Staff's note on a document: the reason the reject action passes on to the participant.
    Only the note is written; the status changes through `document_review`."""
    document.staff_note = Document._meta.get_field("staff_note").clean(note, document)
    document.save(update_fields=["staff_note", "updated_at"])
    return document
