from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

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


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


def _many_help(max_files):
    return gettext(
        "Optional: up to %(count)s files, each a photo (JPG or PNG) or a PDF of at most "
        "%(limit)s MB."
    ) % {"count": max_files(), "limit": settings.DOCUMENTS_MAX_UPLOAD_BYTES // (1024 * 1024)}


class DocumentsField(forms.FileField):
    """Several optional files in one input; each is checked by content before anything is stored.

    `max_files` is a callable (settings are read when the form is used, not at import). A
    refused file is named in the field's error, so the person knows which one to replace;
    the browser cannot keep chosen files after an error, so the error says to choose again.
    """

    default_error_messages = {
        "too_many": _lazy(
            "You chose %(count)d files; at most %(limit)d can be attached. "
            "Choose fewer files and send again."
        ),
        "refused": _lazy("%(file)s: %(problem)s"),
        "choose_again": _lazy(
            "For your safety, chosen files are not kept after an error: choose the files "
            "again before sending."
        ),
    }

    def __init__(self, *, max_files, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", lazy(_many_help, str)(max_files))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("allow_empty_file", True)  # the upload check explains an empty file
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        from .services import document_check_upload

        if isinstance(data, list | tuple):
            uploads = [upload for upload in data if upload]
        else:
            uploads = [data] if data else []
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        limit = self.max_files()
        if len(uploads) > limit:
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"count": len(uploads), "limit": limit},
            )
        errors = []
        for upload in uploads:
            try:
                document_check_upload(upload)
            except forms.ValidationError as refusal:
                for problem in refusal.messages:
                    errors.append(
                        forms.ValidationError(
                            self.error_messages["refused"],
                            code=refusal.code or "refused",
                            params={"file": upload.name, "problem": problem},
                        )
                    )
        if errors:
            errors.append(
                forms.ValidationError(self.error_messages["choose_again"], code="choose_again")
            )
            raise forms.ValidationError(errors)
        return uploads
