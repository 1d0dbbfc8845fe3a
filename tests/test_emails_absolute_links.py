"""Every e-mail the portal sends links to the portal by absolute URLs on PORTAL_BASE_URL."""

import datetime
import os
import pathlib
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from appointments import services as appointment_services
from appointments.models import Appointment, ServiceType
from claims import services as claim_services
from claims.models import ClaimEvent
from complaints import emails as complaint_emails
from complaints.models import Ticket, TicketMessage
from data_updates import services as data_update_services
from data_updates.models import DataUpdateRequest
from tests.factories import (
    ClaimFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
    make_nik,
)

pytestmark = pytest.mark.django_db

BASE_URL = "https://portal.bpjs.example"
ROOT = pathlib.Path(__file__).resolve().parent.parent
SENDS_MAIL = re.compile(
    r"^\s*(from django\.core\.mail import|from django\.core import .*\bmail\b"
    r"|import django\.core\.mail)|\bEmail(Message|MultiAlternatives)\(",
    re.MULTILINE,
)
# A link-like token: a path or a URL, with the punctuation that may wrap it in a sentence.
LINK = re.compile(r"""(?:^|[\s("'<])((?:/|https?:)[^\s)"'>]*)""")
# In the HTML twin: the links of href/src attributes, and link-like tokens of the text.
HTML_ATTRIBUTE_LINK = re.compile(r'\b(?:href|src)="([^"]*)"')
TAG = re.compile(r"<[^>]*>")
HEAD = re.compile(r"<head>.*</head>", re.DOTALL)  # the <title> is the subject, "id / en"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.PORTAL_BASE_URL = BASE_URL


def links(text: str) -> list[str]:
    return LINK.findall(text)


def html_links(html: str) -> list[str]:
    """Links of an HTML mail: attribute values that are paths or web URLs (not mailto:), and
    link-like tokens of its text, closing tags aside."""
    attributes = [
        link for link in HTML_ATTRIBUTE_LINK.findall(html) if link.startswith(("/", "http"))
    ]
    return attributes + links(TAG.sub(" ", HEAD.sub("", html)))


def assert_links_absolute(message) -> list[str]:
    found = links(message.body)
    for alternative, _mimetype in getattr(message, "alternatives", []):
        found += [link for link in html_links(str(alternative)) if not link.startswith("//")]
    stray = [link for link in found if not link.startswith(f"{BASE_URL}/")]
    assert not stray, f"{message.subject!r} has links off {BASE_URL}: {stray}\n{message.body}"
    return found


def sent(action) -> list:
    """The mails `action` sent."""
    before = len(mail.outbox)
    action()
    return mail.outbox[before:]


def test_the_link_finder_sees_paths_and_urls():
    text = "Lihat: /claims/1/ (https://x.example/a) atau http://127.0.0.1:8000/b. Rp1.500 #12"
    assert links(text) == ["/claims/1/", "https://x.example/a", "http://127.0.0.1:8000/b."]


def test_the_html_link_finder_sees_attributes_and_text_but_not_closing_tags():
    html = (
        '<p>Buka <a href="/claims/1/">klaim</a> atau https://x.example/a</p>'
        '<a href="mailto:a@b.c">a</a>'
    )
    assert html_links(html) == ["/claims/1/", "https://x.example/a"]


