"""Load test (issue 10): gunicorn on 127.0.0.1 with production settings, driven by locust.

On PostgreSQL with the 100,000 participants that benchmarks/balance.py seeds (COPY, and the
ledger's bulk post for their postings and balances), LOAD_USERS participants (default 50) log
in and browse; phases of LOAD_PHASE_SECONDS (default 20) measure the bare Django view, the
dashboard and the balance page alone, then LOAD_SECONDS (default 60) of the participant mix:
one login (form and POST, Argon2) per LOAD_PAGES_PER_LOGIN (default 10) page views of the
dashboard, balance, claims list, news list and articles (benchmarks/locustfile.py). Ratios are
each page's requests/s over the bare view's, from this same run (target: dashboard and balance
>= 0.40); the mix is judged per request: p99 under 1 s for all but the login POST, 0 errors
(issue 21). LOAD_THREADS > 1 runs gunicorn's threaded workers; LOAD_MIX_ONLY=1 runs the mix
alone.

With DATABASE_REPLICA_URL set (a standby of the primary: `make replica`), the server reads from
it as production would, and the mix runs once more while tools/replica.sh stops the standby a
third of the way in and starts it again at two thirds: every request must still succeed.

`python -m benchmarks` runs it after the balance benchmark on the same database;
`python -m benchmarks.load` runs it alone (seeding BENCH_PARTICIPANTS, default 100,000).
Smoke run: LOAD_USERS=5 LOAD_SECONDS=5 LOAD_PHASE_SECONDS=3 BENCH_PARTICIPANTS=2000.

The server caches in Redis as production does (the personal pages): LOAD_CACHE_URL,
default redis://127.0.0.1:6379/13, a database this run empties first. Every phase's load client
does the same work per request (session cookie, status check), so a ratio compares the
server's work on the page with its work on the bare view, not the client's.

Locust is written in Python and shares these cores with the server, so it also caps the bare
view's figure (docs: STACK.md). When wrk is installed (`make bench` installs it), the bare view,
dashboard and balance are measured once more with it, a C client that costs the server next to
nothing: same 50 connections, same sessions (benchmarks/wrk_sessions.lua), same phase length.
"""

