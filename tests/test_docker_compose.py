"""The compose file is the deployment of issue 21: no single-container assumption. These machines
have no Compose v2 to `docker compose config` it, so it is checked against the Compose
specification's own JSON schema (vendored, deploy/COMPOSE_SPEC.md), and the proxy's config by
nginx itself, once with `nginx -t` and once serving real requests."""

import http.client
import http.server
import json
import re
import secrets
import shlex
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import jsonschema
import pytest
import yaml
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.test import RequestFactory, override_settings

from core.ratelimit import client_ip
from tests.test_deploy_checks import deploy_check

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = ROOT / "deploy" / "compose-spec.json"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

# The queue groups of issue 21, used until settings route tasks (CELERY_TASK_ROUTES).
QUEUE_GROUPS = ["documents", "scheduling", "imports", "notifications", "default", "insights"]
APP_SERVICES = ("web", "beat") + tuple(f"worker-{g}" for g in QUEUE_GROUPS if g != "default")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def database_host(service) -> str:
    return urllib.parse.urlsplit(service["environment"]["DATABASE_URL"]).hostname


def worker_queues(service) -> list[str]:
    argv = shlex.split(service["command"])
    assert argv[:4] == ["celery", "-A", "jmo_portal", "worker"]
    return argv[argv.index("-Q") + 1].split(",")


def routed_queues() -> set[str]:
    """Every queue a task can be sent to: the routes' queues and the default queue."""
    routes = getattr(settings, "CELERY_TASK_ROUTES", None)
    if not routes:
        return set(QUEUE_GROUPS)
    queues = {route["queue"] for route in routes.values()}
    return queues | {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}


def test_compose_validates_against_the_compose_specification(compose):
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=str)
    assert errors == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_schema_refuses_what_compose_would_refuse():
    """The check has teeth: a wrong condition or a misspelt key is an error."""
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    wrong_condition = yaml.safe_load(COMPOSE.read_text())
    wrong_condition["services"]["web"]["depends_on"]["migrate"]["condition"] = "service_finished"
    misspelt = yaml.safe_load(COMPOSE.read_text())
    misspelt["services"]["proxy"]["portz"] = misspelt["services"]["proxy"].pop("ports")
    assert not validator.is_valid(wrong_condition)
    assert not validator.is_valid(misspelt)


def test_two_web_containers_sit_behind_the_proxy_and_only_it_is_published(services):
    web = services["web"]
    assert web["deploy"]["replicas"] == 2
    assert "ports" not in web
    assert web["command"] == "gunicorn -c jmo_portal/gunicorn_conf.py jmo_portal.wsgi:application"
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert [s for s, service in services.items() if "ports" in service] == ["proxy"]
    # The one proxy appends one X-Forwarded-For entry: the address one hop from the right.
    assert web["environment"]["DJANGO_NUM_PROXIES"] == "${DJANGO_NUM_PROXIES:-1}"


def test_migrate_runs_once_and_everything_on_the_database_waits_for_it(services):
    migrate = services["migrate"]
    assert migrate["command"] == "python manage.py migrate --noinput"
    assert migrate["restart"] == "no"
    assert database_host(migrate) == "db"  # DDL and the migration lock need a real session
    assert not migrate["environment"]["DATABASE_POOLER"]
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "migrate" not in services[name].get("command", ""), name


