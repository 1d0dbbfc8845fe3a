"""Two-factor login: optional for participants, required for staff before any staff page."""

from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from tests.factories import (
    STAFF_TOTP_SECRET,
    TEST_PASSWORD,
    EmailAddressFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
    give_totp,
    totp_code,
)

pytestmark = pytest.mark.django_db
SETUP = reverse("mfa_activate_totp")


def verified(user):
    EmailAddressFactory(user=user)
    return user


def password_step(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def open_setup(client):
    """allauth asks for the password once more before an authenticator is added."""
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": TEST_PASSWORD})
    return client.get(SETUP)


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/claims/claim/", "/dashboard/", "/claims/", "/api/v1/me/balance"]
)
def test_staff_without_an_authenticator_are_sent_to_set_one_up_first(client, url):
    staff = StaffFactory(is_superuser=True, totp=False)
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={url.replace('/', '%2F')}"


def test_the_setup_page_itself_and_logout_stay_reachable(client):
    staff = verified(StaffFactory(totp=False))
    password_step(client, staff)
    page = open_setup(client)
    assert page.status_code == 200
    assert b"otpauth://" in page.content or b"data:image/svg+xml" in page.content
    assert client.post(reverse("account_logout")).status_code == 302


def test_staff_set_up_totp_then_reach_the_admin_and_get_recovery_codes(client):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    staff = verified(StaffFactory(is_superuser=True, totp=False))
    password_step(client, staff)
    assert client.get("/admin/")["Location"].startswith(SETUP)
    open_setup(client)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(SETUP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    kinds = set(Authenticator.objects.filter(user=staff).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/admin/").status_code == 200


def test_staff_login_asks_for_the_code_and_a_wrong_code_gets_nowhere(client):
    staff = verified(StaffFactory(is_superuser=True))
    response = password_step(client, staff)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # password alone is not a login
    wrong = "000000" if totp_code() != "000000" else "111111"
    assert client.post(reverse("mfa_authenticate"), {"code": wrong}).status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_page_is_allauths(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_cannot_remove_their_authenticator(client):
    staff = verified(StaffFactory(is_superuser=True))
    password_step(client, staff)
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    client.post(reverse("mfa_deactivate_totp"), {})
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_participants_may_use_totp_and_it_is_linked_from_their_pages(client):
    user = verified(UserFactory(email="budi@example.test"))
    ParticipantFactory(user=user)
    password_step(client, user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("mfa_index") in dashboard
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert reverse("mfa_activate_totp") in index.content.decode()
    # Not required: without an authenticator the participant's pages just work.
    assert client.get(reverse("claims:list")).status_code == 200


def test_a_participant_with_totp_is_asked_for_the_code(client):
    user = verified(UserFactory(email="siti@example.test"))
    ParticipantFactory(user=user)
    give_totp(user, STAFF_TOTP_SECRET)
    assert password_step(client, user)["Location"] == reverse("mfa_authenticate")
    other = Client()
    password_step(other, user)
    other.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert other.get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize(("steps_back", "accepted"), [(0, True), (1, True), (2, False)])
def test_a_code_from_the_step_before_still_counts_but_not_older(steps_back, accepted):
    """A code that turns over while it is typed or sent (slow phone, slow network) still works."""
    staff = StaffFactory()
    authenticator = TOTP(Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP))
    now = 1_800_000_015  # mid-step, fixed: the step boundary must not move during the test
    code = format_hotp_value(hotp_value(STAFF_TOTP_SECRET, now // 30 - steps_back))
    with mock.patch("time.time", return_value=now):
        assert authenticator.validate_code(code) is accepted
        assert authenticator.validate_code(code) is False  # and once only
