"""`make bench`: page timings on a throwaway database, as ratios to a bare Django view.

Uses DATABASE_URL when set (a test database is created and dropped), SQLite otherwise.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jmo_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from benchmarks.harness import report, time_get  # noqa: E402


def main() -> None:
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    from django.db import connection

    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        client = Client()
        baseline = time_get(client, "/bench/hello")
        rows = [time_get(client, "/"), time_get(client, "/accounts/login/")]
        from participants.models import User

        client.force_login(User.objects.get(email="budi@demo.jmo.example"))
        rows.append(time_get(client, "/dashboard/"))
        rows.append(time_get(client, "/claims/"))
        rows.append(
            time_get(client, "/claims/check/?claim_type=JHT:full:resignation&event_date=2025-12-14")
        )
        print(f"database: {connection.vendor} ({test_db})")
        report(rows, baseline)
        import logging

        from benchmarks import balance

        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)

        balance.history_length(baseline)
        balance.scale(baseline)
        from benchmarks import load

        load.run()  # on the 100,000 participants just seeded

        from benchmarks import ingest

        ingest.main()
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
    from benchmarks import scheduling

    scheduling.main()
