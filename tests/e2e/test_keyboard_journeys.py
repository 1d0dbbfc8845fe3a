"""Keyboard only (issue 10): registration and filing a claim with Tab, Enter, Space and typing.

No clicks and no `fill`: focus moves with Tab, text is typed, buttons and links are pressed
with Enter or Space, a select is changed with the arrow keys. Every focused control must show a
visible focus indicator (WCAG 2.4.7).
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from claims.models import Claim
from tests.claims.conftest import claim_rules, give_bank_account  # noqa: F401 - fixture
from tests.documents.files import image_bytes
from tests.factories import (
    TEST_PASSWORD,
    EmailAddressFactory,
    KpjCardFactory,
    ParticipantFactory,
    UserFactory,
    make_nik,
)

MAX_TABS = 60
PASSWORD = "Sawah-Hijau-Ciparay-9"


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus; fail if it is not reachable that way."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("el => el === document.activeElement", handle):
            outline = page.evaluate(
                "el => { const s = getComputedStyle(el);"
                " return s.outlineStyle !== 'none' && s.outlineWidth !== '0px'"
                " || s.boxShadow !== 'none'; }",
                handle,
            )
            assert outline, f"{target} has the focus but shows no focus indicator"
            return
    raise AssertionError(f"{target} not reached with {MAX_TABS} presses of Tab")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def type_date(page: Page, target: Locator, date: datetime.date) -> None:
    """A date field in Chromium's en-US layout takes month, day, year as typed digits."""
    tab_to(page, target)
    page.keyboard.type(date.strftime("%m%d%Y"))


def choose(page: Page, select: Locator, value: str) -> None:
    tab_to(page, select)
    for _ in range(40):
        if select.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {value} not reached with the arrow keys")


def keyboard_log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    type_into(
        page, page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)"), email
    )
    type_into(page, page.get_by_label("Kata sandi", exact=True), password)
    tab_to(page, page.get_by_role("button", name="Masuk"))
    page.keyboard.press("Enter")


@pytest.fixture
def keyboard_page(browser):
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_register_with_the_keyboard_only(live_server, keyboard_page: Page):
    page = keyboard_page
    birth = datetime.date(1996, 11, 9)
    participant = ParticipantFactory(
        nik=make_nik(birth_date=birth, gender="F", sequence=5), gender="F",
        full_name="Rina Marlina", birth_date=birth, category="PMI",
        email="rina.lama@example.test",  # on record: the signup code goes here
    )  # fmt: skip
    KpjCardFactory(participant=participant, number="10000000055", employer=None)

    page.goto(live_server.url)
    tab_to(page, page.get_by_role("link", name="Daftar").first)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    type_into(page, page.get_by_label(re.compile("^NIK")), participant.nik)
    type_into(page, page.get_by_label(re.compile("^Nomor KPJ")), "10000000055")
    type_date(page, page.get_by_label("Tanggal lahir"), birth)
    tab_to(page, page.get_by_role("button", name="Kirim kode"))
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/accounts/signup/code/$"))
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    type_into(page, page.get_by_label(re.compile("^Kode")), code)
    type_into(page, page.get_by_label("Email", exact=True), "rina@example.test")
    type_into(page, page.get_by_label("Kata sandi", exact=True), PASSWORD)
    type_into(page, page.get_by_label("Kata sandi (ulangi)"), PASSWORD)
    tab_to(page, page.get_by_role("button", name="Buat akun saya"))
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(live_server.url + urlsplit(link).path)  # the link in the e-mail
    tab_to(page, page.get_by_role("button", name="Konfirmasi"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    keyboard_log_in(page, live_server.url, "rina@example.test", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Rina Marlina")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_file_a_claim_with_the_keyboard_only(
    live_server,
    keyboard_page: Page,
    claim_rules,  # noqa: F811
    tmp_path,
):
    page = keyboard_page
    user = UserFactory(email="dedi@example.test")
    EmailAddressFactory(user=user)
    participant = ParticipantFactory(full_name="Dedi Kurniawan", user=user)
    KpjCardFactory(participant=participant, status="non_active")
    give_bank_account(participant)  # verified in an earlier data update
    resigned_on = timezone.localdate() - datetime.timedelta(days=45)

    keyboard_log_in(page, live_server.url, user.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    tab_to(page, page.get_by_role("link", name="Bisakah saya klaim?"))
    page.keyboard.press("Enter")
    choose(page, page.get_by_label("Apa yang ingin Anda klaim?"), "JHT:full:resignation")
    type_date(page, page.get_by_label("Tanggal kejadian"), resigned_on)
    tab_to(page, page.get_by_role("button", name="Cek"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Anda dapat mengajukan klaim sekarang")).to_be_visible()

    tab_to(page, page.get_by_role("link", name="Ajukan klaim ini"))
    page.keyboard.press("Enter")
    # The operating system's file dialog is not the portal's page: the files are chosen for it.
    for code in ("kpj_card", "ktp", "bank_book", "resignation_letter"):
        scan = tmp_path / f"{code}.png"
        scan.write_bytes(image_bytes())
        page.locator(f"input[name=document_{code}]").set_input_files(scan)
    tab_to(page, page.get_by_role("button", name="Ajukan klaim"))
    page.keyboard.press("Space")

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Klaim #\d+ \(JHT\)"))
    claim = Claim.objects.get()
    assert claim.participant == participant
    assert claim.bank_account_holder == "DEDI KURNIAWAN"
