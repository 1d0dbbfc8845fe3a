"""Partners hear of claim status changes through their webhooks."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .webhooks import deliveries_for_claim_event


@receiver(post_save, sender="claims.ClaimEvent", dispatch_uid="partners.claim_webhooks")
def claim_status_webhooks(sender, instance, created, **kwargs):
    """A decoupled listener: partners' webhooks hear of every claim status change."""
    if created:
        deliveries_for_claim_event(instance)
