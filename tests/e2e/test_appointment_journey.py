import re

import pytest
from playwright.sync_api import Page, expect

from appointments.models import Appointment
from tests.appointments.conftest import open_branch
from tests.factories import (
    TEST_PASSWORD,
    BranchFactory,
    EmailAddressFactory,
    ParticipantFactory,
    UserFactory,
)


@pytest.fixture
def service(db):
    from appointments.models import ServiceType

    return ServiceType.objects.create(
        code="consult_e2e", name_id="Konsultasi", name_en="Consultation", duration_minutes=30
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_book_see_the_assigned_slot_and_move_it(live_server, page: Page, service, tmp_path):
    branch = open_branch(BranchFactory(name="KCP Soreang"), service, periods=((9, 10),))
    user = UserFactory(email="sri@example.test")
    EmailAddressFactory(user=user)
    ParticipantFactory(user=user, full_name="Sri Wahyuni", branch=branch)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(user.email)
    page.get_by_label("Kata sandi", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Buat janji di kantor cabang").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Buat janji di kantor cabang")
    page.get_by_label("Layanan").select_option(label="Konsultasi")
    expect(page.get_by_label("Pilihan pertama kantor cabang")).to_have_value(str(branch.pk))
    page.get_by_role("button", name="Minta janji temu").click()

    expect(page.get_by_text("Jadwal sudah ditentukan")).to_be_visible()
    expect(page.get_by_test_id("scheduled-for")).to_contain_text("09:00")
    page.screenshot(path=tmp_path / "assigned.png", full_page=True)

    page.get_by_role("link", name="Pindah ke waktu lain").click()
    page.get_by_role("link", name=re.compile("Hari berikutnya")).click()
    page.get_by_label(re.compile("09:30 · KCP Soreang")).check()
    page.screenshot(path=tmp_path / "move.png", full_page=True)
    page.get_by_role("button", name="Pindah ke sini").click()

    expect(page.get_by_text("Janji temu dipindahkan.")).to_be_visible()
    expect(page.get_by_text("Dikonfirmasi")).to_be_visible()
    expect(page.get_by_test_id("scheduled-for")).to_contain_text("09:30")
    page.screenshot(path=tmp_path / "moved.png", full_page=True)
    appointment = Appointment.objects.get(participant__user=user)
    assert appointment.status == Appointment.Status.ACCEPTED
