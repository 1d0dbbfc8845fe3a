import pytest
from django.urls import reverse

from participants.models import Participant
from tests.factories import TEST_PASSWORD, EmailAddressFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    user = UserFactory(email="budi@example.test")
    EmailAddressFactory(user=user)
    ParticipantFactory(user=user, full_name="Budi Santoso")
    return user


def login(client, password):
    return client.post(
        reverse("account_login"), {"login": "budi@example.test", "password": password}
    )


def test_verified_participant_logs_in_and_is_recorded_active(
    client, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert Participant.objects.get(user=account).last_active_at is not None


def test_repeated_wrong_passwords_are_rate_limited(client, account):
    for _ in range(5):
        assert login(client, "wrong-password").status_code == 200
    response = login(client, TEST_PASSWORD)  # even the right password is now refused
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    codes = [error.code for error in response.context["form"].non_field_errors().as_data()]
    assert codes == ["too_many_login_attempts"]


def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_dashboard_shows_own_name_masked_nik_and_is_not_cached(client, account):
    client.force_login(account)
    response = client.get(reverse("dashboard"))
    body = response.content.decode()
    participant = account.participant
    assert participant.full_name in body
    assert participant.masked_nik in body
    assert participant.nik not in body
    assert "no-store" in response["Cache-Control"]


def test_dashboard_query_count_is_constant(
    client, account, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from tests.factories import TicketFactory

    client.force_login(account)
    # session, user, participant, cards (no card: no enrolments to read), the category's
    # programs (no JHT to show), open complaints, next appointment, maintenance windows
    # (cold cache; the test cache is cleared before each test, a warm page skips this one)
    with django_assert_num_queries(8):
        client.get(reverse("dashboard"))
    # with complaints (their commit refreshes the page): one query fewer, still constant
    with django_capture_on_commit_callbacks(execute=True):
        TicketFactory.create_batch(3, participant=account.participant)
    with django_assert_num_queries(7):
        assert "3 pengaduan" in client.get(reverse("dashboard")).content.decode()
    with django_assert_num_queries(2):  # session and user: the content comes from the cache
        client.get(reverse("dashboard"))
