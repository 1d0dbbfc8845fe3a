"""Shared fixtures and the service gate.

A test marked `postgres`, `redis`, `worker` or `e2e` skips with the reason when its service
is absent, and fails instead under REQUIRE_SERVICES=1 (CI), so CI cannot pass by skipping.
"""

import datetime
import os
import shutil

import pytest
import redis
import time_machine
from celery._state import _set_task_join_will_block
from django.conf import settings
from django.core.cache import cache
from django.db import connection

import sms
from jmo_portal.celery import app as celery_app
from tests.workers import WorkerProcess

# Playwright's sync API runs an event loop in the test thread; the ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def service_unavailable(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _redis_problem() -> str | None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        return "CELERY_BROKER_URL is not a redis:// URL, so no Redis to test against"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at CELERY_BROKER_URL is unreachable ({exc.__class__.__name__})"
    return None


def pytest_collection_modifyitems(config, items):
    """A test that pulls in a browser fixture (perhaps by a parameter named `page`) is grouped
    with the browser tests by pytest, in the middle of the database tests; the live-server
    flushes between them would then empty the seeded rule tables under the tests that follow."""
    strays = [
        item.nodeid
        for item in items
        if "browser_name" in getattr(item, "fixturenames", ())
        and not (item.nodeid.startswith("tests/e2e/") or item.get_closest_marker("e2e"))
    ]
    if strays:
        raise pytest.UsageError(
            "browser fixtures outside e2e tests (rename the parameter or mark the test e2e): "
            + ", ".join(strays)
        )


def pytest_runtest_setup(item):
    markers = {mark.name for mark in item.iter_markers()}
    if markers & {"postgres", "worker", "replica"} and connection.vendor != "postgresql":
        service_unavailable(
            "needs PostgreSQL (set DATABASE_URL=postgres://...); SQLite's in-memory test "
            "database cannot be shared with other processes or take row locks"
        )
    if markers & {"redis", "worker"}:
        problem = _redis_problem()
        if problem:
            service_unavailable(problem)
    if "replica" in markers and "replica" not in settings.DATABASES:
        service_unavailable(
            "needs a PostgreSQL hot standby: run `make replica` (tools/replica.sh) and set "
            "DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:5433/<the DATABASE_URL name>"
        )
    if "e2e" in markers and not os.path.exists(CHROMIUM):
        service_unavailable("needs Debian's chromium package (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _clear_sms_outbox():
    """SMS the locmem backend kept (sms.outbox) never leak from one test into the next."""
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached values never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()
    # Eager tasks run in several threads at once (concurrency tests) can leave Celery's
    # process-wide "a join would block" flag set; a later test's result.get() would refuse.
    _set_task_join_will_block(False)


class FrozenClock:
    """The test's clock, stopped: timezone.now(), time.time() and date.today() all read it."""

    def __init__(self):
        self._travel = None
        self._traveller = None

    def move_to(self, moment):
        """Stop the clock at `moment` (an aware datetime), or move it there if already stopped."""
        if self._traveller is None:
            self._travel = time_machine.travel(moment, tick=False)
            self._traveller = self._travel.start()
        else:
            self._traveller.move_to(moment, tick=False)
        return self

    def shift(self, delta: datetime.timedelta):
        """Move the stopped clock on (or back) by `delta`."""
        if self._traveller is None:
            raise RuntimeError("the clock is not stopped yet: call clock.move_to(moment) first")
        self._traveller.shift(delta)
        return self

    def stop(self):
        if self._travel is not None:
            self._travel.stop()
            self._travel = self._traveller = None


@pytest.fixture
def clock(request):
    """The one frozen clock of the test kit; the real clock is back after the test.

    Freeze a whole test (or class, or module through `pytestmark`) at a moment with the
    `frozen_at` marker; the clock stops before the test's other fixtures run:

        pytestmark = pytest.mark.frozen_at(datetime.datetime(2026, 1, 14, 9, tzinfo=JAKARTA))

    Ask for `clock` to stop it yourself, or to move it during the test (it stays stopped):

        def test_expiry(clock):
            clock.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
            ...
            clock.shift(datetime.timedelta(hours=2))

    A test with the marker that also asks for `clock` gets the same clock, already stopped.
    """
    frozen = FrozenClock()
    marker = request.node.get_closest_marker("frozen_at")
    if marker:
        frozen.move_to(*marker.args)
    yield frozen
    frozen.stop()


@pytest.fixture(autouse=True)
def _frozen_at(request):
    """Tests marked `frozen_at(moment)` run on the stopped `clock` (see its docstring)."""
    if request.node.get_closest_marker("frozen_at"):
        request.getfixturevalue("clock")


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads of this test go to its own folder, so "nothing stored" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def _session_celery_worker(django_db_setup, django_db_blocker):
    """One worker process per session, after the test database exists; stopped before it goes."""
    if connection.vendor != "postgresql" or _redis_problem():
        service_unavailable("a live Celery worker needs PostgreSQL and Redis")
    celery_app.control.purge()
    worker = WorkerProcess()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_session_celery_worker):
    """The live worker, with `.delay()` going to Redis for this test only; eager again after.

    A `start_worker` test stops it; it starts again here, only when a test needs it again.
    """
    if _session_celery_worker not in WorkerProcess.running:
        _session_celery_worker.start()
    celery_app.conf.task_always_eager = False
    yield _session_celery_worker
    celery_app.conf.task_always_eager = True


@pytest.fixture
def start_worker(django_db_setup):
    """Start fresh workers (with extra environment) for one test; others pause meanwhile.

    Used where a test needs a worker configured its own way (the worker-kill test) or one
    group's pool (`start_worker(queues=["documents"])`). Any session worker is stopped first
    so it cannot take this test's tasks; `celery_worker` starts it again for the next test
    that asks for it.
    """
    if connection.vendor != "postgresql" or _redis_problem():
        service_unavailable("a live Celery worker needs PostgreSQL and Redis")
    paused = list(WorkerProcess.running)
    for worker in paused:
        worker.stop()
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    started = []

    def start(*, queues: list[str] | None = None, **env):
        worker = WorkerProcess(
            env={key: str(value) for key, value in env.items()}, concurrency=1, queues=queues
        )
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()
    celery_app.control.purge()
    # Messages a killed worker held unacknowledged would come back an hour later: drop them.
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    broker.delete("unacked", "unacked_index", "unacked_mutex")
    celery_app.conf.task_always_eager = True


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the TOTP authenticator every staff login needs."""
    from tests.factories import give_totp

    give_totp(admin_user)
    return admin_user