import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_OUTAGE = "mix, replica stopped"
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
PHASE_SECONDS = int(os.environ.get("LOAD_PHASE_SECONDS", "20"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# More than one makes gunicorn's workers threaded (gthread): a worker busy hashing a login
# password still answers page requests on its other threads.
THREADS = int(os.environ.get("LOAD_THREADS", "1"))
CACHE_URL = os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/13")
TARGET_RATIO = 0.40
# The mix (issue 21): at LOAD_USERS users, every request's p99 under this, 0 errors. The login
# POST is exempt: it hashes the password with Argon2 on purpose.
TARGET_P99_MS = 1000
# LOAD_MIX_ONLY=1 measures the participant mix alone (when tuning it: no ratio is printed).
MIX_ONLY = os.environ.get("LOAD_MIX_ONLY") == "1"
# Passed to benchmarks/locustfile.py (importing locust here would monkey-patch this process).
PAGES_PER_LOGIN = int(os.environ.get("LOAD_PAGES_PER_LOGIN", "10"))
EXEMPT_FROM_P99 = {"login"}


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_accounts(password: str, secret_key: str) -> tuple[int, list[str]]:
    """LOAD_USERS log-in accounts on seeded participants, a logged-in session for each (signed
    with the server's secret key), and published news to read."""
    import datetime
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings
    from django.utils import timezone

    from news.models import Article, ArticleCategory
    from participants.models import Participant, User

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806
    hashed = make_password(password)  # one Argon2 hash, shared: creating 50 costs seconds
    free = list(
        Participant.objects.filter(user__isnull=True, kpj_cards__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:USERS]
    )
    if len(free) < USERS:
        raise RuntimeError(f"need {USERS} seeded participants without a login, found {len(free)}")
    users = User.objects.bulk_create(
        User(email=f"load-{n}@bench.example", password=hashed) for n in range(USERS)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    for user, pid in zip(users, free, strict=True):
        Participant.objects.filter(pk=pid).update(user=user)
    sessions = []
    with override_settings(SECRET_KEY=secret_key):
        for user in users:
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            sessions.append(store.session_key)
    category, _ = ArticleCategory.objects.get_or_create(
        slug="bench", defaults={"name": "Informasi"}
    )
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            slug=f"bench-{n}", category=category, title=f"Berita {n}",
            summary="Ringkasan berita untuk peserta.", body="Isi berita.\n\nParagraf kedua.",
            publish_at=now - datetime.timedelta(days=n + 1),
        )
        for n in range(12)
    )  # fmt: skip
    return Participant.objects.count(), sessions


def _server_env(static_root: str, secret_key: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings_load",
        "DATABASE_URL": _database_url(),
        "CACHE_URL": CACHE_URL,
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LOAD_STATIC_ROOT": static_root,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if REPLICA_URL:
        # The standby streams every database of the primary, this run's throwaway one too.
        env["DATABASE_REPLICA_URL"] = urlunsplit(
            urlsplit(REPLICA_URL)._replace(path="/" + connection.settings_dict["NAME"])
        )
    return env


def _standby_transactions(url: str) -> int:
    """Transactions the standby has run on this run's database: the reads sent to it."""
    import psycopg2

    with psycopg2.connect(url) as standby, standby.cursor() as cursor:
        cursor.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def _replica_outage(seconds: int, url: str, served: dict) -> threading.Thread:
    """Stops the standby a third of the way into `seconds` and starts it at two thirds; notes
    how many transactions the standby ran before it stopped (proof that it served reads)."""

    def outage():
        script = str(BASE_DIR / "tools" / "replica.sh")
        before = _standby_transactions(url)
        time.sleep(seconds / 3)
        served["standby_transactions"] = _standby_transactions(url) - before
        subprocess.run([script, "stop"], check=True, capture_output=True)  # noqa: S603
        time.sleep(seconds / 3)
        subprocess.run([script, "start"], check=True, capture_output=True)  # noqa: S603

    thread = threading.Thread(target=outage)
    thread.start()
    return thread


def _wait_ready(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn not ready at {url} after {timeout}s")


def _locust(user_class: str, seconds: int, host: str, workdir: Path, env: dict) -> list[dict]:
    prefix = workdir / user_class
    command = [
        sys.executable, "-m", "locust", "-f", str(BASE_DIR / "benchmarks" / "locustfile.py"),
        "--headless", "--users", str(USERS), "--spawn-rate", str(USERS),
        "--run-time", f"{seconds}s", "--host", host, "--csv", str(prefix),
        "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10", user_class,
    ]  # fmt: skip
    # Exit code 1 means "some requests failed": the failures are counted and reported below.
    with open(f"{prefix}.log", "w") as log:
        done = subprocess.run(command, env=env, cwd=BASE_DIR, stdout=log, stderr=log)  # noqa: S603
    if done.returncode not in (0, 1):
        raise RuntimeError(f"locust {user_class} exited with {done.returncode}: {prefix}.log")
    with open(f"{prefix}_failures.csv", newline="") as handle:
        for failure in csv.DictReader(handle):
            print(f"  {user_class}: {failure['Occurrences']} x {failure['Method']} "
                  f"{failure['Name']}: {failure['Error']}")  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


# For reference only: the bare view without a session cookie. The server then loads no
# session and no user (2 queries fewer), which no participant's page can skip.
ANONYMOUS = "hello, anonymous"
WRK_PHASES = [("hello", "/bench/hello"), ("dashboard", "/dashboard/"), ("balance", "/balance/"),
              ("hello", "/bench/hello"), (ANONYMOUS, "/bench/hello")]  # fmt: skip


def _wrk(url: str, seconds: int, env: dict) -> dict:
    """One phase with wrk; env's LOAD_SESSIONS are the cookies to send (none: anonymous)."""
    command = [
        "wrk", "--threads", "2", "--connections", str(USERS), "--duration", f"{seconds}s",
        "--timeout", "10s", "--script", str(BASE_DIR / "benchmarks" / "wrk_sessions.lua"), url,
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    summary["rps"] = summary["requests"] / summary["seconds"]
    return summary


def _server_pids(server: subprocess.Popen) -> set[int]:
    """The processes doing the server's work: gunicorn's workers, PostgreSQL and Redis."""
    found = set()
    for command in (["pgrep", "-P", str(server.pid)], ["pgrep", "-x", "postgres|redis-server"]):
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        found.update(int(pid) for pid in done.stdout.split())
    return found


def _cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time of `pids` so far (Linux /proc); a process gone counts nothing."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _row(phase: str, stats: dict) -> dict:
    return {
        "phase": phase,
        "name": stats["Name"],
        "requests": int(stats["Request Count"]),
        "errors": int(stats["Failure Count"]),
        "rps": float(stats["Requests/s"]),
        "p50": float(stats["50%"]),
        "p99": float(stats["99%"]),
    }


def run() -> dict:
    """Measure against the current (test) database; returns the figures it printed."""
    if connection.vendor != "postgresql":
        print("\n(load test not run: it needs PostgreSQL, set DATABASE_URL=postgres://...)")
        return {}
    password = secrets.token_urlsafe(16)
    secret_key = secrets.token_urlsafe(50)
    participants, sessions = prepare_accounts(password, secret_key)
    # Fragments of an earlier run's users (whose ids this run's test database reuses) go first.
    redis.Redis.from_url(CACHE_URL).flushdb()
    workdir = Path(tempfile.mkdtemp(prefix="jmo-load-"))
    static_root = str(workdir / "static")
    env = _server_env(static_root, secret_key)
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=env, cwd=BASE_DIR, check=True,
    )  # fmt: skip
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "gunicorn", "jmo_portal.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
         "--worker-tmp-dir", str(workdir),
         "--log-level", "warning"],
        env=env, cwd=BASE_DIR, start_new_session=True,
    )  # fmt: skip
    rows, wrk_rows, served = [], [], {}
    try:
        _wait_ready(f"{host}/bench/hello", server)
        client_env = {
            **env, "LOAD_PASSWORD": password, "LOAD_USERS": str(USERS),
            "LOAD_SESSIONS": ",".join(sessions),
            "LOAD_SESSION_COOKIE": settings.SESSION_COOKIE_NAME,
            "LOAD_PAGES_PER_LOGIN": str(PAGES_PER_LOGIN),
        }  # fmt: skip
        # The bare view before and after the pages: other load on the machine drifts, and the
        # ratio uses the mean of both.
        phases = [("Hello", PHASE_SECONDS), ("Dashboard", PHASE_SECONDS),
                  ("Balance", PHASE_SECONDS), ("Hello", PHASE_SECONDS),
                  ("Mix", SECONDS)][-1 if MIX_ONLY else 0 :]  # fmt: skip
        for user_class, seconds in phases:
            before = _server_pids(server)
            cpu_before = _cpu_seconds(before)
            for stats in _locust(user_class, seconds, host, workdir, client_env):
                rows.append(_row(user_class.lower(), stats))
            cpu = _cpu_seconds(before | _server_pids(server)) - cpu_before
            rows[-1]["server_cpu"] = cpu  # on the phase's "Aggregated" row
        if REPLICA_URL:
            outage = _replica_outage(SECONDS, env["DATABASE_REPLICA_URL"], served)
            try:
                for stats in _locust("Mix", SECONDS, host, workdir, client_env):
                    rows.append(_row(REPLICA_OUTAGE, stats))
            finally:
                outage.join()
        if shutil.which("wrk") and not MIX_ONLY:
            anonymous_env = {**client_env, "LOAD_SESSIONS": ""}
            wrk_rows = [
                {"phase": phase, **_wrk(f"{host}{path}", PHASE_SECONDS,
                                        anonymous_env if phase == ANONYMOUS else client_env)}
                for phase, path in WRK_PHASES
            ]  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        if settings.CELERY_BROKER_URL:
            # Nothing consumes the login tasks here, and their ids die with this database.
            from jmo_portal.celery import app

            app.control.purge()
    outage = _report_replica_outage(rows, served) if REPLICA_URL else {}
    if MIX_ONLY:
        return {"mix": _report_mix(rows), **outage}
    report = _report(rows, participants)
    return {**report, "mix": _report_mix(rows), "wrk_ratios": _report_wrk(wrk_rows), **outage}


def _report_replica_outage(rows: list[dict], served: dict) -> dict:
    phase = [row for row in rows if row["phase"] == REPLICA_OUTAGE]
    total = next(row for row in phase if row["name"] == "Aggregated")
    standby = served.get("standby_transactions", 0)
    # Passing needs the standby to have served before it stopped, or nothing was tested.
    passed = total["requests"] > 0 and total["errors"] == 0 and standby > 0
    verdict = "PASS" if passed else "FAIL"
    print(
        f"\n== Mix with the replica stopped for its middle third: {total['requests']} requests, "
        f"{total['errors']} errors, p99 {total['p99']:.0f} ms; the standby ran {standby} "
        f"transactions before it stopped: {verdict} =="
    )
    return {
        "replica_outage": {
            "passed": passed,
            "requests": total["requests"],
            "errors": total["errors"],
        }
    }


def _report(rows: list[dict], participants: int) -> dict:
    print(
        f"\n== Load: gunicorn ({_workers_text()}, production settings, Redis cache) on "
        f"127.0.0.1, {participants:,} participants, {USERS} users; "
        f"phases {PHASE_SECONDS} s, mix {SECONDS} s =="
    )
    print(f"{'phase':<10}{'request':<20}{'requests':>9}{'errors':>7}{'req/s':>9}"
          f"{'p50 ms':>8}{'p99 ms':>8}")  # fmt: skip
    for row in rows:
        print(f"{row['phase']:<10}{row['name']:<20}{row['requests']:>9}{row['errors']:>7}"
              f"{row['rps']:>9.1f}{row['p50']:>8.0f}{row['p99']:>8.0f}")  # fmt: skip

    def rate(phase, name):
        found = [r["rps"] for r in rows if r["phase"] == phase and r["name"] == name]
        return sum(found) / len(found)

    hello = rate("hello", "hello (bare view)")
    print(f"bare view: {hello:.1f} req/s (mean of the runs before and after the pages)")
    ratios = {name: rate(name, name) / hello for name in ("dashboard", "balance")}
    errors = sum(r["errors"] for r in rows if r["name"] == "Aggregated")
    for name, ratio in ratios.items():
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(f"{name} / bare view: {ratio:.2f} (target >= {TARGET_RATIO:.2f}) {verdict}")
    print(f"errors in all phases: {errors} (target 0)")
    cpu_ratios = _report_server_cpu(rows)
    return {"rows": rows, "ratios": ratios, "cpu_ratios": cpu_ratios, "errors": errors}


def _workers_text() -> str:
    if THREADS > 1:
        return f"{WORKERS} workers x {THREADS} threads"
    return f"{WORKERS} sync workers"


def _report_mix(rows: list[dict]) -> dict:
    """The participant mix against its target: per request p50, p99 and errors, PASS or FAIL."""
    mix = [row for row in rows if row["phase"] == "mix" and row["name"] != "Aggregated"]
    logins = sum(row["requests"] for row in mix if row["name"] == "login")
    forms = {"login", "login (form)"}
    views = sum(row["requests"] for row in mix if row["name"] not in forms)
    measured = views / logins if logins else float("inf")
    ratio = f"{views} page views, {logins} logins, {measured:.1f} per login"
    target = f"p99 < {TARGET_P99_MS} ms for all but the login POST, 0 errors"
    print(f"\n== Mix at {USERS} users ({_workers_text()}): one login per {PAGES_PER_LOGIN} "
          f"page views (measured: {ratio}); target {target} ==")  # fmt: skip
    print(f"{'request':<20}{'requests':>9}{'errors':>7}{'p50 ms':>8}{'p99 ms':>8}  verdict")
    verdicts = {}
    for row in mix:
        exempt = row["name"] in EXEMPT_FROM_P99
        fast = exempt or row["p99"] < TARGET_P99_MS
        verdicts[row["name"]] = fast and row["errors"] == 0
        verdict = "PASS" if verdicts[row["name"]] else "FAIL"
        note = " (p99 exempt)" if exempt else ""
        print(f"{row['name']:<20}{row['requests']:>9}{row['errors']:>7}{row['p50']:>8.0f}"
              f"{row['p99']:>8.0f}  {verdict}{note}")  # fmt: skip
    passed = logins > 0 and all(verdicts.values())  # a mix with no login measured nothing
    print(f"mix: {'PASS' if passed else 'FAIL'}")
    return {"passed": passed, "pages_per_login": measured, "verdicts": verdicts}


def _report_server_cpu(rows: list[dict]) -> dict:
    """The same comparison without the load client, which shares these cores: the server's CPU
    time per request (gunicorn workers, PostgreSQL and Redis together), bare view over page."""

    def per_request(phase):
        found = [r for r in rows if r["phase"] == phase and "server_cpu" in r]
        return 1000 * sum(r["server_cpu"] for r in found) / sum(r["requests"] for r in found)

    costs = {phase: per_request(phase) for phase in ("hello", "dashboard", "balance")}
    print("server CPU per request (gunicorn + PostgreSQL + Redis): "
          + ", ".join(f"{phase} {ms:.2f} ms" for phase, ms in costs.items()))  # fmt: skip
    ratios = {name: costs["hello"] / costs[name] for name in ("dashboard", "balance")}
    for name, ratio in ratios.items():
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(f"{name} / bare view by server CPU: {ratio:.2f} (target >= {TARGET_RATIO:.2f}) "
              f"{verdict}")  # fmt: skip
    return ratios


def _report_wrk(rows: list[dict]) -> dict:
    if not rows:
        print("(wrk not installed, so no figures from a client that leaves the cores to the "
              "server: apt-get install wrk)")  # fmt: skip
        return {}
    print(f"\n== The same with wrk ({USERS} connections, {PHASE_SECONDS} s each) ==")
    print(f"{'phase':<18}{'requests':>9}{'errors':>7}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}")
    for row in rows:
        print(f"{row['phase']:<18}{row['requests']:>9}{row['errors']:>7}{row['rps']:>9.1f}"
              f"{row['p50_ms']:>8.1f}{row['p99_ms']:>8.1f}")  # fmt: skip
    hellos = [row["rps"] for row in rows if row["phase"] == "hello"]
    hello = sum(hellos) / len(hellos)
    print(f"bare view: {hello:.1f} req/s (mean of the runs before and after the pages)")
    pages = [row for row in rows if row["phase"] in ("dashboard", "balance")]
    ratios = {row["phase"]: row["rps"] / hello for row in pages}
    for name, ratio in ratios.items():
        verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
        print(f"{name} / bare view with wrk: {ratio:.2f} (target >= {TARGET_RATIO:.2f}) {verdict}")
    anonymous = next(row["rps"] for row in rows if row["phase"] == ANONYMOUS)
    print("for reference, over the bare view asked without a session: "
          + ", ".join(f"{row['phase']} {row['rps'] / anonymous:.2f}" for row in pages))  # fmt: skip
    print(f"errors with wrk: {sum(row['errors'] for row in rows)} (target 0)")
    return ratios


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jmo_portal.settings.test")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    from benchmarks import balance
    from core.models import Branch

    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if connection.vendor == "postgresql":
            branch = Branch.objects.create(code="bench", name="KCP Bench", address="Bandung")
            count = int(os.environ.get("BENCH_PARTICIPANTS", "100000"))
            started = time.perf_counter()
            rows = balance._seed_postgres(count, branch.pk)
            print(f"seeded {count:,} participants ({rows:,} rows) in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        run()
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
