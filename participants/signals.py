"""Login hooks (activity is recorded by a Celery task after the login commits) and the
personal pages following the rows they show."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

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
