"""Notes the portal itself writes on a claim's timeline, stored as a code and its parameters
and put into words when read, in the reader's language (a worker has no reader: a sentence
stored by it would be in the server's language for everyone).

Notes typed by staff are stored as they were typed (`ClaimEvent.note`).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from documents.rules import REASONS

from .choices import DocumentType

FILE_COMPLETE = "file_complete"
DOCUMENTS_SENT = "documents_sent"
FILED_AT_COUNTER = "filed_at_counter"
DOCUMENTS_REJECTED = "documents_rejected"
DOCUMENTS_MISSING = "documents_missing"

NOTES = {
    FILE_COMPLETE: _("The file is complete and waits for a staff decision."),
    DOCUMENTS_SENT: _("New documents sent; they are being checked."),
    FILED_AT_COUNTER: _("Filed at the branch counter; identity checked by %(staff)s."),
}


def rejected_document(*, document_type: str, reason_codes: list[str], staff_note: str) -> dict:
    """One refused document as a note parameter: its type and why (check codes, or the words
    of the staff member who refused it)."""
    return {"type": document_type, "reasons": list(reason_codes), "staff_note": staff_note}


def _document_line(document: dict) -> str:
    why = document.get("staff_note") or " ".join(
        str(REASONS.get(code, code)) for code in document.get("reasons", ())
    )
    return gettext("%(document)s: %(why)s Upload it again.") % {
        "document": DocumentType(document["type"]).label,
        "why": why,
    }


def note_text(code: str, params: dict | None = None) -> str:
    """The words of a coded note, in the active language."""
    params = params or {}
    if code == DOCUMENTS_MISSING:
        return gettext(
            "Your employer filed this claim for you. Upload these documents on this page: "
            "%(documents)s."
        ) % {
            "documents": ", ".join(
                str(DocumentType(code).label) for code in params.get("documents", ())
            )
        }
    if code == DOCUMENTS_REJECTED:
        return "\n".join(_document_line(document) for document in params.get("documents", ()))
    return str(NOTES[code]) % params if params else str(NOTES[code])
