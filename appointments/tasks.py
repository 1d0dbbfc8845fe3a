"""Celery entry points: ids in, services do the work; every task is safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import selectors, services


@shared_task(ignore_result=False)
def appointments_schedule_task(service_type_id: int) -> dict:
    result = services.appointments_schedule_pending(service_type_id=service_type_id)
    return {"assigned": len(result.assigned), "pending": len(result.pending),
            "expired": len(result.expired)}  # fmt: skip


@shared_task
def appointments_schedule_all_task() -> int:
    """The periodic batch: every service with pending requests gets a scheduler run."""
    service_type_ids = selectors.service_types_with_pending()
    for service_type_id in service_type_ids:
        appointments_schedule_task.delay(service_type_id)
    return len(service_type_ids)


@shared_task(ignore_result=False)
def appointment_assigned_mail_task(appointment_id: int) -> bool:
    return services.appointment_assigned_mail_send(appointment_id=appointment_id)


@shared_task
def appointment_reminder_task(appointment_id: int) -> bool:
    return services.appointment_reminder_send(appointment_id=appointment_id)


@shared_task
def appointment_reminders_due_task() -> int:
    """Beat, hourly: reminders for tomorrow's visits that have not had one."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    due = selectors.reminders_due(day=tomorrow)
    for appointment_id in due:
        appointment_reminder_task.delay(appointment_id)
    return len(due)


@shared_task
def queue_release_no_shows_task() -> dict:
    """Beat, every 5 minutes: numbers and visits past the grace period are released."""
    result = services.queue_release_no_shows()
    return {"tickets": len(result.tickets), "appointments": len(result.appointments)}
