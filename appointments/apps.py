from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Branch appointments")

    def ready(self):
        from core.models import Branch
        from participants.dashboard import dashboard_panel_register
        from participants.page_cache import pages_follow_model

        from .models import Appointment, ServiceType
        from .selectors import appointment_next_for_participant

        # The dashboard shows the next appointment, with its service's and branch's names.
        dashboard_panel_register(
            lambda *, participant: {
                "next_appointment": appointment_next_for_participant(participant=participant)
            }
        )
        pages_follow_model(Appointment, lambda appointment: appointment.participant_id)
        pages_follow_model(Branch, None)
        pages_follow_model(ServiceType, None)
