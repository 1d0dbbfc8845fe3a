"""Locked out, back in by SMS: the reset code is read from a local SMS gateway, as the e-mail
journeys read the console mail. The live server sends through the real HTTP gateway backend."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sms.models import SmsMessage
from tests.factories import EmailAddressFactory, ParticipantFactory, UserFactory
from tests.sms_gateway import FakeSmsGateway

LOGIN_LABEL = "E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)"
NEW_PASSWORD = "Kebun-Teh-Puncak-2026"


@pytest.fixture
def gateway(settings):
    with FakeSmsGateway(token="gateway-test-token") as server:
        settings.SMS_BACKEND = "sms.backends.http.SmsBackend"
        settings.SMS_GATEWAY_URL = server.url
        settings.SMS_GATEWAY_TOKEN = "gateway-test-token"
        settings.SMS_GATEWAY_TIMEOUT = 5
        yield server


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_forgotten_password_reset_by_sms_code(live_server, page: Page, gateway, tmp_path):
    user = UserFactory(email="budi@example.test")
    EmailAddressFactory(user=user)
    ParticipantFactory(
        user=user, full_name="Budi Santoso", phone="081234567890", phone_verified_at=timezone.now()
    )

    # A wrong password: the page says what to do next, whatever the reason.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(LOGIN_LABEL).fill("0812 3456 7890")
    page.get_by_label("Kata sandi", exact=True).fill("lupa-sandinya-2025")
    page.get_by_role("button", name="Masuk").click()
    expect(
        page.get_by_role("heading", name="Tidak bisa masuk? Ini yang bisa Anda lakukan")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Ajukan pengaduan tanpa akun").first).to_be_visible()
    page.screenshot(path=tmp_path / "login-failed.png", full_page=True)

    page.get_by_role("link", name="Buat kata sandi baru").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buat kata sandi baru")
    page.get_by_label("E-mail atau nomor HP").fill("budi santoso")  # neither: refused by name
    page.get_by_role("button", name="Kirim").click()
    expect(page.locator(".error-summary, .errorlist").first).to_contain_text("E-mail atau nomor HP")
    page.get_by_label("E-mail atau nomor HP").fill("0812-3456-7890")
    page.get_by_role("button", name="Kirim").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ketik kode dari SMS")
    code = gateway.last_code("+6281234567890")
    assert gateway.calls[-1]["headers"]["Authorization"] == "Bearer gateway-test-token"
    assert code not in SmsMessage.objects.get().text_masked
    page.screenshot(path=tmp_path / "reset-code.png", full_page=True)
    page.get_by_label("Kode dari SMS (6 angka)").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    page.get_by_label("Kode dari SMS (6 angka)").fill(code)
    page.get_by_role("button", name="Lanjut").click()

    page.locator("input[name=password1]").fill(NEW_PASSWORD)
    page.locator("input[name=password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Ganti kata sandi").click()
    expect(page.locator("input[name=password1]")).to_have_count(0)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(LOGIN_LABEL).fill("+62 812 3456 7890")
    page.get_by_label("Kata sandi", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang, Budi Santoso")
    assert len(gateway.messages) == 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_reset_pages_fit_a_phone_and_a_desktop(live_server, page: Page, gateway, tmp_path):
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/accounts/password/reset/")
        page.get_by_label("E-mail atau nomor HP").fill("081299999999")
        page.get_by_role("button", name="Kirim").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Ketik kode dari SMS")
        # The page's own content; the site header is the layout's (tests/e2e/test_people.py).
        assert page.evaluate("document.querySelector('main').scrollWidth") <= width
        page.screenshot(path=tmp_path / f"reset-code-{width}.png", full_page=True)
    assert gateway.calls == [], "no SMS goes to a number without an account"
