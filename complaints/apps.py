from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from participants.page_cache import pages_follow_model

        from .models import Ticket

        # The dashboard counts the participant's open complaints.
        pages_follow_model(Ticket, lambda ticket: ticket.participant_id)
