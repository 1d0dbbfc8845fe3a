"""Sessions rotate on login and end on logout and on a password change (ASVS V3)."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD, EmailAddressFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "kata-sandi-baru-2027"


@pytest.fixture
def budi():
    user = UserFactory(email="budi@example.test")
    EmailAddressFactory(user=user)
    ParticipantFactory(user=user)
    return user


def log_in(client, password=TEST_PASSWORD):
    response = client.post(
        reverse("account_login"), {"login": "budi@example.test", "password": password}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def session_key(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_login_gives_a_new_session_key_and_drops_the_old_one(client, budi):
    anonymous = client.session
    anonymous["planted"] = "by-an-attacker"  # session fixation: a key known before login
    anonymous.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = anonymous.session_key
    log_in(client)
    assert session_key(client) != anonymous.session_key
    assert not Session.objects.filter(session_key=anonymous.session_key).exists()
    assert client.get(reverse("dashboard")).status_code == 200


def test_logout_ends_the_session_on_the_server(client, budi):
    log_in(client)
    key = session_key(client)
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key  # a copied cookie is worthless now
    response = replay.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_password_change_ends_this_and_every_other_session(client, budi):
    log_in(client)
    other_device = Client()
    log_in(other_device)
    assert other_device.get(reverse("dashboard")).status_code == 200

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    for device in (client, other_device):
        after = device.get(reverse("dashboard"))
        assert after.status_code == 302
        assert reverse("account_login") in after["Location"]
    log_in(Client(), NEW_PASSWORD)


def test_the_session_lives_at_most_a_working_day():
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_changing_the_login_email_needs_the_password_again(client, budi):
    client.force_login(budi)  # a session older than allauth's re-authentication window
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "budi.baru@example.test"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="budi.baru@example.test").exists()


def test_changing_the_password_needs_the_current_one(client, budi):
    """allauth's form asks for the current password: that is its re-authentication."""
    client.force_login(budi)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password-1", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    budi.refresh_from_db()
    assert budi.check_password(TEST_PASSWORD)
