"""`seed_demo` leaves a populated dashboard: history for extra participants, then summaries."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from insights.models import DailySummary
from participants.models import Participant

pytestmark = pytest.mark.django_db


def test_seed_demo_backfills_the_dashboard_once(client):
    call_command("seed_demo")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    rows = DailySummary.objects.filter(day=yesterday, branch__isnull=False)
    assert rows.count() == 3  # every demo branch
    # 17 of the 18 history participants registered before today; the personas, today.
    assert sum(row.registered for row in rows) == 17
    assert any(row.claims for row in DailySummary.objects.all())
    counts = (DailySummary.objects.count(), Participant.objects.count())
    call_command("seed_demo")
    assert (DailySummary.objects.count(), Participant.objects.count()) == counts
    # The named demo personas carry none of the made-up history.
    budi = Participant.objects.get(full_name="Budi Santoso")
    assert not budi.claims.exists()
    assert not budi.tickets.exists()

    assert client.login(email="staf.soreang@demo.jmo.example", password="jmo-demo-2026")
    response = client.get("/admin/insights/dailysummary/")
    assert response.status_code == 200
    headlines = dict(response.context["sections"][3].headlines)
    assert headlines["Disetujui"] > 0
