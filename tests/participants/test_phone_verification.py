"""A mobile number becomes a login once the person types the SMS code sent to it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

import sms
from participants.models import Participant
from tests.factories import TEST_PASSWORD, EmailAddressFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budi(client):
    user = UserFactory(email="budi@example.test")
    EmailAddressFactory(user=user)
    ParticipantFactory(user=user, phone="081200000001")  # reported by the employer, unverified
    client.force_login(user)
    # Where codes go is sensitive: allauth asks for the password again before sending one.
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    return user


def code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_new_number_is_verified_by_the_code_sent_to_it(client, budi, on_commit):
    with on_commit():
        response = client.post(reverse("account_change_phone"), {"phone": "0812 3456 7890"})
    assert response.url == reverse("account_verify_phone")
    assert [m.to for m in sms.outbox] == ["+6281234567890"]
    page = client.get(reverse("account_verify_phone")).content.decode()
    assert "+6281234567890" in page
    assert 'autocomplete="one-time-code"' in page
    participant = Participant.objects.get(user=budi)
    assert participant.phone == "081200000001", "the old number stays until the code is typed"
    with on_commit():
        response = client.post(reverse("account_verify_phone"), {"code": code()})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.phone == "081234567890"
    assert participant.phone_verified_at is not None
    client.logout()
    assert (
        client.post(
            reverse("account_login"), {"login": "081234567890", "password": TEST_PASSWORD}
        ).status_code
        == 302
    )


def test_the_number_on_record_can_be_verified(client, budi, on_commit):
    page = client.get(reverse("account_change_phone")).content.decode()
    assert "+6281200000001" in page
    with on_commit():
        client.post(reverse("account_change_phone"), {"action": "verify"})
    assert [m.to for m in sms.outbox] == ["+6281200000001"]
    client.post(reverse("account_verify_phone"), {"code": code()})
    assert Participant.objects.get(user=budi).phone_verified_at is not None


def test_a_wrong_code_verifies_nothing(client, budi, on_commit):
    with on_commit():
        client.post(reverse("account_change_phone"), {"phone": "081234567890"})
    response = client.post(reverse("account_verify_phone"), {"code": "000000"})
    assert response.status_code == 200
    assert Participant.objects.get(user=budi).phone == "081200000001"


def test_a_number_another_account_verified_is_refused(client, budi):
    ParticipantFactory(user=UserFactory(), phone="081234567890", phone_verified_at=timezone.now())
    response = client.post(reverse("account_change_phone"), {"phone": "081234567890"})
    assert response.status_code == 200
    assert response.context["form"].has_error("phone", "phone_taken")
    assert sms.outbox == []


def test_a_number_that_is_not_indonesian_mobile_is_refused_by_name(client, budi):
    response = client.post(reverse("account_change_phone"), {"phone": "021 555 1234"})
    assert response.status_code == 200
    assert response.context["form"].has_error("phone", "phone")
    assert "Nomor HP" in response.context["form"].errors["phone"][0]


def test_sending_a_code_needs_the_password_again(client):
    user = UserFactory()
    ParticipantFactory(user=user)
    client.force_login(user)
    response = client.post(reverse("account_change_phone"), {"phone": "081234567890"})
    assert reverse("account_reauthenticate") in response["Location"]
    assert sms.outbox == []


def test_the_pages_need_a_login(client):
    response = client.get(reverse("account_change_phone"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url
