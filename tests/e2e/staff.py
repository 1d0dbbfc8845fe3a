"""Staff log in like a person with a phone app: password, then the current TOTP code."""

from playwright.sync_api import Page

from tests.factories import TEST_PASSWORD, totp_code


def staff_log_in(page: Page, email: str):
    """On allauth's login form (the admin's too): password, then the two-factor step."""
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.locator("input[name=code]").fill(totp_code())
    page.get_by_role("button", name="Masuk").click()
