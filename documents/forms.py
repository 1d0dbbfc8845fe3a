from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _help():
    return gettext("A photo (JPG or PNG) or a PDF scan, at most %(limit)s MB.") % {
        "limit": settings.DOCUMENTS_MAX_UPLOAD_BYTES // (1024 * 1024)
    }


_help_text = lazy(_help, str)


class DocumentField(forms.FileField):
    """A file input for documents; the real checks happen in documents.services.document_upload."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _help_text())
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("allow_empty_file", True)  # the service explains an empty file itself
        super().__init__(**kwargs)
