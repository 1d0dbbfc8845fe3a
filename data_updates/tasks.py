from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from . import notifications
from . import services as data_updates
from .models import DataUpdateRequest


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def data_update_send_code_task(request_id: int) -> bool:
    """Make and e-mail a confirmation code; the code never passes through the broker."""
    issued = data_updates.data_update_issue_code(request_id=request_id)
    if issued is None:
        return False
    recipient, code = issued
    request = DataUpdateRequest.objects.get(pk=request_id)
    subject, body = notifications.code_message(kind_label=request.get_kind_display(), code=code)
    send_mail(subject, body, None, [recipient])
    return True


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def data_update_notify_task(request_id: int) -> bool:
    """E-mail the participant about the request's current status, once per status."""
    request = data_updates.data_update_claim_notification(request_id=request_id)
    if request is None:
        return False
    recipient = data_updates.notification_recipient(request)
    if not recipient:
        return False
    path = reverse("data_update_detail", args=[request.pk])
    subject, body = notifications.status_message(
        kind_label=request.get_kind_display(),
        status_label=request.get_status_display(),
        reason=request.reason,
        url=f"{settings.PORTAL_BASE_URL}{path}",
    )
    try:
        send_mail(subject, body, None, [recipient])
    except OSError:
        # Let the retry send it: give the claim back.
        DataUpdateRequest.objects.filter(pk=request.pk, notified_status=request.status).update(
            notified_status=""
        )
        raise
    return True
