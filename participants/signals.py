"""Login hooks (activity is recorded by a Celery task after the login commits), document and
claim listeners, and the personal pages following the rows they show."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from documents.signals import document_checked
from outbox.services import enqueue_on_commit

from .models import ContributionPosting, Employer, Enrolment, JhtBalance, KpjCard, Participant
from .page_cache import pages_follow_model

# Rows the dashboard and cek saldo show (participants/page_cache.py). Writes by update(),
# bulk_create() or raw SQL call participant_pages_changed() where they happen.
pages_follow_model(Participant, lambda participant: participant.pk)
pages_follow_model(KpjCard, lambda card: card.participant_id)
pages_follow_model(Enrolment, lambda enrolment: enrolment.kpj_card.participant_id)
pages_follow_model(ContributionPosting, lambda posting: posting.participant_id)
pages_follow_model(JhtBalance, lambda total: total.participant_id)
pages_follow_model(Employer, None)


@receiver(user_logged_in, dispatch_uid="participants.record_activity")
def record_activity(sender, request, user, **kwargs):
    from .tasks import participant_mark_active_task

    participant_id = Participant.objects.filter(user=user).values_list("pk", flat=True).first()
    if participant_id is not None:
        enqueue_on_commit(participant_mark_active_task, participant_id)


@receiver(document_checked, dispatch_uid="participants.data_update_documents_checked")
def move_data_updates_on_document(sender, document, **kwargs):
    """A checked document moves the data update requests waiting on it."""
    from .data_updates import data_update_documents_checked

    data_update_documents_checked(document=document)


@receiver(post_save, sender="claims.ClaimEvent", dispatch_uid="participants.claim_webhooks")
def claim_status_webhooks(sender, instance, created, **kwargs):
    """A decoupled listener: partners' webhooks hear of every claim status change."""
    if created:
        from .webhooks import deliveries_for_claim_event

        deliveries_for_claim_event(instance)
