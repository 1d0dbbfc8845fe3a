from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The project itself as an app, so its own system checks are registered at start-up."""

    name = "jmo_portal"
    verbose_name = _("JMO Portal")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deploy checks
