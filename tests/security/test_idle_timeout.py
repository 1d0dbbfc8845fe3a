"""The idle timeout: a session left alone too long ends, besides the 8-hour absolute age."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings

from tests.factories import ParticipantFactory, StaffFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)),
]


@pytest.fixture(autouse=True)
def _production_idle_limits(settings):
    """The test settings switch the idle timeout off; these tests use base.py's real limits."""
    settings.SESSION_IDLE_TIMEOUT, settings.SESSION_IDLE_TIMEOUT_STAFF = (
        settings.SESSION_IDLE_TIMEOUT_PRODUCTION
    )
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


@pytest.fixture
def participant_client(client):
    client.force_login(ParticipantFactory(user=UserFactory()).user)
    return client


def test_a_participant_active_within_the_idle_limit_stays_logged_in(participant_client, clock):
    assert participant_client.get("/dashboard/").status_code == 200
    for _ in range(4):  # two hours in all, never 30 minutes idle
        clock.shift(datetime.timedelta(minutes=29))
        assert participant_client.get("/dashboard/").status_code == 200


def test_a_participant_idle_past_thirty_minutes_is_logged_out_and_told_why(
    participant_client, clock
):
    assert participant_client.get("/dashboard/").status_code == 200
    clock.shift(datetime.timedelta(minutes=31))
    response = participant_client.get("/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    # Indonesian first: the message is written in the language of the request.
    assert texts == [
        "Anda keluar otomatis karena tidak ada aktivitas selama 30 menit. Silakan masuk lagi."
    ]
    # Logged out for good: the next request is anonymous too.
    assert participant_client.get("/dashboard/").status_code == 302


def test_staff_have_a_shorter_idle_limit(client, clock):
    staff = StaffFactory()
    client.force_login(staff)
    client.get("/healthz")
    clock.shift(datetime.timedelta(minutes=14))
    client.get("/healthz")
    assert "_auth_user_id" in client.session
    clock.shift(datetime.timedelta(minutes=16))
    client.get("/healthz")
    assert "_auth_user_id" not in client.session


def test_the_idle_limit_is_a_setting(participant_client, clock):
    with override_settings(SESSION_IDLE_TIMEOUT=5 * 60):
        assert participant_client.get("/dashboard/").status_code == 200
        clock.shift(datetime.timedelta(minutes=6))
        assert participant_client.get("/dashboard/").status_code == 302


def test_noting_activity_keeps_the_absolute_limit_absolute(participant_client, clock):
    """Writing the activity time must not slide the 8-hour session age on."""
    for _ in range(20):  # active every 25 minutes for more than eight hours
        participant_client.get("/dashboard/")
        clock.shift(datetime.timedelta(minutes=25))
    assert participant_client.get("/dashboard/").status_code == 302
