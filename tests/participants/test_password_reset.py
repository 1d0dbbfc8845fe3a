"""Password reset by e-mail link or by an SMS code to a verified phone; one answer for all."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

import sms
from sms.models import SmsMessage
from tests.factories import TEST_PASSWORD, EmailAddressFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "sandi-baru-yang-panjang-2026"


@pytest.fixture
def budi():
    user = UserFactory(email="budi@example.test")
    EmailAddressFactory(user=user)
    ParticipantFactory(user=user, phone="081234567890", phone_verified_at=timezone.now())
    return user


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Ask for a reset; the SMS goes out as the request's transaction commits."""

    def ask(client, identifier):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("account_reset_password"), {"email": identifier})

    return ask


def sms_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def test_reset_by_sms_code_end_to_end(ask, client, budi):
    response = ask(client, "0812 3456 7890")
    assert response.status_code == 302
    assert response.url == reverse("account_confirm_password_reset_code")
    assert [m.to for m in sms.outbox] == ["+6281234567890"]
    assert mail.outbox == []
    logged = SmsMessage.objects.get()
    assert logged.purpose == "password_reset"
    assert sms_code() not in logged.text_masked

    wrong = client.post(response.url, {"code": "000000"})
    assert wrong.status_code == 200
    assert "code" in wrong.context["form"].errors
    right = client.post(response.url, {"code": sms_code()})
    assert right.url == reverse("account_complete_password_reset")
    done = client.post(right.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    budi.refresh_from_db()
    assert budi.check_password(NEW_PASSWORD)
    assert (
        client.post(
            reverse("account_login"), {"login": "081234567890", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_a_code_works_three_tries_then_the_reset_starts_over(ask, client, budi):
    response = ask(client, "081234567890")
    for _ in range(2):
        assert client.post(response.url, {"code": "000000"}).status_code == 200
    third = client.post(response.url, {"code": "000000"})
    assert third.status_code == 302
    assert third.url == reverse("account_login")
    assert client.post(response.url, {"code": sms_code()}).url == reverse("account_login")
    budi.refresh_from_db()
    assert budi.check_password(TEST_PASSWORD)


def _answer(response) -> tuple:
    return response.status_code, response.get("Location")


@pytest.mark.parametrize(
    ("known", "unknown"),
    [("budi@example.test", "nobody@example.test"), ("081234567890", "081299999999")],
)
def test_known_and_unknown_identifiers_get_the_same_answer(ask, client, budi, known, unknown):
    assert _answer(ask(client, known)) == _answer(ask(client, unknown))
    follow_known = client.get(ask(client, known).url).content.decode()
    follow_unknown = client.get(ask(client, unknown).url).content.decode()
    strip = lambda body: re.sub(r'value="[^"]{20,}"', "", body)  # noqa: E731 - CSRF tokens
    assert strip(follow_known) == strip(follow_unknown)


def test_an_unknown_or_unverified_number_gets_no_sms_and_no_code_works(ask, client, budi):
    budi.participant.__class__.objects.filter(pk=budi.participant.pk).update(phone_verified_at=None)
    response = ask(client, "081234567890")
    assert response.url == reverse("account_confirm_password_reset_code")
    assert sms.outbox == []
    assert client.post(response.url, {"code": ""}).status_code == 200


def test_e_mail_reset_keeps_the_link(ask, client, budi):
    response = ask(client, "budi@example.test")
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert sms.outbox == []


def test_something_that_is_neither_e_mail_nor_phone_is_refused_by_name(ask, client):
    response = ask(client, "budi santoso")
    assert response.status_code == 200
    assert response.context["form"].has_error("email", "invalid")
    assert response.context["form"].errors["email"][0].startswith("E-mail atau nomor HP")


def test_sms_rate_limit_is_silent_so_it_does_not_tell_known_numbers_apart(
    ask, client, budi, settings
):
    settings.SMS_RATE_LIMITS = {"default": "1/h"}
    ask(client, "081234567890")
    client.cookies.clear()
    again = ask(client, "081234567890")
    assert _answer(again) == _answer(ask(client, "081299999999"))
    assert len(sms.outbox) == 1


def test_reset_page_offers_both_ways_and_next_steps(ask, client):
    body = client.get(reverse("account_reset_password")).content.decode()
    assert 'name="email"' in body
    assert reverse("complaints:start") in body


def test_a_locked_login_gets_no_reset_code_and_the_same_answer(ask, client, budi):
    """Kunci akses online makes the login inactive: no code goes out, nothing says why."""
    unknown = ask(client, "0812 9999 0000")
    budi.is_active = False
    budi.save(update_fields=["is_active"])
    locked = ask(client, "0812 3456 7890")
    assert sms.outbox == []
    assert (locked.status_code, locked.url) == (unknown.status_code, unknown.url)
