"""Reads from a PostgreSQL hot standby, writes to the primary (DATABASE_REPLICA_URL).

Only a safe request (GET, HEAD, OPTIONS) that the middleware let through may read from the
replica; everything else (a form post, a Celery task, a management command, a transaction on
the primary) reads from the primary, because what it reads decides what it writes. Within an
allowed request the router still turns to the primary:

- after the request's first write (read-your-writes within the request);
- for some seconds after the same browser session or API key wrote, so the page after a form
  post shows the post (the pin lives in the shared cache, keyed by a hash of the session cookie
  or the Authorization header: nothing personal is stored);
- when the replica lags past DATABASE_REPLICA_MAX_LAG seconds, or does not answer.

A replica that dies in the middle of a request costs nothing but time: the execute wrapper
notes the failure and the middleware answers the request again from the primary (a safe
request that has not written can be run twice). The replica is then left alone for
DATABASE_REPLICA_RETRY_SECONDS before it is tried again.
"""

import contextvars
import dataclasses
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The standby's delay behind the primary, in seconds: 0 when it has replayed all it received
# (an idle primary sends nothing, so the last replay's age would overstate the lag). NULL when
# the server is not a standby at all.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclasses.dataclass
class _RequestState:
    replica_allowed: bool = True
    wrote: bool = False
    replica_failed: bool = False
    checked: bool = False  # the replica's connection was checked in this request


_request = contextvars.ContextVar("replica_request_state", default=None)


@dataclasses.dataclass
class _Health:
    """What this process last learnt of the replica (a process-wide note, not per request)."""

    checked_at: float = float("-inf")
    lag: float | None = None
    down_until: float = float("-inf")
    error: str = ""


_health = _Health()


def configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag() -> float | None:
    """Seconds the replica is behind the primary, read on the replica; raises if unreachable."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        (lag,) = cursor.fetchone()
    return None if lag is None else float(lag)


def _mark_down(error: BaseException, *, close: bool = True) -> None:
    _health.down_until = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
    _health.error = error.__class__.__name__
    if close:
        try:
            connections[REPLICA].close()
        except DatabaseError:
            pass  # a connection to a stopped server cannot be closed cleanly; it is gone anyway
    logger.warning("replica unavailable (%s): reading from the primary", _health.error)


def _replica_usable() -> bool:
    now = time.monotonic()
    if now < _health.down_until:
        return False
    if now - _health.checked_at >= settings.DATABASE_REPLICA_CHECK_SECONDS:
        try:
            _health.lag = replica_lag()
        except (OperationalError, InterfaceError) as exc:
            _mark_down(exc)
            return False
        _health.checked_at = now
        _health.error = ""
    return _health.lag is not None and _health.lag <= settings.DATABASE_REPLICA_MAX_LAG


def read_alias() -> str:
    state = _request.get()
    if (
        state is None
        or not state.replica_allowed
        or state.wrote
        or not settings.DATABASE_REPLICA_READS
        or connections[PRIMARY].in_atomic_block
    ):
        return PRIMARY
    if not _replica_usable():
        return PRIMARY
    if not state.checked:
        # Django's health check runs on the request's first use of a kept connection: a replica
        # restarted since the last request fails here, before any query of the page.
        try:
            connections[REPLICA].ensure_connection()
        except (OperationalError, InterfaceError) as exc:
            _mark_down(exc)
            return PRIMARY
        state.checked = True
    return REPLICA


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS entry when a replica is configured."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read on one may point at one from the other.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


def replica_status() -> dict:
    """For /healthz: the replica's lag now, and whether reads go to it."""
    if not settings.DATABASE_REPLICA_READS:
        return {"status": "off", "reads": "primary"}
    try:
        lag = replica_lag()
    except (OperationalError, InterfaceError) as exc:
        _mark_down(exc)
        return {"status": "down", "error": exc.__class__.__name__, "reads": "primary"}
    if lag is None:
        return {"status": "not_standby", "reads": "primary"}
    lagging = lag > settings.DATABASE_REPLICA_MAX_LAG
    return {
        "status": "lagging" if lagging else "ok",
        "lag_seconds": round(lag, 3),
        "max_lag_seconds": settings.DATABASE_REPLICA_MAX_LAG,
        "reads": "primary" if lagging else "replica",
    }


def _pin_keys(request, response=None) -> list[str]:
    """The caller's identities: its session cookie (before and after a login rotates it) and
    its Authorization header, hashed."""
    values = [
        request.COOKIES.get(settings.SESSION_COOKIE_NAME),
        request.headers.get("Authorization"),
    ]
    if response is not None and settings.SESSION_COOKIE_NAME in response.cookies:
        values.append(response.cookies[settings.SESSION_COOKIE_NAME].value)
    return [
        "replica-pin:" + hashlib.sha256(value.encode()).hexdigest() for value in values if value
    ]


class ReplicaRoutingMiddleware:
    """Lets safe requests read from the replica; pins writers to the primary; retries a safe
    request on the primary when the replica fails under it. Sits before the session middleware,
    so that a session saved on the way out counts as a write."""

    def __init__(self, get_response):
        if not configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICA_READS:
            return self.get_response(request)
        keys = _pin_keys(request)
        allowed = request.method in SAFE_METHODS and not (keys and cache.get_many(keys))
        state = _RequestState(replica_allowed=allowed)
        token = _request.set(state)
        try:
            if allowed:
                with connections[REPLICA].execute_wrapper(self._watch):
                    response = self.get_response(request)
                if state.replica_failed:
                    _request.set(_RequestState(replica_allowed=False))
                    response = self.get_response(request)
            else:
                response = self.get_response(request)
            if _request.get().wrote:
                cache.set_many(
                    dict.fromkeys(_pin_keys(request, response), 1),
                    timeout=settings.DATABASE_REPLICA_PIN_SECONDS,
                )
            return response
        finally:
            _request.reset(token)

    def process_exception(self, request, exception):
        state = _request.get()
        if state is not None and state.replica_failed:
            # Answered again from the primary in __call__; this placeholder is never sent, and
            # keeps Django from logging a failure the visitor never sees.
            return HttpResponse(status=503)
        return None

    def _watch(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError) as exc:
            state = _request.get()
            if state is not None:
                state.replica_failed = True
            # Closed at the request's end (Django drops a connection that saw an error), not
            # here, under the failing cursor.
            _mark_down(exc, close=False)
            raise
