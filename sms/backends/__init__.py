"""SMS senders, chosen by settings.SMS_BACKEND as Django chooses its e-mail backend."""

from django.conf import settings
from django.utils.module_loading import import_string


def get_backend(path: str | None = None, **kwargs):
    return import_string(path or settings.SMS_BACKEND)(**kwargs)
