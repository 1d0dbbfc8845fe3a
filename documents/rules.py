"""The verification checks: pure functions over a file's bytes and a few facts.

Each check answers pass, fail (the document is rejected, the reason is shown to the
participant) or review (staff decide). Limits come in as arguments (from settings).
"""

import io
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageStat, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from . import content

PASS = "pass"  # noqa: S105 - an outcome, not a password
FAIL = "fail"
REVIEW = "review"

# Reason codes are stored; the words are looked up when shown, in the reader's language.
REASONS = {
    "ok": _("Passed."),
    "type_mismatch": _(
        "The file's content is not the type recorded at upload. Upload the document again."
    ),
    "integrity": _("The stored file changed after upload. Upload the document again."),
    "too_small_bytes": _(
        "The file is too small to be readable. Scan or photograph the whole document again."
    ),
    "too_large_bytes": _("The file is larger than allowed. Upload a smaller scan."),
    "pdf_unreadable": _("The PDF cannot be opened. Save it again as PDF, or upload a photo."),
    "pdf_encrypted": _("The PDF is protected by a password. Upload it without a password."),
    "pdf_no_pages": _("The PDF has no pages. Upload the scanned document."),
    "pdf_too_many_pages": _("The PDF has too many pages. Upload only the pages asked for."),
    "image_unreadable": _(
        "The picture cannot be opened. Take the photo again and upload it as JPG or PNG."
    ),
    "image_too_small": _(
        "The picture is too small to read. Take the photo again so the document fills it."
    ),
    "image_too_large": _("The picture is too large. Upload a smaller photo."),
    "image_blank": _(
        "The picture looks empty (one colour). Take a photo of the whole document in good light."
    ),
    "duplicate": _(
        "The same file was sent by another participant. Staff will check it before it is used."
    ),
    # The same words as the upload's refusals (services.REFUSALS): a file stored before a
    # filter was tightened is caught by the worker and told apart the same way.
    "markup": _(
        "This file contains web page code, which is not allowed. "
        "Upload a plain photo (JPG or PNG) or a PDF scan."
    ),
    "pdf_active": _(
        "This PDF contains scripts or attachments, which are not allowed. "
        "Print it to a new PDF or upload a photo."
    ),
    "not_applicable": _("Not needed for this file type."),
}


#: Rejections for what the file is (not what it claims, changed in storage, active content,
#: no viewer can open it, a decompression bomb), not for how good a scan it is: the worker
#: removes such a file's bytes and keeps the row with its reasons. A file rejected only for
#: its quality (too small, blank, too many pages) is kept, so staff can look at what the
#: participant sent and tell them what to do.
REMOVE_FILE_REASONS = frozenset({
    "type_mismatch", "integrity", "markup", "pdf_active", "pdf_unreadable", "pdf_encrypted",
    "image_unreadable", "image_too_large",
})  # fmt: skip


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    min_bytes: int
    min_width: int
    min_height: int
    max_pixels: int
    max_pages: int
    blank_stddev: float


@dataclass(frozen=True)
class CheckResult:
    check: str
    outcome: str
    reason_code: str


def _result(check, outcome, reason_code="ok"):
    return CheckResult(check=check, outcome=outcome, reason_code=reason_code)


def check_content_type(data: bytes, *, recorded_type: str, recorded_sha256: str, sha256: str):
    if sha256 != recorded_sha256:
        return _result("content_type", FAIL, "integrity")
    if content.sniff(data) != recorded_type:
        return _result("content_type", FAIL, "type_mismatch")
    return _result("content_type", PASS)


def check_size(data: bytes, *, limits: Limits):
    if len(data) < limits.min_bytes:
        return _result("size", FAIL, "too_small_bytes")
    if len(data) > limits.max_bytes:
        return _result("size", FAIL, "too_large_bytes")
    return _result("size", PASS)


def check_pdf(data: bytes, *, limits: Limits):
    if content.sniff(data) != content.PDF:
        return _result("pdf", PASS, "not_applicable")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return _result("pdf", FAIL, "pdf_encrypted")
        pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return _result("pdf", FAIL, "pdf_unreadable")
    if pages < 1:
        return _result("pdf", FAIL, "pdf_no_pages")
    if pages > limits.max_pages:
        return _result("pdf", FAIL, "pdf_too_many_pages")
    return _result("pdf", PASS)


def check_image(data: bytes, *, limits: Limits):
    """Decodes fully, has sane dimensions, and is not a blank (one-colour) picture."""
    if content.sniff(data) not in {content.PNG, content.JPEG}:
        return _result("image", PASS, "not_applicable")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > limits.max_pixels:
                return _result("image", FAIL, "image_too_large")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if min(width, height) < limits.min_height or max(width, height) < limits.min_width:
                return _result("image", FAIL, "image_too_small")
            grey = image.convert("L")
            grey.thumbnail((256, 256))
            if ImageStat.Stat(grey).stddev[0] < limits.blank_stddev:
                return _result("image", FAIL, "image_blank")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return _result("image", FAIL, "image_unreadable")
    return _result("image", PASS)


def check_safety(data: bytes):
    """The upload's content filters again, as they are today."""
    if content.has_markup(data):
        return _result("safety", FAIL, "markup")
    if content.sniff(data) == content.PDF and content.has_active_pdf_content(data):
        return _result("safety", FAIL, "pdf_active")
    return _result("safety", PASS)


def check_duplicate(*, other_owner_has_same_file: bool):
    if other_owner_has_same_file:
        return _result("duplicate", REVIEW, "duplicate")
    return _result("duplicate", PASS)


def removes_file(results: list[CheckResult]) -> bool:
    """Does a failed check say the stored file must go (REMOVE_FILE_REASONS)?"""
    return any(r.outcome == FAIL and r.reason_code in REMOVE_FILE_REASONS for r in results)


def final_status(results: list[CheckResult]) -> str:
    """rejected if any check failed, needs_review if any asks for staff, else verified."""
    outcomes = {result.outcome for result in results}
    if FAIL in outcomes:
        return "rejected"
    if REVIEW in outcomes:
        return "needs_review"
    return "verified"
