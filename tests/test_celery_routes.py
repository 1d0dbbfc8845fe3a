"""Every Celery task has its own named queue, and a worker started plainly consumes them all.

No broker: these read the settings and Celery's own router (what `apply_async` uses to pick
the queue) over every task in every module of the project's apps.
"""

import importlib
from pathlib import Path

from django.apps import apps
from django.conf import settings

from jmo_portal.celery import app as celery_app

# The worker groups docker-compose.yml runs a pool for; a new queue needs a pool there too.
QUEUES = {"documents", "scheduling", "imports", "notifications", "insights", "default"}


def _project_tasks() -> set[str]:
    """Names of the project's tasks, whatever module defines them and however decorated:
    every module of a project app that mentions celery is imported, so its tasks register."""
    for config in apps.get_app_configs():
        root = Path(config.path)
        if not root.is_relative_to(settings.BASE_DIR):
            continue
        for source in root.rglob("*.py"):
            parts = source.relative_to(root).with_suffix("").parts
            if {"migrations", "settings"} & set(parts) or "celery" not in source.read_text():
                continue
            module = ".".join((config.name, *parts)).removesuffix(".__init__")
            importlib.import_module(module)
    celery_app.loader.import_default_modules()
    return {name for name in celery_app.tasks if not name.startswith("celery.")}


def test_every_task_has_an_explicit_route():
    tasks = _project_tasks()
    unrouted = sorted(tasks - set(settings.CELERY_TASK_ROUTES))
    assert not unrouted, (
        f"tasks with no queue: {unrouted}; add each to CELERY_TASK_ROUTES "
        "(jmo_portal/settings/base.py) under the queue of its kind of work"
    )
    stale = sorted(set(settings.CELERY_TASK_ROUTES) - tasks)
    assert not stale, f"routes for tasks that do not exist (renamed or removed?): {stale}"


def test_every_route_names_a_declared_queue():
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert declared == QUEUES
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"
    for task, route in settings.CELERY_TASK_ROUTES.items():
        assert route["queue"] in declared, f"{task} is routed to an undeclared queue"


def test_celery_sends_each_task_to_its_routed_queue():
    for task in _project_tasks():
        sent_to = celery_app.amqp.router.route({}, task)["queue"]
        assert sent_to.name == settings.CELERY_TASK_ROUTES[task]["queue"], task
        assert sent_to.routing_key == sent_to.name  # one binding per queue: no message is copied


def test_the_heavy_and_the_urgent_work_are_apart():
    queue = {task: route["queue"] for task, route in settings.CELERY_TASK_ROUTES.items()}
    assert queue["documents.tasks.document_verify_task"] == "documents"
    assert queue["claims.tasks.claim_verify_task"] == "documents"
    assert queue["partners.tasks.contribution_report_process_task"] == "imports"
    assert queue["participants.tasks.jht_returns_credit_task"] == "imports"
    assert queue["appointments.tasks.appointments_schedule_task"] == "scheduling"
    assert queue["sms.tasks.sms_deliver_task"] == "notifications"
    assert queue["partners.tasks.webhook_deliver_task"] == "notifications"
    assert queue["outbox.tasks.outbox_relay_task"] == "notifications"
    assert queue["insights.tasks.insights_aggregate_day_task"] == "insights"


def test_a_worker_without_queue_options_consumes_every_queue():
    """`make run`, `make worker` and the test workers pass no -Q: they take all the work."""
    assert set(celery_app.amqp.queues.consume_from) == QUEUES
