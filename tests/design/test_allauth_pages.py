"""Every allauth page in the portal's layout and voice, and its mails branded with the portal's
real name and address."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.notifications import notify
from tests.factories import (
    TEST_PASSWORD,
    EmailAddressFactory,
    ParticipantFactory,
    UserFactory,
    give_totp,
    totp_code,
)

pytestmark = pytest.mark.django_db

LAYOUT = "data-portal-layout"
BASE_URL = "https://portal.bpjs.example"


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def person():
    user = ParticipantFactory(user=UserFactory(email="budi@example.test")).user
    EmailAddressFactory(user=user)
    return user


@pytest.fixture
def logged_in(client, person):
    client.post(reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD})
    return client


@pytest.mark.parametrize(
    "url",
    [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        "/accounts/password/reset/key/1-bad-key/",
        "/accounts/confirm-email/bad-key/",
    ],
)
def test_entrance_pages_use_the_portal_layout(client, url):
    response = client.get(url, follow=True)
    page = body(response)
    assert response.status_code == 200
    assert LAYOUT in page
    assert 'class="entrance"' in page
    assert "Menu:" not in page  # allauth's stock layout


@pytest.mark.parametrize(
    "name",
    ["account_email", "account_change_password", "mfa_index", "account_logout"],
)
def test_account_pages_use_the_portal_layout_and_menu(logged_in, name):
    page = body(logged_in.get(reverse(name)))
    assert LAYOUT in page
    assert "Menu:" not in page


def test_the_account_menu_marks_the_current_page(logged_in):
    page = body(logged_in.get(reverse("account_email")))
    assert re.search(rf'href="{reverse("account_email")}" aria-current="page"', page)


def test_reauthentication_speaks_plainly(logged_in):
    response = logged_in.get(reverse("mfa_activate_totp"), follow=True)
    page = body(response)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert LAYOUT in page
    assert "Pastikan ini Anda" in page
    assert "Konfirmasi Akses" not in page
    assert "autentikasi ulang" not in page


def test_reauthentication_in_english(logged_in):
    logged_in.cookies["django_language"] = "en"
    page = body(logged_in.get(reverse("account_reauthenticate")))
    assert "Confirm it is you" in page
    assert "Confirm Access" not in page


def test_the_two_step_code_page_uses_the_layout_and_the_portals_words(client, person):
    give_totp(person)
    response = client.post(
        reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    page = body(client.get(reverse("mfa_authenticate")))
    assert LAYOUT in page
    assert "Login dua langkah" in page
    assert "Autentikasi Dua Faktor" not in page
    assert 'class="button primary"' in page
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302


def test_the_only_address_offers_no_remove(logged_in):
    page = body(logged_in.get(reverse("account_email")))
    assert "budi@example.test" in page
    assert 'name="action_remove"' not in page
    assert "Hapus" not in page
    assert 'name="action_primary"' not in page


def test_with_two_addresses_one_can_be_removed(logged_in, person):
    EmailAddressFactory(user=person, email="budi.lain@example.test", primary=False)
    page = body(logged_in.get(reverse("account_email")))
    assert 'name="action_remove"' in page
    assert 'class="button danger"' in page


def test_password_rules_are_in_the_portals_voice(logged_in):
    # Signup sets no password any more (the code step does); the change page has the rules.
    page = body(
        logged_in.post(
            reverse("account_change_password"),
            {"oldpassword": TEST_PASSWORD, "password1": "12345678901", "password2": "12345678901"},
        )
    )
    assert "Kata sandi ini hanya berisi angka." in page
    assert "Sandi anda" not in page
    assert " anda " not in page


def test_a_wrong_password_is_said_in_the_portals_voice(client, person):
    page = body(client.post(reverse("account_login"), {"login": person.email, "password": "x"}))
    assert "Ada yang perlu diperbaiki" in page
    # One answer for every identifier kind, known or not (issue 17), with the next steps.
    assert "Kami tidak bisa memasukkan Anda dengan data ini." in page


# Mails -----------------------------------------------------------------------------------


@pytest.fixture
def base_url(settings):
    settings.PORTAL_BASE_URL = BASE_URL


def test_account_mails_name_the_portal_and_its_address_not_the_sites_row(client, person, base_url):
    client.post(reverse("account_reset_password"), {"email": person.email})
    (message,) = mail.outbox
    assert message.subject.startswith("[JMO Portal] ")
    assert "JMO Portal" in message.body
    assert "portal.bpjs.example" in message.body
    for wrong in ("example.com", "127.0.0.1", "testserver"):
        assert wrong not in message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<span style="color:#00703c;font-weight:800;">JMO</span>' in html
    assert f'href="{BASE_URL}/accounts/password/reset/key/' in html
    assert "-- " not in html  # the text signature becomes the HTML footer


def test_portal_notifications_are_sent_as_branded_html_too(base_url):
    notify(
        to="a@example.test",
        message=lambda context: ("Klaim", f"Lihat {context['url']}"),
        links={"url": "/claims/1/"},
        languages=("id", "en"),
    )
    (message,) = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert html.count(f'<a href="{BASE_URL}/claims/1/"') == 2
    assert '<div lang="id">' in html
    assert '<div lang="en">' in html
    assert "portal.bpjs.example" in html
    assert message.body.endswith(
        "JMO Portal · BPJS Ketenagakerjaan · call centre 175\nportal.bpjs.example\n"
    )
