"""The notification path: absolute links, the recipient rule, one mail per language, send-once."""

import datetime

import pytest
from django.core import mail
from django.db.models import F, Q
from django.utils import timezone

from claims.models import ClaimEvent
from core.notifications import absolute_url, notification_recipient, notify, send_once
from data_updates.models import DataUpdateRequest
from tests.factories import ClaimFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    claim = ClaimFactory()
    return ClaimEvent.objects.create(claim=claim, at=timezone.now(), to_status="verifying")


class Sender:
    """Counts the sends; fails with `error` when given one."""

    def __init__(self, error: Exception | None = None):
        self.calls, self.error = 0, error

    def __call__(self) -> bool:
        self.calls += 1
        if self.error:
            raise self.error
        return True


def test_absolute_url_joins_the_base_url_once(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.id/"
    assert absolute_url("/claims/1/") == "https://portal.example.id/claims/1/"
    with pytest.raises(ValueError, match="starting with '/'"):
        absolute_url("claims/1/")


def test_the_login_email_wins_and_the_contact_email_serves_people_without_a_login():
    with_login = ParticipantFactory.build(
        user=UserFactory(email="login@example.test"), email="kontak@example.test"
    )
    without_login = ParticipantFactory.build(user=None, email="kontak@example.test")
    nothing = ParticipantFactory.build(user=None, email="")

    assert notification_recipient(with_login) == "login@example.test"
    assert notification_recipient(without_login) == "kontak@example.test"
    assert notification_recipient(nothing) == ""


def test_notify_writes_indonesian_first_with_absolute_links(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.id"

    def message(context):
        from django.utils.translation import get_language

        return f"Subjek {get_language()}", f"Bahasa {get_language()}: {context['url']}"

    assert notify(
        to="a@example.test", message=message, links={"url": "/x/"}, languages=("id", "en")
    ) is True  # fmt: skip

    (sent,) = mail.outbox
    assert sent.to == ["a@example.test"]
    assert sent.subject == "Subjek id / Subjek en"
    assert sent.body == (
        "Bahasa id: https://portal.example.id/x/\n\n----\n\nBahasa en: https://portal.example.id/x/\n\n"
        "-- \nJMO Portal · BPJS Ketenagakerjaan · call centre 175\nportal.example.id\n"
    )


def test_notify_sends_nothing_without_an_address():
    assert notify(to=["", ""], message=lambda context: ("s", "b")) is False
    assert notify(to="", template="complaints/email/resolved.txt") is False
    assert mail.outbox == []


def test_notify_takes_a_template_or_a_message():
    with pytest.raises(TypeError):
        notify(to="a@example.test")
    with pytest.raises(TypeError):
        notify(to="a@example.test", template="t.txt", message=lambda context: ("s", "b"))


def test_send_once_sends_on_the_first_call_only(event):
    send = Sender()

    assert send_once(ClaimEvent, event.pk, stamp="notified_at", send=send) is True
    assert send_once(ClaimEvent, event.pk, stamp="notified_at", send=send) is False

    assert send.calls == 1
    event.refresh_from_db()
    assert event.notified_at is not None


def test_a_failed_send_gives_the_claim_back_so_the_retry_sends(event):
    with pytest.raises(OSError, match="smtp down"):
        send_once(ClaimEvent, event.pk, stamp="notified_at", send=Sender(OSError("smtp down")))
    event.refresh_from_db()
    assert event.notified_at is None

    retry = Sender()
    assert send_once(ClaimEvent, event.pk, stamp="notified_at", send=retry) is True
    assert retry.calls == 1


def test_a_failed_send_gives_back_only_its_own_claim(event):
    """A stamp reset and claimed again meanwhile (an appointment moved) stays claimed."""
    later = timezone.now() + datetime.timedelta(minutes=1)

    def reclaimed_then_failed():
        ClaimEvent.objects.filter(pk=event.pk).update(notified_at=later)
        raise OSError("smtp down")

    with pytest.raises(OSError, match="smtp down"):
        send_once(ClaimEvent, event.pk, stamp="notified_at", send=reclaimed_then_failed)
    event.refresh_from_db()
    assert event.notified_at == later


def test_send_once_leaves_rows_outside_the_conditions_alone(event):
    send = Sender()

    assert send_once(
        ClaimEvent, event.pk, stamp="notified_at", send=send, to_status="paid"
    ) is False  # fmt: skip
    assert send_once(ClaimEvent, event.pk + 1000, stamp="notified_at", send=send) is False
    assert send.calls == 0


def test_send_once_per_value_sends_again_when_the_value_changes():
    """The data-update guard: one mail per status, remembered in `notified_status`."""
    request = DataUpdateRequest.objects.create(
        participant=ParticipantFactory(), kind="phone", status="awaiting_code"
    )
    per_status = {
        "stamp": "notified_status",
        "value": F("status"),
        "unsent": ~Q(notified_status=F("status")),
        "released": "",
    }
    send = Sender()

    assert send_once(DataUpdateRequest, request.pk, send=send, **per_status) is True
    assert send_once(DataUpdateRequest, request.pk, send=send, **per_status) is False
    DataUpdateRequest.objects.filter(pk=request.pk).update(status="applied")
    with pytest.raises(OSError, match="smtp down"):
        send_once(DataUpdateRequest, request.pk, send=Sender(OSError("smtp down")), **per_status)
    request.refresh_from_db()
    assert request.notified_status == ""
    assert send_once(DataUpdateRequest, request.pk, send=send, **per_status) is True
    request.refresh_from_db()
    assert (send.calls, request.notified_status) == (2, "applied")
