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
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|!doctype)\b|javascript:"
    # An event handler on any tag (`<img src=x onerror=...>`); the tag is bounded so long
    # runs of binary data are not scanned as one "tag".
    rb"|<[a-z][a-z0-9]{0,15}[\s/][^<>]{0,300}?(?<=[\s/\"'])on[a-z]{3,30}\s*=",
    re.I,
)
# Text in UTF-16/32 hides markup from a byte search; a byte-order mark says how to decode.
_BOMS = [
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]
# PDF names end at white space or a delimiter; `#xx` inside a name is a hex-escaped byte, so
# `/J#61vaScript` is `/JavaScript` to every reader and must be to this check too.
_PDF_NAME = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_ACTIVE_NAMES = {b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles",
                     b"/AA", b"/RichMedia"}  # fmt: skip
# An /OpenAction that is an action dictionary (a page destination is an array and harmless).
_PDF_OPEN_ACTION = re.compile(rb"/OpenAction\s*(?:<<|\d+\s+\d+\s+R)")
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


def _markup_views(data: bytes):
    """The bytes as they are, and as text a browser could decode them to."""
    yield data
    for bom, codec in _BOMS:
        index = data.find(bom)
        if index != -1:
            yield data[index + len(bom) :].decode(codec, "ignore").encode("utf-8", "ignore")
    # UTF-16/32 without a byte-order mark: ASCII markup is the same letters with NULs between.
    if b"\x00" in data:
        yield data.replace(b"\x00", b"")


def has_markup(data: bytes) -> bool:
    """HTML or script hidden in a file (the PNG/HTML polyglot trick), in any encoding."""
    return any(_MARKUP.search(view) is not None for view in _markup_views(data))


def pdf_names(data: bytes) -> set[bytes]:
    """Every name token in the PDF's bytes, with `#xx` escapes decoded."""
    return {
        _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), token)
        for token in _PDF_NAME.findall(data)
    }


def _normalised_pdf(data: bytes) -> bytes:
    return _PDF_NAME.sub(
        lambda name: _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name.group(0)),
        data,
    )


def _pdf_parsed_active(data: bytes) -> bool:
    """What the byte scan cannot see (compressed object streams): the parsed catalog."""
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        root = reader.trailer["/Root"].get_object()
        open_action = root.get("/OpenAction")
        if open_action is not None and hasattr(open_action.get_object(), "keys"):
            return True  # an action dictionary, not a destination
        if "/AA" in root:
            return True
        names = root.get("/Names")
        if names is not None:
            names = names.get_object()
            if "/JavaScript" in names or "/EmbeddedFiles" in names:
                return True
        for page in reader.pages[:50]:
            if "/AA" in page:
                return True
    except Exception:  # noqa: BLE001 - unreadable PDFs are refused by the pipeline's pdf check
        return False
    return False


def has_active_pdf_content(data: bytes) -> bool:
    """Scripts, launch actions, automatic actions or attachments, hex-escaped names included."""
    if pdf_names(data) & _PDF_ACTIVE_NAMES:
        return True
    if _PDF_OPEN_ACTION.search(_normalised_pdf(data)):
        return True
    return _pdf_parsed_active(data)


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


def download_file_name(*, original_name: str, content_type: str) -> str:
    """The name a download is saved under: the display name's stem, reduced to safe ASCII,
    with the extension of the type sniffed at upload (a PNG sent as x.html is x.png)."""
    stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = _NAME_UNSAFE.sub("_", stem).strip("_-")[:80].rstrip("_-") or "document"
    return f"{stem}.{EXTENSIONS.get(content_type, 'bin')}"


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
