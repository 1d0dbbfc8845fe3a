"""A sentinel NIK, password, bank account, API key and e-mail code never leave the request.

The main journeys run with every logger at DEBUG (SQL with its parameters included), the
500 e-mail report switched on, and every Celery task message captured: as published to the
broker (before_task_publish: body and headers) and as run (task_prerun: args and kwargs).
None of the sentinels may appear in any of it.
"""

import datetime
import logging
import re

import pytest
from celery.signals import before_task_publish, task_prerun
from django.core import mail
from django.db import connection

from jmo_portal.celery import app as celery_app
from jmo_portal.logging import MASK, SensitiveDataFilter, mask_sensitive
from participants.models import BankAccount, Participant
from tests.factories import EmployerFactory, KpjCardFactory, ParticipantFactory, make_nik
from tests.partners.conftest import bearer, make_key

BIRTH = datetime.date(1987, 3, 14)
SENTINEL_NIK = make_nik(birth_date=BIRTH, sequence=7321)
SENTINEL_PASSWORD = "Sentinel-Kopi-Luwak-42"  # noqa: S105 - the point is to find it
SENTINEL_BANK = "7310029384756"
SENTINEL_EMAIL = "sentinel.budi@example.test"


@pytest.fixture
def every_logger_at_debug(caplog):
    """caplog on the root logger, and every named logger (Django's included) at DEBUG."""
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True  # django.db.backends logs every query and its params
    yield caplog
    connection.force_debug_cursor = False
    for logger, level in saved:
        logger.setLevel(level)


