"""The SMS channel: numbers, the delivery log, send-once, retries, rate limits, the gateway."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

import sms
from sms import rules, sealing
from sms.backends import get_backend
from sms.backends.base import SmsPermanentError, SmsTemporaryError
from sms.models import SmsMessage
from sms.phone import phone_local, phone_normalise
from sms.services import SmsRateLimited, sms_deliver, sms_send
from sms.tasks import sms_deliver_task, sms_retry_due_task
from tests.sms_gateway import FakeSmsGateway

NUMBER = "+6281234567890"


@pytest.mark.parametrize(
    "written", ["081234567890", "0812-3456-7890", "62 812 3456 7890", "+62 (812) 3456 7890"]
)
def test_numbers_are_kept_in_one_shape(written):
    assert phone_normalise(written) == NUMBER
    assert phone_local(written) == "081234567890"


@pytest.mark.parametrize("written", ["", "12345", "021 555 1234", "+1 415 555 0100", "08123"])
def test_a_number_that_is_not_an_indonesian_mobile_is_refused_by_name(written):
    with pytest.raises(ValidationError) as caught:
        phone_normalise(written)
    assert caught.value.code == "phone"
    assert "Phone number" in caught.value.messages[0]


def test_codes_never_reach_the_log_in_clear():
    assert rules.text_mask("Kode JMO Anda 482913. Berlaku 10 menit.") == (
        "Kode JMO Anda ******. Berlaku 10 menit."
    )


def test_sealed_words_open_only_with_the_key(settings):
    token = sealing.seal("Kode 123456")
    assert "123456" not in token
    assert sealing.unseal(token) == "Kode 123456"
    settings.SECRET_KEY = "another-key"
    with pytest.raises(ValueError, match="cannot be read"):
        sealing.unseal(token)
    settings.SECRET_KEY_FALLBACKS = ["test-only-not-a-secret"]
    assert sealing.unseal(token) == "Kode 123456", "a rotated key still opens queued messages"


@pytest.mark.django_db
def test_send_records_masked_log_and_delivers_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = sms_send(to="0812 3456 7890", text="Kode JMO Anda 482913.", purpose="test")
    assert sms.outbox == [], "nothing is sent before the transaction commits"
    message.refresh_from_db()
    assert message.to == NUMBER
    assert message.text_masked == "Kode JMO Anda ******."
    assert "482913" not in message.body_sealed
    assert message.status == SmsMessage.Status.QUEUED
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert [(m.to, m.text) for m in sms.outbox] == [(NUMBER, "Kode JMO Anda 482913.")]
    assert sms.outbox[0].reference == f"jmo-sms-{message.pk}"
    assert message.status == SmsMessage.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.body_sealed == "", "the sealed words are dropped once sent"
    assert message.gateway_id == f"locmem-jmo-sms-{message.pk}"


@pytest.mark.django_db
def test_the_same_message_is_sent_once_however_often_the_task_runs(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(to=NUMBER, text="Kode 111222", purpose="test")
    assert sms_deliver_task.delay(message.pk).get() == "sent"
    assert sms_deliver(message_id=message.pk) == ("sent", None)
    assert len(sms.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


@pytest.mark.django_db
def test_a_send_left_half_done_by_a_dead_worker_is_taken_over_later(settings):
    message = SmsMessage.objects.create(
        to=NUMBER, purpose="test", text_masked="Kode ******",
        body_sealed=sealing.seal("Kode 333444"),
        status=SmsMessage.Status.SENDING, attempts=1, next_attempt_at=timezone.now(),
        claimed_at=timezone.now(),
    )  # fmt: skip
    assert sms_deliver(message_id=message.pk) == ("sending", None), "a live claim is left alone"
    assert sms.outbox == []
    later = timezone.now() + datetime.timedelta(seconds=settings.SMS_CLAIM_TIMEOUT_SECONDS + 1)
    with time_machine.travel(later):
        assert sms_retry_due_task() == 1
    assert [m.text for m in sms.outbox] == ["Kode 333444"]


@pytest.mark.django_db
def test_a_message_with_no_words_is_refused():
    with pytest.raises(ValidationError):
        sms_send(to=NUMBER, text="  ", purpose="test")
    assert not SmsMessage.objects.exists()


@pytest.mark.django_db
def test_rate_limit_per_number_and_purpose(settings, django_capture_on_commit_callbacks):
    settings.SMS_RATE_LIMITS = {"default": "2/h", "password_reset": "1/15m"}
    settings.SMS_RATE_LIMIT_PER_NUMBER = "3/h"
    with django_capture_on_commit_callbacks(execute=True):
        sms_send(to=NUMBER, text="a", purpose="password_reset")
        with pytest.raises(SmsRateLimited) as caught:
            sms_send(to=NUMBER, text="b", purpose="password_reset")
        assert "15 minutes" in caught.value.message
        sms_send(to=NUMBER, text="c", purpose="phone_verification")
        sms_send(to="+6281111111111", text="d", purpose="password_reset"), "another number"
        sms_send(to=NUMBER, text="e", purpose="phone_verification")
        with pytest.raises(SmsRateLimited) as caught:
            sms_send(to=NUMBER, text="f", purpose="other")
        assert "minutes" in caught.value.message
    assert SmsMessage.objects.filter(to=NUMBER).count() == 3
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        sms_send(to=NUMBER, text="g", purpose="password_reset")


def test_console_backend_prints_the_message():
    stream = io.StringIO()
    assert (
        get_backend("sms.backends.console.SmsBackend", stream=stream).send(
            to=NUMBER, text="Kode 123456", reference="jmo-sms-9"
        )
        == "console-jmo-sms-9"
    )
    assert "SMS to +6281234567890 [jmo-sms-9]\nKode 123456" in stream.getvalue()


HTTP = "sms.backends.http.SmsBackend"


def test_http_gateway_gets_the_message_with_a_token(settings):
    settings.SMS_SENDER_ID = "BPJSTK"
    with FakeSmsGateway(token="tok-1") as gateway:
        backend = get_backend(HTTP, url=gateway.url, token="tok-1", timeout=2)
        assert backend.send(to=NUMBER, text="Kode 123456", reference="jmo-sms-7") == "gw-1"
    call = gateway.calls[0]
    assert call["payload"] == {
        "to": NUMBER, "text": "Kode 123456", "reference": "jmo-sms-7", "sender": "BPJSTK",
    }  # fmt: skip
    assert call["headers"]["Authorization"] == "Bearer tok-1"


def test_http_gateway_basic_credentials_and_a_refusal_is_permanent():
    with FakeSmsGateway(token="expected") as gateway:
        backend = get_backend(HTTP, url=gateway.url, token="", user="jmo", password="pw", timeout=2)
        with pytest.raises(SmsPermanentError, match="401"):
            backend.send(to=NUMBER, text="x", reference="r")
    assert gateway.calls[0]["headers"]["Authorization"] == "Basic am1vOnB3"


@pytest.mark.parametrize("code", [500, 503, 429])
def test_http_gateway_5xx_and_429_are_temporary(code):
    with FakeSmsGateway(codes=[code]) as gateway:
        with pytest.raises(SmsTemporaryError, match=str(code)):
            get_backend(HTTP, url=gateway.url, timeout=2).send(to=NUMBER, text="x", reference="r")


def test_http_gateway_timeout_is_temporary():
    with FakeSmsGateway(delay=1.0) as gateway:
        with pytest.raises(SmsTemporaryError, match="timed out"):
            get_backend(HTTP, url=gateway.url, timeout=0.2).send(to=NUMBER, text="x", reference="r")


def test_http_gateway_unreachable_is_temporary():
    with FakeSmsGateway() as gateway:
        url = gateway.url
    with pytest.raises(SmsTemporaryError, match="unreachable"):
        get_backend(HTTP, url=url, timeout=1).send(to=NUMBER, text="x", reference="r")


@pytest.fixture
def gateway(settings):
    with FakeSmsGateway() as server:
        settings.SMS_BACKEND = HTTP
        settings.SMS_GATEWAY_URL = server.url
        settings.SMS_GATEWAY_TOKEN = ""
        settings.SMS_GATEWAY_TIMEOUT = 0.3
        settings.SMS_MAX_ATTEMPTS = 3
        settings.SMS_BACKOFF_BASE_SECONDS = 30
        settings.SMS_RETRY_GRACE_SECONDS = 0
        yield server


@pytest.mark.django_db
def test_5xx_then_success_is_retried_with_backoff_and_sent_once(
    gateway, django_capture_on_commit_callbacks
):
    gateway.codes = [503, 502, 200]
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(to=NUMBER, text="Kode 654321", purpose="test")
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (
        "queued",
        1,
        "gateway answered 503",
    )
    first_wait = message.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=25) < first_wait <= datetime.timedelta(seconds=30)
    assert sms_retry_due_task() == 0, "not due yet"
    with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1)):
        assert sms_retry_due_task() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 2)
    second_wait = message.next_attempt_at - timezone.now()
    assert second_wait > datetime.timedelta(seconds=55), "the wait doubles"
    with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1)):
        assert sms_retry_due_task() == 1
        assert sms_retry_due_task() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.gateway_id) == ("sent", 3, "gw-3")
    assert [m["text"] for m in gateway.messages] == ["Kode 654321"]


@pytest.mark.django_db
def test_timeouts_give_up_after_max_attempts(gateway, django_capture_on_commit_callbacks):
    gateway.delay = 1.0
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(to=NUMBER, text="Kode 777888", purpose="test")
    for hours in (1, 2, 3):
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=hours)):
            sms_retry_due_task()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert message.error == "gateway timed out"
    assert message.body_sealed == "", "given-up words are dropped too"
    assert sms_retry_due_task() == 0


@pytest.mark.django_db
def test_a_rejected_message_fails_at_once(gateway, django_capture_on_commit_callbacks):
    gateway.codes = [400]
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(to=NUMBER, text="Kode 1", purpose="test")
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (
        "failed",
        1,
        "gateway answered 400",
    )


@pytest.mark.django_db
def test_with_a_broker_the_task_asks_celery_to_retry_after_the_backoff(gateway):
    """A worker (not in-process mode) hands the wait to Celery's own retry."""
    from unittest import mock

    from celery.exceptions import Retry

    gateway.codes = [503]
    message = SmsMessage.objects.create(
        to=NUMBER, purpose="test", text_masked="Kode ******",
        body_sealed=sealing.seal("Kode 123456"), next_attempt_at=timezone.now(),
    )  # fmt: skip
    sms_deliver_task.push_request(is_eager=False, called_directly=False)
    try:
        with mock.patch.object(sms_deliver_task, "retry", side_effect=Retry()) as retry:
            with pytest.raises(Retry):
                sms_deliver_task.run(message.pk)
    finally:
        sms_deliver_task.pop_request()
    retry.assert_called_once_with(countdown=30)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)


def test_the_task_is_acknowledged_late_so_a_dead_worker_leaves_it_queued():
    assert sms_deliver_task.acks_late is True
    assert sms_deliver_task.reject_on_worker_lost is True
