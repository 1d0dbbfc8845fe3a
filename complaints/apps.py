from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from participants.dashboard import dashboard_panel_register
        from participants.page_cache import pages_follow_model

        from .models import Ticket
        from .selectors import ticket_open_count_for_participant

        # The dashboard counts the participant's open complaints.
        dashboard_panel_register(
            lambda *, participant: {
                "open_complaints": ticket_open_count_for_participant(participant=participant)
            }
        )
        pages_follow_model(Ticket, lambda ticket: ticket.participant_id)