@pytest.fixture
def task_messages():
    """Everything that describes a Celery task: published messages and eager runs."""
    captured = []

    def on_publish(sender=None, body=None, headers=None, **kwargs):
        captured.append(("published", sender, repr(body), repr(headers)))

    def on_prerun(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
        captured.append(("run", task.name, repr(args), repr(kwargs)))

    before_task_publish.connect(on_publish, weak=False)
    task_prerun.connect(on_prerun, weak=False)
    yield captured
    before_task_publish.disconnect(on_publish)
    task_prerun.disconnect(on_prerun)


@pytest.fixture
def member():
    participant = ParticipantFactory(
        nik=SENTINEL_NIK, full_name="Budi Sentinel", birth_date=BIRTH, phone="081200000001",
        email="budi.hr@example.test",  # on record: the signup code is read from this mail
    )  # fmt: skip
    KpjCardFactory(participant=participant, number="10000073211")
    return participant


def register_and_log_in(client):
    start = {"nik": SENTINEL_NIK, "kpj_number": "10000073211", "birth_date": BIRTH.isoformat()}
    assert client.post("/accounts/signup/", start).status_code == 302
    code_mail = next(m for m in mail.outbox if m.to == ["budi.hr@example.test"])
    code = re.search(r"\b(\d{6})\b", code_mail.body).group(1)
    response = client.post(
        "/accounts/signup/code/",
        {
            "code": code,
            "email": SENTINEL_EMAIL,
            "password1": SENTINEL_PASSWORD,
            "password2": SENTINEL_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    confirm_url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert client.post(confirm_url.group(1)).status_code == 302
    confirmation_key = confirm_url.group(1).rstrip("/").rsplit("/", 1)[1]
    response = client.post(
        "/accounts/login/", {"login": SENTINEL_EMAIL, "password": SENTINEL_PASSWORD}
    )
    assert response.status_code == 302
    assert "/accounts/login/" not in response["Location"]
    return confirmation_key


def update_bank_account(client):
    response = client.get("/data/bank-account/")
    assert "/accounts/reauthenticate/" in response["Location"]
    client.post(response["Location"], {"password": SENTINEL_PASSWORD})
    client.post(
        "/data/bank-account/",
        {"bank": "BRI", "account_number": SENTINEL_BANK, "account_name": "Budi Sentinel"},
    )
    assert BankAccount.objects.get(participant__nik=SENTINEL_NIK).account_number == SENTINEL_BANK


def change_phone_by_code(client) -> str | None:
    """The code goes by SMS (to the new number) from a task: confirmable here only when tasks
    run in-process."""
    import sms

    sent = len(sms.outbox)
    client.post("/data/phone/", {"phone": "+62 812-7777-0001"})
    if len(sms.outbox) == sent:
        return None
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    request_id = Participant.objects.get(nik=SENTINEL_NIK).data_update_requests.get(kind="phone").pk
    client.post(f"/data/requests/{request_id}/", {"action": "confirm", "code": code})
    assert Participant.objects.get(nik=SENTINEL_NIK).phone == "081277770001"
    return code


def call_partner_api(client) -> list[str]:
    employer = EmployerFactory()
    key = make_key(employer)
    card = KpjCardFactory(number="10000073299", employer=employer)
    assert client.get("/api/v1/employers/me/members", **bearer(key)).status_code == 200
    response = client.post(
        "/api/v1/employers/me/leavers",
        data={"leavers": [{"kpj": card.number, "left_on": "2026-01-31", "reason": "resignation"}]},
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code in (200, 201), response.content
    forged = key[:-6] + "ZZZZZZ"  # a wrong key is logged as a failure, never shown
    assert client.get("/api/v1/employers/me/members", **bearer(forged)).status_code == 401
    # The secret is everything after "jmo_<prefix>_"; token_urlsafe may itself hold "_".
    return [key, key.split("_", 2)[2], forged, forged.split("_", 2)[2]]


def fail_with_personal_data(client, settings):
    settings.ROOT_URLCONF = "tests.privacy.urls"
    settings.ADMINS = [("Ops", "ops@jmo.example")]
    client.raise_request_exception = False
    response = client.post(
        f"/test-boom/?nik={SENTINEL_NIK}&token=abc",
        {"nik": SENTINEL_NIK, "password": SENTINEL_PASSWORD, "account_number": SENTINEL_BANK},
        HTTP_AUTHORIZATION="Bearer jmo_0badc0de_" + "S" * 40,
    )
    assert response.status_code == 500
    report = mail.outbox[-1]
    assert report.to == ["ops@jmo.example"]
    assert "ValueError" in report.body  # the report is still useful: what failed and where
    assert "/test-boom/" in report.body


def everything_written(caplog, task_messages) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        # Text a formatter could print; objects such as `request` are for the report builder,
        # whose own output is checked below (the 500 e-mail).
        parts.extend(value for value in vars(record).values() if isinstance(value, str))
    parts.extend(repr(item) for item in task_messages)
    parts.extend(f"{m.subject}\n{m.body}" for m in mail.outbox if m.to == ["ops@jmo.example"])
    return "\n".join(parts)


@pytest.mark.django_db(transaction=True)  # real commits, so on-commit tasks really run
@pytest.mark.usefixtures("media_root")
def test_no_sentinel_reaches_logs_error_reports_or_task_messages(
    client, settings, member, every_logger_at_debug, task_messages
):
    confirmation_key = register_and_log_in(client)
    update_bank_account(client)
    code = change_phone_by_code(client)
    keys = call_partner_api(client)
    fail_with_personal_data(client, settings)

    written = everything_written(every_logger_at_debug, task_messages)
    # The capture saw the journeys: SQL, the request log, the 500, and tasks with their ids.
    assert "Internal Server Error: /test-boom/" in written
    assert "INSERT INTO" in written
    assert {kind for kind, *_ in task_messages} >= {"run"}
    assert code is not None
    sentinels = {
        "NIK": SENTINEL_NIK,
        "password": SENTINEL_PASSWORD,
        "bank account": SENTINEL_BANK,
        "e-mail code": code,
        "e-mail confirmation key": confirmation_key,
        **{f"partner key {n}": key for n, key in enumerate(keys)},
    }
    leaked = {
        name: written[max(written.index(value) - 160, 0) : written.index(value) + 40]
        for name, value in sentinels.items()
        if value in written
    }
    assert leaked == {}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("media_root")
def test_task_messages_on_the_real_broker_carry_ids_only(client, member, task_messages):
    """Published for real (Redis), through the outbox: the message body holds ids only."""
    celery_app.conf.task_always_eager = False
    try:
        register_and_log_in(client)
        update_bank_account(client)
        client.post("/data/phone/", {"phone": "+62 812-7777-0001"})
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.control.purge()
    published = [item for item in task_messages if item[0] == "published"]
    assert {name for _, name, *_ in published} >= {
        "participants.tasks.participant_mark_active_task",
        "data_updates.tasks.data_update_send_code_task",
    }
    for _kind, _name, body, _headers in published:
        args = re.findall(r"\(\[(.*?)\],", body)[0]
        assert re.fullmatch(r"\d+(, \d+)*", args), body  # ids only
    text = "\n".join(repr(item) for item in published)
    for value in (SENTINEL_NIK, SENTINEL_PASSWORD, SENTINEL_BANK, SENTINEL_EMAIL):
        assert value not in text


def test_every_configured_handler_masks():
    """A handler added to LOGGING without the filter would let personal data through."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    handlers = {handler for logger in loggers for handler in logger.handlers}
    ours = [
        h
        for h in handlers
        if not type(h).__module__.startswith("_pytest") and not isinstance(h, logging.NullHandler)
    ]
    assert ours, "LOGGING configures no handler at all"
    unmasked = [h for h in ours if not any(isinstance(f, SensitiveDataFilter) for f in h.filters)]
    assert unmasked == []


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        (f"nik {SENTINEL_NIK} done", SENTINEL_NIK, "done"),
        ("rekening 0123-4567-8901-2345", "0123-4567-8901-2345", "rekening"),
        ("password=Rahasia!9 next", "Rahasia!9", "next"),
        ("{'password1': 'Rahasia!9'}", "Rahasia!9", "password1"),
        ("Authorization: Bearer abcDEF123456789", "abcDEF123456789", "Authorization"),
        ("key jmo_0a1b2c3d_SeCrEt-value_123", "SeCrEt-value_123", "key"),
        ("code: 482913", "482913", "code"),
        ("account_number=123456", "123456", "account_number"),
    ],
)
def test_masks_hide_the_value_and_keep_the_context(text, hidden, kept):
    masked = mask_sensitive(text)
    assert hidden not in masked
    assert kept in masked


def test_ordinary_log_lines_are_left_alone():
    for line in [
        "at 2026-11-29 13:41:51 outbox message 12345 kept pending",
        "HTTP GET /claims/42/ status_code=200 in 12.5 ms",
        "complaint ADU-2026-000123 escalated",
    ]:
        assert mask_sensitive(line) == line


def test_every_task_takes_ids_only():
    """Audit of */tasks.py: arguments are ids (ints) or a fixed word, never personal data."""
    import inspect

    from django.conf import settings

    celery_app.loader.import_default_modules()  # autodiscover every app's tasks.py
    allowed_words = {
        ("complaints.tasks.ticket_escalation_email_task", "deadline"),
        ("insights.tasks.insights_aggregate_day_task", "day"),  # an ISO date, nobody's data
    }
    ours = [
        task
        for name, task in celery_app.tasks.items()
        if name.split(".", 1)[0] in settings.LOCAL_APPS
    ]
    assert len(ours) >= 15
    for task in ours:
        for parameter in inspect.signature(task.run).parameters.values():
            annotation = str(parameter.annotation)
            if (task.name, parameter.name) in allowed_words:
                continue
            assert annotation in ("<class 'int'>", "int | None"), (task.name, parameter)


@pytest.mark.django_db
def test_an_anonymous_complaints_status_token_never_reaches_a_log_line(
    client, every_logger_at_debug
):
    """The status link's token opens the complaint without a login: not in any log line."""
    from django.urls import reverse

    from complaints.tokens import ticket_status_token
    from tests.factories import BranchFactory, TicketFactory

    ticket = TicketFactory(
        participant=None,
        branch=BranchFactory(),
        contact_nik=make_nik(birth_date=BIRTH, sequence=4411),
        contact_email="siti@example.test",
    )
    token = ticket_status_token(ticket=ticket)
    url = reverse("complaints:status", args=[ticket.number, token])
    assert client.get(url).status_code == 200
    # A wrong token is a 404, which django.request logs with the path.
    wrong = "f" * 32
    wrong_url = reverse("complaints:status", args=[ticket.number, wrong])
    assert client.get(wrong_url).status_code == 404
    # The access log line as runserver writes it, through its own configured handler.
    server = logging.getLogger("django.server")
    record = server.makeRecord(
        "django.server", logging.INFO, __file__, 1, '"GET %s HTTP/1.1" 200 512', (url,), None
    )
    for handler in server.handlers:
        handler.filter(record)
    every_logger_at_debug.handler.handle(record)

    written = everything_written(every_logger_at_debug, [])
    assert f"Not Found: /complaints/status/{ticket.number}/{MASK}/" in written
    assert f"/complaints/status/{ticket.number}/{MASK}/" in record.getMessage()
    assert token not in written
    assert wrong not in written
