"""Adding a KPJ card, end to end, on a phone (320 px): the participant tries "Tambah kartu
KPJ", learns the card is under another NIK, staff merge the duplicate record at the branch,
the card shows in Kartu saya, the participant asks to merge its balance and staff approve."""

import datetime
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from participants import ledger
from tests.e2e.staff import staff_log_in
from tests.e2e.test_data_update_journey import log_in
from tests.factories import (
    EmailAddressFactory,
    EmployerFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
    make_nik,
)

PHONE = {"width": 320, "height": 640}
BORN = datetime.date(1990, 7, 25)
STAFF_PERMISSIONS = [
    "participants.view_participant",
    "participants.change_participant",
    "participants.view_balancemergerequest",
    "participants.change_balancemergerequest",
]


def no_sideways_scroll(page: Page):
    """Nothing of the page's own content reaches past the phone's edge. (The site header's
    menu is the layout's; on main it is still wider than 320 px on every page.)"""
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className)"""
    )
    assert wide == [], f"{page.url}: {wide} reach past a 320 px phone"


def post(card, month, amount):
    ledger.ledger_contribution_post(
        kpj_card=card, month=month, program="JHT", employer_amount=amount, worker_amount=0,
        paid_on=month,
    )  # fmt: skip


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_add_a_card_held_under_another_nik_then_merge_its_balance(
    live_server, page: Page, browser, tmp_path
):
    user = UserFactory(email="siti@example.test")
    EmailAddressFactory(user=user)
    siti = ParticipantFactory(
        user=user, full_name="Siti Aminah", birth_date=BORN, gender="F",
        nik=make_nik(birth_date=BORN, gender="F", sequence=1),
    )  # fmt: skip
    current = KpjCardFactory(participant=siti, number="10000000023")
    post(current, datetime.date(2024, 1, 1), 200_000)
    # The old employer typed the NIK wrong: the card sits on a record of its own.
    old_employer = EmployerFactory(name="PT Sepatu Soreang Makmur", branch=siti.branch)
    typo = ParticipantFactory(
        full_name="Siti Aminah", birth_date=BORN, gender="F", branch=siti.branch,
        nik=make_nik(birth_date=BORN, gender="F", sequence=2),
    )  # fmt: skip
    old = KpjCardFactory(
        participant=typo, number="10000000022", employer=old_employer, status="non_active"
    )
    post(old, datetime.date(2017, 1, 1), 100_000)
    post(old, datetime.date(2017, 2, 1), 200_000)
    staff = StaffFactory(
        email="staf.cards@example.test", branch=siti.branch, perms=STAFF_PERMISSIONS
    )
    EmailAddressFactory(user=staff)

    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/cards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kartu saya")
    expect(page.get_by_text("10000000022")).to_have_count(0)
    no_sideways_scroll(page)
    page.screenshot(path=tmp_path / "kartu-saya-320.png", full_page=True)

    page.get_by_role("link", name="Tambah kartu KPJ").click()
    page.get_by_label("Nomor KPJ (11 digit)").fill("10000000022")
    page.get_by_label(re.compile(r"^Pemberi kerja")).fill("Sepatu Soreang")
    page.get_by_label("Bulan iuran pertama").fill("2017-01")
    page.get_by_role("button", name="Periksa dan tambahkan").click()
    expect(page.locator("#link-result")).to_contain_text("Kartu ini terdaftar dengan NIK lain")
    expect(page.locator("#link-result")).not_to_contain_text(typo.nik)
    no_sideways_scroll(page)
    page.screenshot(path=tmp_path / "tambah-kartu-320.png", full_page=True)

    # At the branch: staff check Siti's KTP and merge the duplicate record into hers.
    staff_page = browser.new_context().new_page()
    staff_page.set_default_timeout(10_000)
    changelist = "/admin/participants/participant/"
    staff_page.goto(f"{live_server.url}/admin/login/?next={quote(changelist)}")
    staff_log_in(staff_page, staff.email)
    staff_page.goto(f"{live_server.url}{changelist}?q=Siti")
    for record in (siti, typo):
        staff_page.locator(f"input[name=_selected_action][value='{record.pk}']").check()
    staff_page.locator("select[name=action]").select_option("merge_accounts")
    staff_page.locator("button[name=index], input[name=index]").first.click()
    staff_page.get_by_label(f"Siti Aminah · {siti.nik}").check()
    staff_page.get_by_label("NIK di KTP yang Anda periksa").fill(siti.nik)
    staff_page.get_by_label("Alasan dan dokumen yang diperiksa").fill("KTP asli diperiksa")
    staff_page.get_by_role("button", name="Gabungkan akun").click()
    expect(staff_page.locator(".messagelist")).to_contain_text("Selesai digabung")

    # Back on the phone: the old card is listed with its balance; its balance can be merged.
    page.goto(f"{live_server.url}/cards/")
    old_card = page.get_by_role("region", name="KPJ 10000000022")
    expect(old_card).to_contain_text("Rp300.000")
    expect(old_card).to_contain_text("PT Sepatu Soreang Makmur")
    expect(page.locator("section.card").first).to_contain_text("Rp500.000")
    old_card.get_by_role("link", name="Gabungkan saldo ini").click()
    page.get_by_label("10000000023", exact=False).check()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Kirim permohonan").click()
    expect(page.get_by_text("Permohonan Anda sudah terkirim")).to_be_visible()

    staff_page.goto(f"{live_server.url}/admin/participants/balancemergerequest/")
    staff_page.locator("input[name=_selected_action]").first.check()
    staff_page.locator("select[name=action]").select_option("approve")
    staff_page.locator("button[name=index], input[name=index]").first.click()
    expect(staff_page.locator(".messagelist")).to_contain_text("1 penggabungan disetujui")

    page.goto(f"{live_server.url}/cards/")
    old_card = page.get_by_role("region", name="KPJ 10000000022")
    expect(old_card).to_contain_text("Digabung")
    expect(old_card).to_contain_text("Rp0")
    expect(page.get_by_role("region", name="KPJ 10000000023")).to_contain_text("Rp500.000")
    expect(page.locator("section.card").first).to_contain_text("Rp500.000")
    no_sideways_scroll(page)
    page.screenshot(path=tmp_path / "kartu-saya-merged-320.png", full_page=True)
