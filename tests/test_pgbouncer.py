"""Web and workers reach PostgreSQL through pgbouncer in transaction mode (docker-compose.yml).
There, two transactions of one client may run on two server connections, so a named cursor that
`.iterator()` declares in one may be missing in the next. DATABASE_POOLER=pgbouncer turns them
off (settings/base.py); this runs both ways through Debian's pgbouncer with the pool mode compose
sets, taking the cursor's server connection away between two fetches as a busy pool would."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.db import connection

pytestmark = pytest.mark.postgres

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
CHUNK = 20


def compose_pool_mode() -> str:
    return yaml.safe_load(COMPOSE.read_text())["services"]["pgbouncer"]["environment"]["POOL_MODE"]


@pytest.fixture(scope="module")
def pgbouncer_port():
    db = connection.settings_dict
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # pgbouncer refuses to run as root: it runs as postgres and must read its folder.
    folder = Path(tempfile.mkdtemp(prefix="jmo-pgbouncer-"))
    folder.chmod(0o755)
    (folder / "userlist.txt").write_text(f'"{db["USER"]}" "{db["PASSWORD"] or ""}"\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'userlist.txt'}\n"
        f"pool_mode = {compose_pool_mode()}\ndefault_pool_size = 2\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )
    for path in folder.iterdir():
        path.chmod(0o644)
    argv = [PGBOUNCER, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    log = folder / "pgbouncer.log"
    with log.open("w") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {log.read_text()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


# Run by a fresh process whose settings come from its environment, as a container's do:
# `.iterator()` over a table of the test database, and between two chunks another client holds
# the server connection the first chunk came from (an open transaction keeps it).
ITERATE = """
import os, sys, django
django.setup()
import psycopg2
from django.contrib.auth.models import Permission
rows = Permission.objects.order_by("pk").iterator(chunk_size=int(sys.argv[1]))
count = len([next(rows)])
other = psycopg2.connect(os.environ["OTHER_CLIENT_DSN"])
with other.cursor() as busy:
    busy.execute("SELECT 1")
    try:
        count += sum(1 for _ in rows)
    except (django.db.DatabaseError, psycopg2.Error) as exc:
        sys.exit(f"lost: {exc}")
print(count)
"""


def iterate_while_the_pool_is_busy(port: int, **env: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@127.0.0.1:{port}/{db['NAME']}"
    return subprocess.run(
        [sys.executable, "-c", ITERATE, str(CHUNK)],
        cwd=COMPOSE.parent,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "jmo_portal.settings.base",
            "DATABASE_URL": url,
            "OTHER_CLIENT_DSN": f"host=127.0.0.1 port={port} dbname={db['NAME']} user={db['USER']}",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


# The rows read are those migrate committed when the test database was made, so the process
# reading through pgbouncer sees them outside the test's own transaction.


@pytest.mark.django_db
def test_with_database_pooler_set_an_iterator_survives_a_busy_pool(pgbouncer_port):
    recorded = Permission.objects.count()
    assert recorded > 2 * CHUNK
    done = iterate_while_the_pool_is_busy(pgbouncer_port, DATABASE_POOLER="pgbouncer")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == recorded


@pytest.mark.django_db
def test_without_it_the_named_cursor_is_lost_between_transactions(pgbouncer_port):
    """Why the setting exists: the same read without it fails through the same pgbouncer."""
    done = iterate_while_the_pool_is_busy(pgbouncer_port)
    assert done.returncode == 1
    assert "lost: cursor" in done.stderr
    assert "does not exist" in done.stderr
