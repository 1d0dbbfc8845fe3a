from celery import shared_task

from . import services as data_updates


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def data_update_send_code_task(request_id: int) -> bool:
    return data_updates.data_update_send_code(request_id=request_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def data_update_notify_task(request_id: int) -> bool:
    return data_updates.data_update_notify(request_id=request_id)
