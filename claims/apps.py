from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims")

    def ready(self):
        from participants.page_cache import pages_follow_model

        from . import signals  # noqa: F401
        from .models import Claim

        # The claims list is a cached personal page: a claim saved by any door (filed, or
        # edited in the admin) drops it. Status changes by update() drop it in claim_transition.
        pages_follow_model(Claim, lambda claim: claim.participant_id)
