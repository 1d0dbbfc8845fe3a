"""What a file really is, decided by its bytes (never by its name or the browser's word).

Pure functions over bytes: the upload service refuses what fails here before anything is
stored, and the verification pipeline runs the deeper checks in `rules.py`.
"""

import re
import unicodedata
from dataclasses import dataclass

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg"}

_MAGIC = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
]
# Markup a browser could be talked into running if the file were ever rendered inline.
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|!doctype)\b|javascript:", re.I
)
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile)\b")
_FORBIDDEN_NAME_CHARS = re.compile(r"[/\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Refusal:
    code: str


def sniff(data: bytes) -> str | None:
    """The allowed type the leading bytes declare, or None."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def has_markup(data: bytes) -> bool:
    """HTML or script hidden in a file (the PNG/HTML polyglot trick)."""
    return _MARKUP.search(data) is not None


def has_active_pdf_content(data: bytes) -> bool:
    return _PDF_ACTIVE.search(data) is not None


def display_name_problem(name: str) -> str | None:
    """Why a file name cannot even be kept as display text, or None when it can."""
    if not name or name.strip() in {"", ".", ".."}:
        return "name_missing"
    if _FORBIDDEN_NAME_CHARS.search(name) or ".." in name.replace("\\", "/").split("/"):
        return "name_path"
    if len(name) > 150:
        return "name_long"
    return None


def clean_display_name(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


def check_upload(*, data: bytes, name: str, max_bytes: int) -> tuple[str | None, Refusal | None]:
    """The detected content type, or the reason to refuse the upload outright."""
    problem = display_name_problem(name)
    if problem:
        return None, Refusal(problem)
    if not data:
        return None, Refusal("empty")
    if len(data) > max_bytes:
        return None, Refusal("too_large")
    content_type = sniff(data)
    if content_type is None:
        return None, Refusal("type")
    if has_markup(data):
        return None, Refusal("markup")
    if content_type == PDF and has_active_pdf_content(data):
        return None, Refusal("pdf_active")
    return content_type, None


_NAME_EXTENSION = re.compile(r"\.(?:pdf|png|jpe?g)$", re.I)
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def archive_file_name(*, document_id: int, kind: str, original_name: str, content_type: str) -> str:
    """A name to give a stored file in a download archive, safe to unpack anywhere.

    Built from the id (unique), the kind and the display name reduced to ASCII letters,
    digits, `_` and `-`: no dots, slashes or drive letters survive, so no path from user
    input. The extension comes from the type sniffed at upload, never from the name.
    """
    stem = _NAME_EXTENSION.sub("", original_name)
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = _NAME_UNSAFE.sub("_", stem).strip("_-")[:60].rstrip("_-")
    kind = _NAME_UNSAFE.sub("_", kind).strip("_-")[:20] or "file"
    extension = EXTENSIONS.get(content_type, "bin")
    return "-".join(part for part in (str(int(document_id)), kind, stem) if part) + f".{extension}"
