"""The read replica, against a real PostgreSQL hot standby (tools/replica.sh, DATABASE_REPLICA_URL).

The test database is created on the primary and streamed to the standby, so these tests commit
their rows (transaction=True) and wait for the standby to replay them before reading there.
"""

import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.db import connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.models import Branch
from jmo_portal import replica
from tests.factories import BranchFactory

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

REPLICA_SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "replica.sh"


@pytest.fixture(autouse=True)
def reads_on(settings, monkeypatch):
    settings.DATABASE_REPLICA_READS = True
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0  # read the lag at every read: no stale note
    # Each test starts with what a fresh process knows of the replica: nothing.
    monkeypatch.setattr(replica, "_health", replica._Health())
    yield
    for alias in ("default", "replica"):
        connections[alias].close()


def replayed():
    """Wait until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    for _ in range(100):
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the standby did not replay the primary's writes within 5 s")


def run(request, view):
    """One request through the routing middleware, with `view` as the rest of the stack."""
    return replica.ReplicaRoutingMiddleware(view)(request)


def test_the_replica_is_a_streaming_standby_of_the_primary():
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()
    assert in_recovery is True
    assert name == connections["default"].settings_dict["NAME"]


def test_a_safe_request_reads_on_the_replica_and_sees_committed_rows():
    branch = BranchFactory(code="soreang-r")
    replayed()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = run(
            RequestFactory().get("/"),
            lambda request: Branch.objects.get(code="soreang-r") and _ok(),
        )
    assert response.status_code == 200
    table = f'"{Branch._meta.db_table}"'
    assert any(table in query["sql"] for query in on_replica.captured_queries)
    assert not any(table in query["sql"] for query in on_primary.captured_queries)
    assert Branch.objects.using("replica").get(pk=branch.pk).code == "soreang-r"


def test_a_request_reads_its_own_write_from_the_primary():
    seen = []

    def view(request):
        seen.append(Branch.objects.db)
        BranchFactory(code="new-in-request")
        seen.append(Branch.objects.db)
        seen.append(Branch.objects.get(code="new-in-request").code)
        return _ok()

    run(RequestFactory().get("/"), view)
    assert seen == ["replica", "default", "new-in-request"]


def test_a_post_never_reads_from_the_replica():
    seen = []
    run(RequestFactory().post("/"), lambda request: seen.append(Branch.objects.db) or _ok())
    assert seen == ["default"]


def test_work_outside_a_request_reads_from_the_primary():
    """Celery tasks and commands decide writes from what they read: always the primary."""
    assert Branch.objects.db == "default"


def test_a_session_that_wrote_reads_from_the_primary_for_a_while(settings):
    settings.DATABASE_REPLICA_PIN_SECONDS = 1
    factory = RequestFactory()
    cookie = {settings.SESSION_COOKIE_NAME: "session-that-wrote"}
    seen = []

    def read(request):
        seen.append(Branch.objects.db)
        return _ok()

    post = factory.post("/")
    post.COOKIES.update(cookie)
    run(post, lambda request: BranchFactory() and _ok())

    after = factory.get("/")
    after.COOKIES.update(cookie)
    run(after, read)
    stranger = factory.get("/")
    stranger.COOKIES[settings.SESSION_COOKIE_NAME] = "another-session"
    run(stranger, read)
    time.sleep(1.2)
    later = factory.get("/")
    later.COOKIES.update(cookie)
    run(later, read)
    assert seen == ["default", "replica", "replica"]


def test_an_api_key_that_wrote_reads_from_the_primary_for_a_while():
    factory = RequestFactory()
    key = {"HTTP_AUTHORIZATION": "Api-Key partner-secret"}
    seen = []
    run(factory.post("/", **key), lambda request: BranchFactory() and _ok())
    run(factory.get("/", **key), lambda request: seen.append(Branch.objects.db) or _ok())
    assert seen == ["default"]


def test_healthz_shows_the_replication_lag(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["replica"]["status"] == "ok"
    assert 0 <= body["replica"]["lag_seconds"] <= body["replica"]["max_lag_seconds"]
    assert body["replica"]["reads"] == "replica"


@pytest.fixture
def replay_paused():
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


def test_a_lagging_replica_sends_reads_to_the_primary(client, settings, replay_paused):
    settings.DATABASE_REPLICA_MAX_LAG = 0.5
    BranchFactory(code="written-while-paused")  # the standby received it, but cannot replay it
    time.sleep(1.0)
    seen = []

    def view(request):
        seen.append(Branch.objects.db)
        seen.append(Branch.objects.filter(code="written-while-paused").exists())
        return _ok()

    run(RequestFactory().get("/"), view)
    assert seen == ["default", True]
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["replica"]["status"] == "lagging"
    assert body["replica"]["lag_seconds"] > 0.5
    assert body["replica"]["reads"] == "primary"


def replica_cluster(action):
    subprocess.run([str(REPLICA_SCRIPT), action], check=True, capture_output=True, timeout=120)


def test_stopping_the_replica_under_load_gives_no_errors(settings):
    """Eight clients read a real page without pause while the standby is stopped under them
    (a fast shutdown ends their connections mid-query), then started again."""
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0.5
    branch = BranchFactory(code="load-r")
    replayed()
    url = f"/appointments/queue/{branch.code}/"
    statuses, failures = [], []
    stop = threading.Event()

    def client_loop():
        from django.test import Client

        client = Client()
        try:
            while not stop.is_set():
                statuses.append(client.get(url).status_code)
        except Exception as exc:  # a raised error is a failure of this test, kept for the report
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client_loop) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        served_before = len(statuses)
        replica_cluster("stop")
        time.sleep(2.0)
        during = replica.replica_status()
        replica_cluster("start")
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert failures == []
    assert served_before > 0
    assert len(statuses) > served_before
    assert set(statuses) == {200}, {code: statuses.count(code) for code in set(statuses)}
    assert during["status"] == "down"
    replayed()
    seen = []
    time.sleep(settings.DATABASE_REPLICA_RETRY_SECONDS)
    run(RequestFactory().get("/"), lambda request: seen.append(Branch.objects.db) or _ok())
    assert seen == ["replica"]  # back on the standby once it streams again


def _ok():
    from django.http import HttpResponse

    return HttpResponse("ok")
