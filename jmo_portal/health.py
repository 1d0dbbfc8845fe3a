"""/healthz: is the database, the cache and the Celery broker reachable? How far behind is the
replica, when there is one?"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import replica

logger = logging.getLogger(__name__)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache():
    cache.set("healthz", "ok", timeout=10)
    return "ok" if cache.get("healthz") == "ok" else "error"


def _check_broker():
    if not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from .celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:  # any failure is reported, not raised: this is the monitor's page
            logger.exception("healthz: %s check failed", name)
            results[name] = "error"
    healthy = all(status in ("ok", "eager") for status in results.values())
    body = {"status": "ok" if healthy else "error", **results}
    if replica.configured():
        # Shown, not judged: reads fall back to the primary, so a lost replica is no outage.
        body["replica"] = replica.replica_status()
    return JsonResponse(body, status=200 if healthy else 503)
