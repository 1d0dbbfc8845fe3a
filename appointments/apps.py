from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Branch appointments")

    def ready(self):
        from participants.page_cache import pages_follow_model

        from .models import Appointment, Branch, ServiceType

        # The dashboard shows the next appointment, with its service's and branch's names.
        pages_follow_model(Appointment, lambda appointment: appointment.participant_id)
        pages_follow_model(Branch, None)
        pages_follow_model(ServiceType, None)
