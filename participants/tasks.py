from celery import shared_task

from . import services


@shared_task(ignore_result=False)
def participant_mark_active_task(participant_id: int) -> bool:
    return services.participant_mark_active(participant_id=participant_id)
