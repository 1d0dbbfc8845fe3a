import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_service(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    expected = {"status": "ok", "database": "ok", "cache": "ok", "broker": "eager"}
    if "replica" in settings.DATABASES:
        # Reads are off outside tests/core/test_replica.py (a TestCase's rows are uncommitted),
        # so the standby is not asked here; those tests check the lag it shows.
        expected["replica"] = {"status": "off", "reads": "primary"}
    assert response.json() == expected


@pytest.mark.redis
def test_healthz_checks_a_configured_broker(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/healthz")
    assert response.json()["broker"] == "ok"


def test_healthz_reports_an_unreachable_broker_as_503(client):
    with override_settings(
        CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_TASK_ALWAYS_EAGER=False
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_the_compose_healthcheck_passes_under_production_settings(client, monkeypatch):
    """The compose healthcheck, run as written, gets a 200 from production settings, not a 301."""
    from pathlib import Path

    import yaml

    from tests.security.test_headers import production_settings

    compose = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "docker-compose.yml").read_text()
    )
    command = compose["services"]["web"]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "python", "-c"]
    sent = []
    monkeypatch.setattr("urllib.request.urlopen", lambda request, **kw: sent.append(request))
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "portal.example.id,www.portal.example.id")
    exec(command[3], {})  # noqa: S102 - the compose file's own healthcheck code
    (request,) = sent
    assert request.full_url == "http://127.0.0.1:8000/healthz"
    host = request.headers["Host"]
    assert host == "portal.example.id"

    values = production_settings()
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    with override_settings(**values, ALLOWED_HOSTS=["portal.example.id"]):
        # Plain http, no proxy header: what the container sees.
        assert client.get("/healthz", HTTP_HOST=host).status_code == 200
        # Every other page still goes to https.
        assert client.get("/news/", HTTP_HOST=host).status_code == 301
