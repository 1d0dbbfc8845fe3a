"""Getting back in when neither e-mail nor phone works: online, and at the branch (issue 17)."""

import datetime
import re
from urllib.parse import quote, urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from access.models import BranchRecoveryCode
from tests.factories import (
    TEST_PASSWORD,
    EmailAddressFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
    make_nik,
    totp_code,
)

BIRTH = datetime.date(1990, 5, 17)
NEW_PASSWORD = "Curug-Cimahi-Deras-8"
STAFF_PERMS = ["access.view_branchrecoverycode", "access.add_branchrecoverycode",
               "access.change_branchrecoverycode", "participants.view_participant"]  # fmt: skip


def staff_log_in(page: Page, email: str):
    """allauth's login (the admin's too): password, then the authenticator's code."""
    page.locator("input[name=login]").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.locator("input[name=code]").fill(totp_code())
    page.get_by_role("button", name="Masuk").click()


def confirm_and_log_in(page: Page, base: str, email: str):
    """The new address is confirmed by its link, then the member logs in with it."""
    assert mail.outbox[-1].to == [email]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(base + urlsplit(link).path)
    page.get_by_role("button", name="Konfirmasi").click()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def set_new_login(page: Page, email: str):
    expect(page.get_by_role("heading", level=1)).to_have_text("Buat data masuk baru")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Kata sandi (ulangi)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan data masuk baru saya").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_online_recovery_with_the_month_the_card_began(live_server, page: Page, tmp_path):
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=41), birth_date=BIRTH, full_name="Asep Sunandar"
    )
    KpjCardFactory(participant=participant, number="10000000410",
                   joined_on=datetime.date(2019, 7, 15))  # fmt: skip
    user = UserFactory(email="asep.lama@example.test")  # that mailbox is gone
    EmailAddressFactory(user=user)
    participant.user = user
    participant.save(update_fields=["user"])

    page.goto(f"{live_server.url}/access/recover/")
    page.screenshot(path=tmp_path / "recover-start.png", full_page=True)
    page.get_by_role("link", name="Pulihkan secara online").click()
    page.get_by_label(re.compile("^NIK")).fill(participant.nik)
    page.get_by_label(re.compile("^Nomor KPJ")).fill("10000000410")
    page.get_by_label("Tanggal lahir").fill(BIRTH.isoformat())
    month = page.get_by_label(re.compile("^Bulan kartu KPJ"))
    month.fill("2019-06")  # off by one month first
    page.get_by_role("button", name="Periksa data saya").click()

    expect(page.locator(".error-summary")).to_contain_text("tidak bisa memastikan")
    expect(page.get_by_label(re.compile("^NIK"))).to_have_value(participant.nik)
    page.screenshot(path=tmp_path / "recover-refused.png", full_page=True)
    page.get_by_label(re.compile("^Bulan kartu KPJ")).fill("2019-07")
    page.get_by_role("button", name="Periksa data saya").click()

    set_new_login(page, "asep.baru@example.test")
    confirm_and_log_in(page, live_server.url, "asep.baru@example.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Asep Sunandar")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_branch_code_issued_confirmed_by_a_second_staff_member_and_used(
    live_server, page: Page, browser, tmp_path
):
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=42), birth_date=BIRTH, full_name="Nining Suryani",
        email="", phone="",  # no contact on record: signup cannot reach her, the branch can
    )  # fmt: skip
    KpjCardFactory(participant=participant, number="10000000420")
    issuer = StaffFactory(email="loket1@bpjs.test", branch=participant.branch, perms=STAFF_PERMS)
    checker = StaffFactory(email="loket2@bpjs.test", branch=participant.branch,
                           perms=STAFF_PERMS)  # fmt: skip
    EmailAddressFactory(user=issuer)
    EmailAddressFactory(user=checker)
    codes = "/admin/access/branchrecoverycode/"

    staff = browser.new_context().new_page()
    staff.set_default_timeout(10_000)
    staff.goto(f"{live_server.url}/admin/login/?next={quote(codes + 'add/')}")
    staff_log_in(staff, issuer.email)
    staff.locator(".select2-selection").click()
    staff.locator(".select2-search__field").fill(participant.nik)
    staff.locator(".select2-results__option", has_text="Nining Suryani").click()
    staff.get_by_label("KTP diperiksa langsung").check()
    staff.locator("input[name=_save]").click()
    code = staff.locator("#recovery-code").inner_text().strip()
    staff.screenshot(path=tmp_path / "code-issued.png", full_page=True)
    row = BranchRecoveryCode.objects.get()

    # The issuer cannot confirm their own code.
    staff.goto(live_server.url + codes)
    staff.locator(f"input[name=_selected_action][value='{row.pk}']").check()
    staff.locator("select[name=action]").select_option("confirm")
    staff.locator("button[name=index]").click()
    expect(staff.locator(".messagelist")).to_contain_text("petugas lain harus mengonfirmasinya")
    staff.context.close()

    # The code does not work yet.
    page.goto(f"{live_server.url}/access/recover/branch-code/")
    page.get_by_label(re.compile("^NIK")).fill(participant.nik)
    page.get_by_label(re.compile("^Kode pemulihan")).fill(code)
    page.get_by_role("button", name="Lanjut").click()
    expect(page.locator(".error-summary")).to_contain_text("belum dikonfirmasi")

    second = browser.new_context().new_page()
    second.set_default_timeout(10_000)
    second.goto(f"{live_server.url}/admin/login/?next={quote(codes)}")
    staff_log_in(second, checker.email)
    second.locator(f"input[name=_selected_action][value='{row.pk}']").check()
    second.locator("select[name=action]").select_option("confirm")
    second.locator("button[name=index]").click()
    expect(second.locator(".messagelist")).to_contain_text("Dikonfirmasi")
    second.screenshot(path=tmp_path / "code-confirmed.png", full_page=True)
    second.context.close()

    page.get_by_label(re.compile("^Kode pemulihan")).fill(code.lower())  # typed from paper
    page.get_by_role("button", name="Lanjut").click()
    set_new_login(page, "nining@example.test")
    confirm_and_log_in(page, live_server.url, "nining@example.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Nining Suryani")

    # Single use: the same code again is refused.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/access/recover/branch-code/")
    page.get_by_label(re.compile("^NIK")).fill(participant.nik)
    page.get_by_label(re.compile("^Kode pemulihan")).fill(code)
    page.get_by_role("button", name="Lanjut").click()
    expect(page.locator(".error-summary")).to_contain_text("sudah dipakai")
