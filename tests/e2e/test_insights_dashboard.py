"""Branch staff log in through the portal, open the dashboard from the admin index, see charts."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.staff import staff_log_in
from tests.factories import BranchFactory, DailySummaryFactory, EmailAddressFactory, StaffFactory

RESULTS = Path(os.environ.get("E2E_SCREENSHOTS") or "test-results")


def _history(branch, days=30):
    """A month of summaries with some movement, so every chart has something to draw."""
    last = timezone.localdate() - datetime.timedelta(days=1)
    for n in range(days):
        day = last - datetime.timedelta(days=days - 1 - n)
        wave = (n * 7) % 11
        DailySummaryFactory(
            branch=branch,
            day=day,
            registered=400 + 3 * n,
            new_registrations=3,
            active_1d=20 + wave,
            active_30d=150 + 2 * n,
            by_category={
                "PPU": {"registered": 300 + 2 * n, "new": 2, "active_1d": 15, "active_30d": 120},
                "BPU": {"registered": 100 + n, "new": 1, "active_1d": 5, "active_30d": 30 + n},
            },
            claims={
                "JHT|online": {"submitted": 4, "approved": 3, "rejected": 1, "pending": 9},
                "JHT|branch": {"submitted": 2, "approved": 1, "rejected": 0, "pending": 5},
                "JKK|partner": {"submitted": 1, "approved": 1, "rejected": 0, "pending": 2},
            },
            decision_hours={"JHT|online": {str(30 + wave): 3}, "JHT|branch": {"120": 1}},
            payment_hours={"JHT|online": {str(70 + wave): 2}, "JKK|partner": {"200": 1}},
            complaint_ratings=[0, 1, 1, 2 + n % 2, 3],
            quiz={
                "register": {"attempts": 5, "score": 14 + wave % 5, "total": 20, "completions": 3}
            },
            self_help={"cannot_log_in": {"offered": 4, "solved": 3}},
            appointments_served=8,
            appointments_no_show=wave % 3,
            waiting_days={"2": 5, "4": 3},
            tickets_responded=3,
            tickets_responded_on_time=3 - n % 2,
            tickets_resolved=2,
            tickets_resolved_on_time=2,
            data_updates_applied=5,
            data_updates_rejected=2,
            rejection_reasons={"Nama di rekening tidak sama dengan nama peserta": 2},
        )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_branch_staff_open_the_dashboard_and_see_the_charts(live_server, page: Page):
    branch = BranchFactory(code="majalaya", name="KCP Majalaya")
    _history(branch)
    _history(BranchFactory(code="soreang", name="KCP Soreang"))  # must not show
    staff = StaffFactory(
        branch=branch, email="staf.majalaya@example.test", perms=["insights.view_dailysummary"]
    )
    EmailAddressFactory(user=staff)

    page.goto(f"{live_server.url}/admin/")
    staff_log_in(page, "staf.majalaya@example.test")
    page.goto(f"{live_server.url}/admin/")  # wherever the two-step login ended
    page.get_by_role("link", name="Dasbor efektivitas").first.click()

    expect(page.get_by_role("heading", name="Dasbor efektivitas")).to_be_visible()
    expect(page.locator("p.period")).to_contain_text("KCP Majalaya")
    expect(page.locator("svg.chart")).to_have_count(13)
    assert page.locator("svg.chart rect.bar").count() > 20
    assert page.locator("svg.chart polyline.series").count() >= 4
    expect(page.locator("#table-active_daily tbody tr")).to_have_count(30)
    # six sections and the day at the counters
    expect(page.locator("p.definition")).to_have_count(7)
    expect(page.get_by_text("KCP Soreang")).to_have_count(0)
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=RESULTS / "insights-dashboard.png", full_page=True)

    # The period picker: the last 7 days.
    page.get_by_role("link", name="7 hari").click()
    expect(page.locator("#table-active_daily tbody tr")).to_have_count(7)

    # A table's CSV download.
    with page.expect_download() as download:
        page.locator("#section-claims a.csv").first.click()
    path = download.value.path()
    assert Path(path).read_text(encoding="utf-8").splitlines()[0].startswith("Jenis klaim,")
