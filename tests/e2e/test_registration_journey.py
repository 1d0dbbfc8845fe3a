import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from participants.services import enrolment_start
from tests.factories import KpjCardFactory, ParticipantFactory, make_nik

BIRTH = datetime.date(1996, 11, 9)
PASSWORD = "Sawah-Hijau-Ciparay-9"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_register_with_the_code_sent_to_the_contact_on_record_verify_and_log_in(
    live_server, page: Page, tmp_path
):
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, gender="F", sequence=5),
        gender="F",
        full_name="Rina Marlina",
        birth_date=BIRTH,
        category="PMI",
        email="rina.lama@example.test",  # reported earlier: where the code goes
    )
    card = KpjCardFactory(participant=participant, number="10000000055", employer=None)
    # JHT is optional for PMI: she chose it, so her dashboard shows a JHT balance.
    enrolment_start(kpj_card=card, programs=["JKK", "JKM", "JHT"], started_on=card.joined_on)

    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_label(re.compile("^NIK")).fill(participant.nik)
    page.get_by_label(re.compile("^Nomor KPJ")).fill("10000000055")
    page.get_by_label("Tanggal lahir").fill("1996-11-08")  # a typo first: the NIK says the 9th
    page.get_by_role("button", name="Kirim kode").click()

    expect(page.locator(".errorlist")).to_contain_text("tanggal lahir")
    expect(page.get_by_label(re.compile("^NIK"))).to_have_value(participant.nik)
    page.get_by_label("Tanggal lahir").fill(BIRTH.isoformat())
    page.get_by_role("button", name="Kirim kode").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Masukkan kode Anda")
    page.screenshot(path=tmp_path / "code-sent.png")
    assert [message.to for message in mail.outbox] == [["rina.lama@example.test"]]
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    page.get_by_label(re.compile("^Kode")).fill(code)
    page.get_by_label("Email", exact=True).fill("rina@example.test")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Kata sandi (ulangi)").fill(PASSWORD)
    page.get_by_role("button", name="Buat akun saya").click()
    page.screenshot(path=tmp_path / "verification-sent.png")

    assert mail.outbox[-1].to == ["rina@example.test"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)
    page.get_by_role("button", name="Konfirmasi").click()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(
        "rina@example.test"
    )
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Rina Marlina")
    expect(page.get_by_role("heading", name="Saldo JHT")).to_be_visible()
    page.screenshot(path=tmp_path / "dashboard-id.png")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Rina Marlina")
    expect(page.get_by_role("heading", name="JHT balance")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
