"""The test kit itself: the session's password hash, staff permissions, the frozen clock."""

import datetime
import time

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.utils import timezone

from tests.factories import TEST_PASSWORD, StaffFactory, UserFactory, hashed_test_password

MOMENT = datetime.datetime(2026, 1, 14, 2, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_users_store_the_sessions_argon2_hash_and_log_in_with_the_test_password(client):
    first, second = UserFactory(), StaffFactory()
    assert first.password == second.password == hashed_test_password()
    assert identify_hasher(first.password).algorithm == "argon2"
    assert client.login(email=first.email, password=TEST_PASSWORD)
    assert not UserFactory(password=None).has_usable_password()


@pytest.mark.django_db
def test_staff_hold_exactly_the_permissions_named():
    staff = StaffFactory(perms=["claims.view_claim", "participants.view_participant"])
    assert staff.get_all_permissions() == {"claims.view_claim", "participants.view_participant"}
    assert StaffFactory().get_all_permissions() == set()
    with pytest.raises(LookupError, match="claims.view_nothing"):
        StaffFactory(perms=["claims.view_claim", "claims.view_nothing"])
    with pytest.raises(ValueError, match="app_label.codename"):
        StaffFactory(perms=["view_claim"])


@pytest.fixture
def made_at():
    return timezone.now()


@pytest.mark.frozen_at(MOMENT)
def test_a_marked_test_and_its_fixtures_run_on_the_stopped_clock(made_at, clock):
    assert made_at == MOMENT
    time.sleep(0.01)
    assert timezone.now() == MOMENT
    clock.shift(datetime.timedelta(hours=1))
    assert timezone.now() == MOMENT + datetime.timedelta(hours=1)
    clock.move_to(MOMENT - datetime.timedelta(days=1))
    assert timezone.now() == MOMENT - datetime.timedelta(days=1)
    assert time.time() == (MOMENT - datetime.timedelta(days=1)).timestamp()


def test_the_clock_stops_only_when_asked(clock):
    assert timezone.now() != MOMENT
    with pytest.raises(RuntimeError, match="move_to"):
        clock.shift(datetime.timedelta(hours=1))
    clock.move_to(MOMENT)
    assert timezone.now() == MOMENT
