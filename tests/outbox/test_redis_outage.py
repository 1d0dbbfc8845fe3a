"""Redis down entirely, cache and broker alike (in the compose stack they are one server): a
participant still logs in, sees their dashboard and files a complaint, which commits; its
Celery work waits in the outbox. "Down" for real: a local port nobody listens on."""

import shutil
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from complaints.models import Ticket
from jmo_portal import cache as fail_soft
from outbox.models import OutboxMessage
from participants.page_cache import page_fragment, participant_pages_changed
from tests.conftest import service_unavailable
from tests.factories import (
    TEST_PASSWORD,
    EmailAddressFactory,
    ParticipantFactory,
    UserFactory,
    ensure_seeded_rules,
)

from .test_outbox import closed_port, dead_broker


def cache_on_port(port: int):
    return override_settings(
        CACHES={
            "default": {
                "BACKEND": "jmo_portal.cache.FailSoftRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
    )


def unreachable_cache():
    return cache_on_port(closed_port())


class OwnRedis:
    """A redis-server of this test's own that keeps its data on disk (append-only file), so
    it can be stopped and started again with its keys, as a production Redis restarts."""

    def __init__(self, directory):
        self.port = closed_port()
        self.argv = [
            shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(directory), "--save", "", "--appendonly", "yes",
            "--appendfsync", "always",
        ]  # fmt: skip
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL)  # noqa: S603
        probe = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(50):
            try:
                probe.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()  # it writes its append-only file and exits
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        service_unavailable("needs the redis-server program (apt-get install redis-server)")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(autouse=True)
def _forget_outages():
    fail_soft._down_until.clear()
    fail_soft._pending_deletes.clear()
    yield
    fail_soft._down_until.clear()
    fail_soft._pending_deletes.clear()


def test_an_unreachable_cache_reads_as_empty_and_writes_nothing():
    with unreachable_cache():
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("k") is False
        assert cache.add("k", 1) is True  # a lock is taken, a first view recorded
        assert cache.set("k", 1) is None
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.incr("counter", 3) == 3  # rate limits start from nothing: fail open
        assert cache.delete("k") is False
        assert cache.get_or_set("k", "computed") == "computed"


def test_after_a_failure_the_server_is_not_asked_again_for_a_while():
    with unreachable_cache():
        cache.get("first")  # fails, and marks the server down
        started = time.monotonic()
        for _ in range(200):
            cache.get("again")
        assert time.monotonic() - started < 0.1
        assert list(fail_soft._down_until.values())[0] > time.monotonic()


@pytest.mark.redis
def test_a_reachable_redis_is_an_ordinary_cache(settings):
    location = settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/13"
    with override_settings(
        CACHES={"default": {"BACKEND": "jmo_portal.cache.FailSoftRedisCache",
                            "LOCATION": location}}
    ):  # fmt: skip
        cache.clear()
        assert cache.add("k", 1) is True
        assert cache.add("k", 2) is False
        assert cache.incr("k") == 2
        assert cache.get_many(["k", "missing"]) == {"k": 2}
        assert cache.delete("k") is True
        cache.clear()
    assert fail_soft._down_until == {}


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_a_participant_logs_in_reads_and_files_a_complaint():
    ensure_seeded_rules()  # an earlier transactional test's flush removed the SLA rows
    user = UserFactory(email="siti@example.test")
    EmailAddressFactory(user=user)
    participant = ParticipantFactory(user=user, full_name="Siti Aminah")
    started = time.monotonic()
    with unreachable_cache(), dead_broker():
        from django.test import Client

        client = Client()
        logged_in = client.post(
            reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
        )
        assert logged_in.status_code == 302, logged_in.content.decode()[:500]
        dashboard = client.get(reverse("dashboard"))
        assert dashboard.status_code == 200
        assert "Siti Aminah" in dashboard.content.decode()
        assert client.get(reverse("balance")).status_code == 200
        filed = client.post(
            reverse("complaints:create", args=["balance_missing"]),
            {"subject": "Saldo belum masuk", "body": "Iuran bulan Maret belum tercatat."},
        )
        assert filed.status_code == 302, filed.content.decode()[:500]
        health = client.get(reverse("healthz"))
        assert (health.status_code, health.json()["cache"]) == (503, "error")
    assert time.monotonic() - started < 10, "an unreachable Redis must not hold requests up"
    ticket = Ticket.objects.get(participant=participant)
    assert ticket.subject == "Saldo belum masuk"
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()


def test_a_cache_object_keeps_one_redis_client_per_pool():
    """Django would build a new redis.Redis for every call; ours reuses it (and its pool)."""
    with unreachable_cache():
        client = cache._cache.get_client()
        assert cache._cache.get_client(write=True) is client
        assert client.connection_pool is cache._cache._get_connection_pool(write=False)


@pytest.mark.django_db
def test_a_page_changed_while_redis_was_down_is_fresh_as_soon_as_it_is_back(
    own_redis, django_capture_on_commit_callbacks
):
    participant = ParticipantFactory(user=UserFactory())
    user = participant.user
    with cache_on_port(own_redis.port):
        assert page_fragment(user=user, name="balance", render=lambda: "Rp 1.000") == "Rp 1.000"
        own_redis.stop()
        with django_capture_on_commit_callbacks(execute=True):
            participant_pages_changed([participant.pk])  # a posting commits; the drop fails
        assert any(fail_soft._pending_deletes.values())
        own_redis.start()  # with its keys: the old page and its version are still there
        fail_soft._down_until.clear()  # the back-off is over
        fresh = page_fragment(user=user, name="balance", render=lambda: "Rp 2.000")
        assert fresh == "Rp 2.000"  # not the page from before the posting
        assert not any(fail_soft._pending_deletes.values())
