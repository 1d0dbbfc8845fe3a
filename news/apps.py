from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News and guides")

    def ready(self):
        from . import maintenance  # noqa: F401 - connects the cache-clearing signals
