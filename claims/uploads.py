"""Claim files go through the documents app: one helper for the portal form and the admin."""

from django.core.exceptions import ValidationError

from documents.services import document_upload

from .choices import DOCUMENT_KIND_OTHER, DOCUMENT_KINDS


def store_uploads(
    *, uploads: dict, form, participant, user, field_for=lambda code: f"document_{code}"
) -> dict:
    """Each chosen file through the documents app (content checks, storage, verification
    queued); a refused file becomes an error on its own field. Returns {type: Document}."""
    stored = {}
    for code, upload in uploads.items():
        try:
            stored[code] = document_upload(
                owner=participant,
                kind=DOCUMENT_KINDS.get(code, DOCUMENT_KIND_OTHER),
                upload=upload,
                actor=user,
            )
        except ValidationError as error:
            form.add_error(field_for(code), error)
    return stored