def test_web_and_workers_reach_postgresql_through_pgbouncer_in_transaction_mode(services):
    pgbouncer = services["pgbouncer"]
    assert pgbouncer["image"].split(":")[1] not in ("", "latest")
    assert pgbouncer["environment"]["POOL_MODE"] == "transaction"
    assert urllib.parse.urlsplit(pgbouncer["environment"]["DATABASE_URL"]).hostname == "db"
    port = pgbouncer["environment"]["LISTEN_PORT"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert database_host(services[name]) == "pgbouncer", name
        assert str(urllib.parse.urlsplit(env["DATABASE_URL"]).port) == port, name
        assert env["DATABASE_POOLER"] == "pgbouncer", name
        assert services[name]["depends_on"]["pgbouncer"]["condition"] == "service_healthy"


def test_one_worker_pool_per_queue_group_covers_every_routed_queue(services):
    pools = {name: worker_queues(s) for name, s in services.items() if name.startswith("worker-")}
    consumed = [queue for queues in pools.values() for queue in queues]
    assert len(consumed) == len(set(consumed)), "a queue is consumed by two pools"
    assert set(consumed) == routed_queues()
    assert pools["worker-notifications"] == ["notifications", "default"]
    assert services["beat"]["command"] == "celery -A jmo_portal beat -l info"
    assert "deploy" not in services["beat"]  # never more than one beat


def test_every_app_container_shares_one_cache_broker_and_upload_store(services):
    for name in ("migrate", *APP_SERVICES):
        env = services[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "jmo_portal.settings.production"
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert env["CACHE_URL"] == "redis://redis:6379/1"
        assert env["DJANGO_STORAGE"] == "${DJANGO_STORAGE:-filesystem}"
        assert "uploads:/app/var/uploads" in services[name]["volumes"]
    for name in ("db", "redis", "pgbouncer", "web"):
        assert "healthcheck" in services[name]


def interpolated(env: dict, given: dict[str, str]) -> dict[str, str]:
    """Compose's `${VAR:-default}` and `${VAR:?message}` with the variables of `given`."""

    def value(match: re.Match) -> str:
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if given.get(name):
            return given[name]
        assert op == ":-", f"{name} must be set: {rest}"
        return rest

    return {k: re.sub(r"\$\{(\w+)(:[-?])([^}]*)\}", value, str(v)) for k, v in env.items()}


@pytest.mark.parametrize("storage", ["filesystem", "s3"])
def test_the_web_containers_environment_passes_the_deploy_checks(services, storage):
    dotenv = {  # what the operator's .env holds (env_file); `environment` wins over it
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "portal.example.id",
    }
    if storage == "s3":
        dotenv |= {"DJANGO_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "jmo-uploads"}
    env = {**dotenv, **interpolated(services["web"]["environment"], dotenv)}
    assert env["DATABASE_POOLER"] == "pgbouncer"
    assert env["DJANGO_NUM_PROXIES"] == "1"
    assert env["DJANGO_STORAGE"] == storage
    result = deploy_check(**env)
    assert result.returncode == 0, result.stdout + result.stderr


# nginx, for real ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx_dir(tmp_path):
    """The proxy's own config, with what only exists in compose pointed at this machine: the
    `web` host at a local port, the certificates at a fresh self-signed pair."""
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", certs / "privkey.pem",
         "-out", certs / "fullchain.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    return tmp_path


def local_nginx_conf(folder: Path, *, web: int, http: int, https: int) -> Path:
    text = NGINX_CONF.read_text()
    for old, new in [
        ("server web:8000", f"server 127.0.0.1:{web}"),
        ("/etc/nginx/certs", str(folder / "certs")),
        ("listen 80 ", f"listen 127.0.0.1:{http} "),
        ("listen 443 ", f"listen 127.0.0.1:{https} "),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    conf = folder / "nginx.conf"
    conf.write_text(f"pid {folder / 'nginx.pid'};\n" + text)
    return conf


def nginx(folder: Path, conf: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log"), *args],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip


def test_nginx_accepts_the_proxy_config(nginx_dir):
    conf = local_nginx_conf(nginx_dir, web=8000, http=free_port(), https=free_port())
    result = nginx(nginx_dir, conf, "-t")
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


class EchoHeaders(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn: answers with the headers the proxy sent it."""

    def do_GET(self):  # noqa: N802 - http.server's name
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.do_GET()

    def log_message(self, *args):
        pass


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx not listening on {port}: {log.read_text()}")


@pytest.fixture
def running_proxy(nginx_dir):
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHeaders)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    ports = {"http": free_port(), "https": free_port()}
    conf = local_nginx_conf(nginx_dir, web=web.server_address[1], **ports)
    log = nginx_dir / "nginx.out"
    with log.open("w") as out:
        process = subprocess.Popen(
            [NGINX, "-p", str(nginx_dir), "-c", str(conf), "-g", "daemon off;"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(ports["https"], process, log)
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=10)
        web.shutdown()


def https_request(port: int, path: str, *, headers=None, body: bytes | None = None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    connection.request("POST" if body is not None else "GET", path, body=body,
                       headers={"Host": "portal.example.id", **(headers or {})})  # fmt: skip
    response = connection.getresponse()
    return response.status, response.read()


def test_the_proxy_sends_the_headers_the_rate_limits_trust(running_proxy):
    """A client that forges X-Forwarded-For still counts under its own address, in DRF's
    throttles and in allauth's limits alike, with the NUM_PROXIES compose sets (1)."""
    status, body = https_request(
        running_proxy["https"], "/api/v1/", headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert status == 200
    sent = {name.lower(): value for name, value in json.loads(body).items()}
    assert sent["host"] == "portal.example.id"
    assert sent["x-forwarded-proto"] == "https"
    assert sent["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"

    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR=sent["x-forwarded-for"], REMOTE_ADDR="172.18.0.5"
    )
    # What DJANGO_NUM_PROXIES=1 sets (settings/base.py derives all three from it).
    with override_settings(
        NUM_PROXIES=1,
        ALLAUTH_TRUSTED_PROXY_COUNT=1,
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1},
    ):
        assert get_adapter(request).get_client_ip(request) == "127.0.0.1"  # login, reset, phone
        assert client_ip(request) == "127.0.0.1"  # the API throttles and the portal's own limits


def test_plain_http_redirects_to_https_except_the_health_check(running_proxy):
    connection = http.client.HTTPConnection("127.0.0.1", running_proxy["http"], timeout=10)
    connection.request("GET", "/dashboard/?x=1", headers={"Host": "portal.example.id"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://portal.example.id/dashboard/?x=1"
    response.read()
    connection.request("GET", "/healthz", headers={"Host": "portal.example.id"})
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read())["X-Forwarded-Proto"] == "http"


def test_the_proxy_takes_the_largest_body_the_portal_reads_and_no_more(running_proxy):
    """A contribution report of CONTRIBUTIONS_MAX_BODY_BYTES reaches the app, which answers
    any smaller limit itself; a body past it is stopped at the proxy."""
    limit = settings.CONTRIBUTIONS_MAX_BODY_BYTES
    assert https_request(running_proxy["https"], "/api/v1/", body=b"x" * limit)[0] == 200
    too_big = 26 * 1024 * 1024 + 1
    assert https_request(running_proxy["https"], "/api/v1/", body=b"x" * too_big)[0] == 413
