import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from claims.models import Claim
from tests.claims.conftest import claim_rules, give_bank_account  # noqa: F401 - fixture
from tests.documents.files import image_bytes
from tests.e2e.staff import staff_log_in
from tests.factories import (
    TEST_PASSWORD,
    EmailAddressFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)


def log_in(page: Page, url: str, email: str):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def log_out(page: Page):
    page.get_by_role("button", name="Keluar").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_resigned_participant_files_a_jht_claim_and_sees_it_approved(
    live_server,
    page: Page,
    tmp_path,
    media_root,
    claim_rules,  # noqa: F811
):
    user = UserFactory(email="dedi@example.test")
    EmailAddressFactory(user=user)
    participant = ParticipantFactory(full_name="Dedi Kurniawan", user=user)
    KpjCardFactory(participant=participant, status="non_active")
    give_bank_account(participant)  # verified in an earlier data update
    staff = StaffFactory(
        email="staf@example.test",
        branch=participant.branch,
        perms=["claims.view_claim", "claims.change_claim"],
    )
    EmailAddressFactory(user=staff)
    resigned_on = timezone.localdate() - datetime.timedelta(days=45)

    log_in(page, live_server.url, user.email)
    page.get_by_role("link", name="Bisakah saya klaim?").click()
    page.get_by_label("Apa yang ingin Anda klaim?").select_option("JHT:full:resignation")
    page.get_by_label("Tanggal kejadian").fill(resigned_on.isoformat())
    page.get_by_role("button", name="Cek").click()
    expect(page.get_by_role("heading", name="Anda dapat mengajukan klaim sekarang")).to_be_visible()
    expect(page.get_by_text("Surat pengunduran diri (paklaring)")).to_be_visible()
    page.screenshot(path=tmp_path / "claim-check.png", full_page=True)

    page.get_by_role("link", name="Ajukan klaim ini").click()
    expect(page.locator(".payout")).to_contain_text("BRI ****9012")
    for code in ("kpj_card", "ktp", "bank_book", "resignation_letter"):  # the checker's list
        scan = tmp_path / f"{code}.png"
        scan.write_bytes(image_bytes())
        page.locator(f"input[name=document_{code}]").set_input_files(scan)
    page.screenshot(path=tmp_path / "claim-file.png", full_page=True)
    page.get_by_role("button", name="Ajukan klaim").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Klaim #\d+ \(JHT\)"))
    expect(page.locator(".status-now")).to_contain_text("Sedang ditinjau")
    page.screenshot(path=tmp_path / "claim-tracking-in-review.png", full_page=True)
    claim = Claim.objects.get()
    expect(page.locator(".documents")).to_contain_text("Surat pengunduran diri (paklaring)")
    expect(page.locator(".documents .document-verified")).to_have_count(4)
    log_out(page)

    page.goto(f"{live_server.url}/accounts/login/")
    staff_log_in(page, staff.email)  # the admin's login is the portal's (allauth), with MFA
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh ktp.png").click()
    assert download.value.suggested_filename == "ktp.png"
    page.goto(f"{live_server.url}/admin/claims/claim/")
    page.locator(f"input[name=_selected_action][value='{claim.pk}']").check()
    page.locator("select[name=action]").select_option("approve")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("Disetujui")
    page.screenshot(path=tmp_path / "admin-approved.png", full_page=True)
    page.context.clear_cookies()  # staff session ends; the participant logs in again

    log_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/claims/")
    page.get_by_role("link", name=re.compile(rf"#{claim.pk} JHT")).click()
    expect(page.locator(".status-now")).to_contain_text("Disetujui")
    expect(page.get_by_text("pembayaran sedang dikirim ke rekening Anda")).to_be_visible()
    page.screenshot(path=tmp_path / "claim-tracking-approved.png", full_page=True)
