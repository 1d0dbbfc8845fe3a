from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.access_audit import EXPORTED, staff_access_record

from .content import download_file_name
from .selectors import document_get_for_viewer


@require_GET
@login_required
def document_download(request, document_id: int):
    """The only way to a file: authorised, as an attachment, never sniffed by the browser."""
    document = document_get_for_viewer(user=request.user, document_id=document_id)
    if document.owner is None or document.owner.user_id != request.user.pk:
        # Staff took a copy of someone's document: always on the audit log.
        staff_access_record(
            staff=request.user, obj=document, participant_id=document.owner_id, action=EXPORTED
        )
    return document_file_response(request, document)


def document_file_response(request, document):
    """The file as a download with the safe headers; callers have authorised the viewer.

    A file the check refused as unsafe or unreadable is gone: 410 and a page saying why."""
    if document.file_removed_at is not None:
        return render(
            request,
            "documents/file_removed.html",
            {"document": document, "reasons": document.failed_reasons()},
            status=410,
        )
    try:
        stored = default_storage.open(document.storage_name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=download_file_name(
            original_name=document.original_name, content_type=document.content_type
        ),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
