from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def test_compose_defines_the_production_like_stack():
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
    for name in ("web", "worker", "beat"):
        service = services[name]
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "jmo_portal.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis")
        assert set(service["depends_on"]) == {"db", "redis"}
    # One Redis cache for all three: a page changed by a worker's task is dropped for the web.
    caches = {services[name]["environment"]["CACHE_URL"] for name in ("web", "worker", "beat")}
    assert len(caches) == 1
    assert caches.pop().startswith("redis://redis")
    assert (
        "gunicorn -c jmo_portal/gunicorn_conf.py jmo_portal.wsgi:application"
        in (services["web"]["command"])
    )
    assert services["worker"]["command"].startswith("celery -A jmo_portal worker")
    assert services["beat"]["command"].startswith("celery -A jmo_portal beat")
    for name in ("db", "redis"):
        assert "healthcheck" in services[name]
