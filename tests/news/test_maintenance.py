import datetime

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Ticket
from news.models import MaintenanceWindow
from tests.factories import MaintenanceWindowFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 6, 1, 15, 0, tzinfo=datetime.UTC)  # 22:00 WIB
END = START + datetime.timedelta(hours=3)


@pytest.fixture
def window():
    return MaintenanceWindowFactory(
        starts_at=START,
        ends_at=END,
        announce_from=START - datetime.timedelta(days=2),
        message="Peningkatan server.",
        message_en="Server upgrade.",
    )


@pytest.fixture
def participant_client(client):
    participant = ParticipantFactory(user=UserFactory())
    client.force_login(participant.user)
    return client


def _complain(client):
    return client.post(
        reverse("complaints:create", args=["other"]), {"subject": "Halo", "body": "Tes"}
    )


def test_banner_shows_ahead_of_the_window_and_writes_still_work(participant_client, window):
    with time_machine.travel(START - datetime.timedelta(days=3), tick=False):
        assert "maintenance-banner" not in participant_client.get(reverse("home")).content.decode()
    with time_machine.travel(START - datetime.timedelta(hours=5), tick=False):
        page = participant_client.get(reverse("home")).content.decode()
        assert "maintenance-banner" in page
        assert "Peningkatan server." in page
        assert "1 Jun 2026 22:00" in page  # shown in WIB
        assert _complain(participant_client).status_code == 302
    assert Ticket.objects.count() == 1


def test_during_the_window_reads_work_and_writes_get_a_clear_page(participant_client, window):
    with time_machine.travel(START + datetime.timedelta(minutes=10), tick=False):
        participant_client.cookies["django_language"] = "en"
        read = participant_client.get(reverse("news:guide_list"))
        assert read.status_code == 200
        assert "Maintenance in progress" in read.content.decode()
        blocked = _complain(participant_client)
        assert blocked.status_code == 503
        assert int(blocked["Retry-After"]) == 170 * 60
        body = blocked.content.decode()
        assert "under maintenance" in body
        assert "2 Jun 2026 01:00" in body  # expected end, WIB
        # The language switch still works.
        assert (
            participant_client.post(reverse("set_language"), {"language": "id"}).status_code == 302
        )
    assert not Ticket.objects.exists()
    with time_machine.travel(END, tick=False):
        assert _complain(participant_client).status_code == 302


def test_saving_a_window_takes_effect_at_once(client):
    with time_machine.travel(START + datetime.timedelta(minutes=1), tick=False):
        assert "maintenance-banner" not in client.get(reverse("home")).content.decode()  # cached
        MaintenanceWindowFactory(starts_at=START, ends_at=END, announce_from=START)
        assert "maintenance-banner" in client.get(reverse("home")).content.decode()
        MaintenanceWindow.objects.all().delete()
        assert "maintenance-banner" not in client.get(reverse("home")).content.decode()


def test_a_warm_page_costs_no_query_for_the_notice(client, window, django_assert_num_queries):
    with time_machine.travel(START - datetime.timedelta(hours=1), tick=False):
        client.get(reverse("home"))
        with django_assert_num_queries(0):
            assert "maintenance-banner" in client.get(reverse("home")).content.decode()
