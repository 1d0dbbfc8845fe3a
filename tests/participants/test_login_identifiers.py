"""Log in with e-mail, a verified mobile number, NIK or KPJ number; one answer for every miss."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    TEST_PASSWORD,
    EmailAddressFactory,
    KpjCardFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def budi():
    user = UserFactory(email="budi@example.test")
    EmailAddressFactory(user=user)
    participant = ParticipantFactory(
        user=user, phone="081234567890", phone_verified_at=timezone.now()
    )
    KpjCardFactory(participant=participant, number="20000000123")
    KpjCardFactory(participant=participant, number="20000000456")
    return user


def login(client, identifier, password=TEST_PASSWORD, **extra):
    return client.post(
        reverse("account_login"), {"login": identifier, "password": password}, **extra
    )


def logged_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "identifier",
    [
        "budi@example.test",
        "BUDI@example.test",
        "081234567890",
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "20000000123",
        "20000000456",
    ],
)
def test_each_identifier_logs_in(client, budi, identifier):
    response = login(client, identifier)
    assert response.status_code == 302, identifier
    assert logged_in_as(client) == str(budi.pk)


def test_nik_logs_in(client, budi):
    response = login(client, budi.participant.nik)
    assert response.status_code == 302
    assert logged_in_as(client) == str(budi.pk)


def test_an_unverified_phone_does_not_log_in(client, budi):
    """A number nobody proved (an employer's report, a shared phone) is no login."""
    budi.participant.__class__.objects.filter(pk=budi.participant.pk).update(phone_verified_at=None)
    response = login(client, "081234567890")
    assert response.status_code == 200
    assert logged_in_as(client) is None


def test_a_card_of_someone_without_a_login_logs_nobody_in(client, budi):
    KpjCardFactory(number="20000000999")
    assert login(client, "20000000999").status_code == 200
    assert logged_in_as(client) is None


def _answer(response) -> str:
    """The page as a person sees it, without the per-request CSRF token and typed text."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'name="login" value="[^"]*"', "", body)


@pytest.mark.parametrize(
    ("known", "unknown"),
    [
        ("budi@example.test", "nobody@example.test"),
        ("081234567890", "081299999999"),
        ("20000000123", "20000000777"),
    ],
)
def test_wrong_password_and_unknown_identifier_get_the_same_answer(client, budi, known, unknown):
    wrong_password = login(client, known, password="salah-sandi-2026")
    no_account = login(client, unknown, password="salah-sandi-2026")
    assert wrong_password.status_code == no_account.status_code == 200
    assert _answer(wrong_password) == _answer(no_account)
    errors = wrong_password.context["form"].non_field_errors()
    assert errors == no_account.context["form"].non_field_errors()
    assert len(errors) == 1


def test_nik_of_a_member_without_login_answers_as_a_wrong_password(client, budi):
    stranger = ParticipantFactory()
    assert _answer(login(client, stranger.nik, password="x-salah-2026")) == _answer(
        login(client, budi.participant.nik, password="x-salah-2026")
    )


def test_a_failed_login_says_what_to_do_next(client, budi):
    response = login(client, "nobody@example.test", password="salah-sandi-2026")
    body = response.content.decode()
    assert reverse("account_reset_password") in body
    assert reverse("complaints:start") in body
    assert "kantor cabang" in body.lower()


def test_failed_phone_logins_are_counted_per_number(client, budi):
    """allauth 65.22 keys the failure counter by e-mail or username only: without the portal's
    key every phone login would share one counter and five misses would lock all of them."""
    other = UserFactory(email="sari@example.test")
    EmailAddressFactory(user=other)
    ParticipantFactory(user=other, phone="081300000001", phone_verified_at=timezone.now())
    for n in range(5):
        login(client, "081234567890", password="salah-sandi-2026", REMOTE_ADDR=f"10.1.0.{n}")
    refused = login(client, "081234567890", REMOTE_ADDR="10.1.0.9")
    codes = [e.code for e in refused.context["form"].non_field_errors().as_data()]
    assert codes == ["too_many_login_attempts"]
    assert login(client, "0813-0000-0001", REMOTE_ADDR="10.1.0.10").status_code == 302


def test_login_page_names_every_identifier(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "NIK" in body
    assert "KPJ" in body


def test_login_limits_read_the_client_behind_the_trusted_proxy(client, budi, settings):
    """One proxy (DJANGO_NUM_PROXIES=1): the address it appends counts, not what the client
    wrote in front of it, and the proxy's own address does not lump everyone together."""
    settings.NUM_PROXIES = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(5):  # a new identifier each time: only the per-IP limit can bite
        forged = f"198.51.100.{n}, 203.0.113.7"  # a forged first hop, then what the proxy saw
        login(client, f"nobody{n}@example.test", "salah-sandi-2026",
              HTTP_X_FORWARDED_FOR=forged, **proxy)  # fmt: skip
    attacker = login(client, "budi@example.test", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",
                     **proxy)  # fmt: skip
    codes = [e.code for e in attacker.context["form"].non_field_errors().as_data()]
    assert codes == ["too_many_login_attempts"], "forging the header does not escape the limit"
    someone_else = login(client, "budi@example.test", HTTP_X_FORWARDED_FOR="203.0.113.8",
                         **proxy)  # fmt: skip
    assert someone_else.status_code == 302, "another client behind the same proxy is not locked"


def test_without_a_trusted_proxy_the_header_is_ignored(client, budi, settings):
    settings.NUM_PROXIES = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        login(client, f"nobody{n}@example.test", "salah-sandi-2026",
              HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", REMOTE_ADDR="192.0.2.5")  # fmt: skip
    refused = login(client, "budi@example.test", HTTP_X_FORWARDED_FOR="203.0.113.99",
                    REMOTE_ADDR="192.0.2.5")  # fmt: skip
    codes = [e.code for e in refused.context["form"].non_field_errors().as_data()]
    assert codes == ["too_many_login_attempts"]
