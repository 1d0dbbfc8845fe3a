from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataUpdatesConfig(AppConfig):
    name = "data_updates"
    verbose_name = _("Data updates (pengkinian data)")

    def ready(self):
        from . import signals  # noqa: F401