def test_every_mail_the_portal_sends_links_absolutely_to_the_base_url(
    client, settings, django_capture_on_commit_callbacks
):
    person = ParticipantFactory(user=UserFactory(email="budi@example.test"), full_name="Budi")
    mails: dict[str, list] = {}

    code_request = DataUpdateRequest.objects.create(
        participant=person,
        # A new e-mail address gets its code by mail (a new phone number gets it by SMS).
        kind=DataUpdateRequest.Kind.EMAIL,
        status=DataUpdateRequest.Status.AWAITING_CODE,
        values={"email": "budi.baru@example.test"},
    )
    mails["data update code"] = sent(
        lambda: data_update_services.data_update_send_code(request_id=code_request.pk)
    )
    rejected = DataUpdateRequest.objects.create(
        participant=person,
        kind=DataUpdateRequest.Kind.NAME,
        status=DataUpdateRequest.Status.REJECTED,
        values={"full_name": "Budi S"},
        reason="Dokumen tidak terbaca",
    )
    mails["data update status"] = sent(
        lambda: data_update_services.data_update_notify(request_id=rejected.pk)
    )

    claim = ClaimFactory(participant=person)
    event = ClaimEvent.objects.create(
        claim=claim, at=timezone.now(), from_status="submitted", to_status="verifying"
    )
    mails["claim status"] = sent(lambda: claim_services.claim_notify(event_id=event.pk))

    ticket = TicketFactory(participant=person)
    anonymous = TicketFactory(
        participant=None,
        branch=person.branch,
        contact_name="Siti",
        contact_nik=make_nik(birth_date=datetime.date(1990, 1, 1), sequence=7),
        contact_email="siti@example.test",
    )
    reply = TicketMessage.objects.create(ticket=ticket, from_staff=True, body="Sudah kami cek.")
    StaffFactory(email="kepala@example.test", is_superuser=True)
    mails["complaint confirmation"] = sent(
        lambda: complaint_emails.send_confirmation(ticket_id=ticket.pk)
    )
    mails["complaint confirmation, anonymous"] = sent(
        lambda: complaint_emails.send_confirmation(ticket_id=anonymous.pk)
    )
    mails["complaint reply"] = sent(lambda: complaint_emails.send_reply(message_id=reply.pk))
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)
    mails["complaint resolved"] = sent(lambda: complaint_emails.send_resolved(ticket_id=ticket.pk))
    mails["complaint escalation"] = sent(
        lambda: complaint_emails.send_escalation(ticket_id=ticket.pk, deadline="first_response")
    )

    service, _ = ServiceType.objects.update_or_create(
        code="test_visit",
        defaults={"name_id": "Kunjungan uji", "name_en": "Test visit", "duration_minutes": 30},
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    appointment = Appointment.objects.create(
        participant=person,
        service_type=service,
        branch_choice_1=person.branch,
        window_start=tomorrow,
        window_end=tomorrow,
        status=Appointment.Status.ASSIGNED,
        branch=person.branch,
        scheduled_for=timezone.now() + datetime.timedelta(days=1),
        seat=1,
    )
    mails["appointment assigned"] = sent(
        lambda: appointment_services.appointment_assigned_mail_send(appointment_id=appointment.pk)
    )
    mails["appointment reminder"] = sent(
        lambda: appointment_services.appointment_reminder_send(appointment_id=appointment.pk)
    )

    birth = datetime.date(1988, 4, 20)
    member = ParticipantFactory(
        nik=make_nik(birth_date=birth, sequence=4), birth_date=birth, email="dedi.hr@example.test"
    )
    KpjCardFactory(participant=member, number="10000000044")
    start = {"nik": member.nik, "kpj_number": "10000000044", "birth_date": birth.isoformat()}

    def after_commit(post):
        def run():
            with django_capture_on_commit_callbacks(execute=True):
                post()

        return run

    mails["signup code"] = sent(after_commit(lambda: client.post(reverse("account_signup"), start)))
    code = re.search(r"\b(\d{6})\b", mails["signup code"][0].body).group(1)
    finish = {"code": code, "email": "dedi@example.test", "password1": "Tanah-Lot-Sore-77",
              "password2": "Tanah-Lot-Sore-77"}  # fmt: skip
    mails["account confirmation"] = sent(lambda: client.post(reverse("access_signup_code"), finish))
    KpjCardFactory(participant=person, number="10000000045")
    again = {"nik": person.nik, "kpj_number": "10000000045",
             "birth_date": person.birth_date.isoformat()}  # fmt: skip
    mails["signup guidance"] = sent(
        after_commit(lambda: type(client)().post(reverse("account_signup"), again))
    )
    mails["password reset"] = sent(
        lambda: client.post(reverse("account_reset_password"), {"email": "budi@example.test"})
    )

    without_link = {"data update code", "signup code"}
    for kind, messages in mails.items():
        assert len(messages) == 1, f"{kind}: {len(messages)} mails"
        found = assert_links_absolute(messages[0])
        assert bool(found) is (kind not in without_link), f"{kind}: {found}"
    assert mails["appointment assigned"][0].body.count(
        f"{BASE_URL}/appointments/{appointment.pk}/"
    ) == 2  # fmt: skip


def test_only_the_notification_path_sends_mail():
    """A new `send_mail` elsewhere would bypass the recipient, link and send-once rules."""
    senders = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [
            name for name in subfolders
            if not name.startswith(".") and name not in {"tests", "var", "node_modules"}
        ]  # fmt: skip
        for name in (name for name in files if name.endswith(".py")):
            path = pathlib.Path(folder, name)
            if SENDS_MAIL.search(path.read_text()):
                senders.append(str(path.relative_to(ROOT)))
    assert senders == ["core/notifications.py"]
