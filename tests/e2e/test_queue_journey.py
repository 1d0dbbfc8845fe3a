"""The virtual queue in a browser: arrival by the door's QR code on a phone, and the
waiting-room screen showing a called number within 5 seconds."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from appointments import door, services
from appointments.models import Appointment, ServiceType
from tests.appointments.conftest import open_branch
from tests.factories import (
    TEST_PASSWORD,
    BranchFactory,
    EmailAddressFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def branch(db):
    service = ServiceType.objects.create(
        code="queue_e2e", name_id="Konsultasi", name_en="Consultation", duration_minutes=30
    )
    # Open all day, so the test finds free slots whatever the hour it runs at.
    return open_branch(BranchFactory(code="kcp-tv", name="KCP Layar"), service, periods=((0, 23),))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_display_shows_a_called_number_within_5_seconds(
    live_server, page: Page, branch, tmp_path
):
    service = ServiceType.objects.get(code="queue_e2e")
    services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}/appointments/queue/{branch.code}/")
    expect(page.get_by_text("Belum ada nomor yang dipanggil hari ini.")).to_be_visible()
    services.ticket_call_next(branch=branch, counter=2, staff=StaffFactory(branch=branch))
    started = time.monotonic()
    expect(page.get_by_test_id("counter-2")).to_have_text("B-001", timeout=5_000)
    assert time.monotonic() - started < 5
    expect(page.get_by_text("B satu", exact=True)).to_be_visible()
    page.screenshot(path=tmp_path / "display-1280.png", full_page=True)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 720})
        for path in ("", "kiosk/", "kiosk/walk-in/"):
            page.goto(f"{live_server.url}/appointments/queue/{branch.code}/{path}")
            assert page.evaluate(NO_SIDEWAYS), (width, path)
            page.screenshot(path=tmp_path / f"queue-{path.strip('/') or 'display'}-{width}.png")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_arrival_by_the_door_qr_code_on_a_phone(live_server, page: Page, branch, tmp_path):
    service = ServiceType.objects.get(code="queue_e2e")
    user = UserFactory(email="sri.antre@example.test")
    EmailAddressFactory(user=user)
    participant = ParticipantFactory(user=user, full_name="Sri Wahyuni", branch=branch)
    starts = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    visit = Appointment.objects.create(
        participant=participant, service_type=service, branch_choice_1=branch, branch=branch,
        scheduled_for=starts, seat=1, window_start=starts.date(),
        window_end=starts.date(), status=Appointment.Status.ACCEPTED, booking_code="QRT4AC",
    )  # fmt: skip
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(user.email)
    page.get_by_label("Kata sandi", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    token = door.door_token(branch_id=branch.pk, day=timezone.localdate())
    page.goto(f"{live_server.url}/appointments/queue/door/{token}/")
    assert page.evaluate(NO_SIDEWAYS)
    page.screenshot(path=tmp_path / "door-320.png", full_page=True)
    page.get_by_role("button", name="Lapor hadir sekarang").click()
    expect(page.get_by_text("Lapor hadir berhasil. Nomor antrean Anda A-001.")).to_be_visible()
    expect(page.get_by_test_id("my-number")).to_have_text("A-001")
    expect(page.get_by_test_id("my-place")).to_contain_text("Anda berikutnya")
    assert page.evaluate(NO_SIDEWAYS)
    page.screenshot(path=tmp_path / "place-320.png", full_page=True)
    visit.refresh_from_db()
    assert visit.status == Appointment.Status.CHECKED_IN


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_queue_pages_pass_the_phone_checks(live_server, browser, branch):
    """The site-wide phone checks (tests/e2e/test_phone_layout.py), on the queue's public pages
    at the demo's branch code: 320 and 390 px, both languages, with a number called."""
    from tests.e2e.site_pages import PAGES, SitePage
    from tests.e2e.test_phone_layout import check_pages

    service = ServiceType.objects.get(code="queue_e2e")
    services.ticket_issue_walk_in(branch=branch, service_type=service, channel="kiosk")
    services.ticket_call_next(branch=branch, counter=12, staff=StaffFactory(branch=branch))
    pages = [
        SitePage(spec.name, spec.url.replace("soreang", branch.code), spec.audience, route)
        for route, specs in PAGES.items()
        if route.startswith("appointments/queue/")
        for spec in specs
    ]
    assert len(pages) == 3
    assert check_pages(browser, live_server.url, pages, audience="public") == []
