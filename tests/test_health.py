import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "eager"}


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
