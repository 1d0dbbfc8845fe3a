"""Real `celery worker` processes on the test database and the Redis broker, for the live-worker
fixtures (tests/conftest.py) and the queue benchmark (benchmarks/queues.py)."""

import os
import signal
import subprocess
import sys
import time
import uuid

from django.conf import settings
from django.db import connection

from jmo_portal.celery import app as celery_app


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """A real `celery worker` (prefork) on the test database and the Redis broker.

    It consumes every queue (CELERY_TASK_QUEUES), as `make worker` does, unless `queues`
    names some: then it is one group's pool, as in docker-compose.yml.
    """

    running: list["WorkerProcess"] = []

    def __init__(
        self,
        *,
        env: dict[str, str] | None = None,
        concurrency: int = 2,
        queues: list[str] | None = None,
        quiet: bool = False,
    ):
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.process: subprocess.Popen | None = None
        self.extra_env = env or {}
        self.concurrency = concurrency
        self.queues = queues
        self.output = subprocess.DEVNULL if quiet else None  # a benchmark prints only figures

    def start(self, timeout=30):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "jmo_portal.settings.test",
            "DATABASE_URL": _test_database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **self.extra_env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "jmo_portal", "worker",
            "--pool", "prefork", "--concurrency", str(self.concurrency), "--hostname", self.name,
            "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        ]  # fmt: skip
        if self.queues:
            command += ["--queues", ",".join(self.queues)]
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            command,
            env=env,
            start_new_session=True,
            cwd=settings.BASE_DIR,
            stdout=self.output,
            stderr=self.output,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited with {self.process.returncode}")
            if celery_app.control.ping(destination=[self.name], timeout=0.5):
                WorkerProcess.running.append(self)
                return
        self.stop()
        raise RuntimeError(f"celery worker {self.name} not ready after {timeout}s")

    def kill(self):
        """SIGKILL the whole worker (parent and children): the machine died."""
        if self in WorkerProcess.running:
            WorkerProcess.running.remove(self)
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self in WorkerProcess.running:
            WorkerProcess.running.remove(self)
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
