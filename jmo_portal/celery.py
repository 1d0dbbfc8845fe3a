import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jmo_portal.settings.local")

app = Celery("jmo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs):
    """Keep Django's LOGGING (every handler masks personal data) instead of Celery's own
    handlers, which would log task results and errors unmasked."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
