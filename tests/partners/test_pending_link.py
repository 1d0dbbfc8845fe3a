"""Issue 18: an employer that registers a person who is already a member gets a pending card,
which gives it nothing (no contributions, claims, webhooks or account facts) until the member
(Kartu saya) or staff of the member's branch (admin) confirm it; declined, it ends."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from participants.models import ContributionPosting, KpjCard, Participant
from participants.services import LinkNotYours, kpj_card_link_decide, kpj_card_links_notify
from partners.models import WebhookDelivery
from sms.models import SmsMessage
from tests.factories import (
    BranchFactory,
    ClaimEventFactory,
    ClaimFactory,
    EmployerFactory,
    KpjCardFactory,
    ParticipantFactory,
    PartnerWebhookFactory,
    StaffFactory,
    UserFactory,
    make_nik,
)

from .conftest import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dated_rules")]

BASE = "/api/v1/employers/me"
JOINED = datetime.date(2026, 1, 5)
CARD_PERMS = ["participants.view_kpjcard", "participants.decide_employer_link"]


def api_post(client, key, path, body):
    return client.post(f"{BASE}/{path}", data=body, content_type="application/json",
                       **bearer(key))  # fmt: skip


def as_row(person: Participant, **overrides) -> dict:
    return {
        "nik": person.nik,
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "joined_on": JOINED.isoformat(),
        **overrides,
    }


def contribution(kpj, month="2026-02"):
    return {"rows": [{"kpj": kpj, "month": month, "wage": 5_000_000}]}


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def siti():
    """A member with a login, a verified phone and a card with a former employer."""
    person = ParticipantFactory(
        user=UserFactory(email="siti@example.test"), full_name="Siti Aminah",
        phone="081300000041", phone_verified_at=timezone.now(),
    )  # fmt: skip
    KpjCardFactory(participant=person, employer=EmployerFactory(name="PT Lama"),
                   joined_on=datetime.date(2015, 1, 1), left_on=datetime.date(2019, 6, 30),
                   status="non_active")  # fmt: skip
    return person


@pytest.fixture
def pending(client, key_a, employer_a, siti, django_capture_on_commit_callbacks, mailoutbox):
    """PT Alfa registers Siti (known) and a brand-new worker in one request."""
    newcomer = {"nik": make_nik(birth_date=datetime.date(1995, 3, 2), sequence=9),
                "full_name": "Budi Baru", "birth_date": "1995-03-02",
                "joined_on": JOINED.isoformat()}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = api_post(client, key_a, "new-members", {"members": [as_row(siti), newcomer]})
    assert response.status_code == 201, response.content
    rows = response.json()["members"]
    assert [row["status"] for row in rows] == ["pending", "active"]
    return KpjCard.objects.get(number=rows[0]["kpj"])


def test_registering_an_existing_member_makes_a_pending_card_and_asks_them(
    pending, siti, mailoutbox
):
    assert pending.status == "pending"
    assert pending.participant == siti
    assert pending.joined_on == JOINED
    event = AuditEvent.objects.get(action="member_registered_by_employer", participant=siti)
    assert event.detail["status"] == "pending"
    # The member hears of it: e-mail to the login, SMS to the verified phone, once.
    to_siti = [mail for mail in mailoutbox if mail.to == ["siti@example.test"]]
    assert len(to_siti) == 1
    assert "PT Alfa" in to_siti[0].subject
    assert "/cards/" in to_siti[0].body
    sms = SmsMessage.objects.get(purpose="employer_link")
    assert sms.to.endswith("81300000041")
    pending.refresh_from_db()
    assert pending.link_notified_status == "pending"
    assert kpj_card_links_notify(employer_id=pending.employer_id) == 0  # a retry tells nobody
    assert len([mail for mail in mailoutbox if mail.to == ["siti@example.test"]]) == 1
    # Nothing of the member's changes: no posting, the old card as it was.
    assert not ContributionPosting.objects.filter(participant=siti).exists()
    assert siti.kpj_cards.get(employer__name="PT Lama").status == "non_active"


def test_the_same_employer_cannot_register_the_member_again_while_pending(
    client, key_a, pending, siti
):
    again = api_post(client, key_a, "new-members", {"members": [as_row(siti)]})
    assert again.status_code == 400
    assert "not yet confirmed" in again.json()["fields"]["members[0].nik"][0]


def test_contributions_for_a_pending_card_are_refused_per_row(client, key_a, pending, siti):
    response = api_post(client, key_a, "contributions", contribution(pending.number))
    assert response.status_code == 400, response.content
    message = response.json()["fields"]["rows[0].kpj"][0]
    assert "waiting for the worker to confirm" in message
    by_nik = api_post(
        client,
        key_a,
        "contributions",
        {"rows": [{"nik": siti.nik, "month": "2026-02", "wage": 5_000_000}]},
    )
    assert "rows[0].nik" in by_nik.json()["fields"]
    assert not ContributionPosting.objects.filter(kpj_card=pending).exists()


def test_a_pending_card_shows_the_partner_no_claim_webhook_or_account(
    client, key_a, employer_a, pending, siti
):
    hook = PartnerWebhookFactory(employer=employer_a)
    claim = ClaimFactory(participant=siti, event_date=datetime.date(2026, 3, 1))
    ClaimEventFactory(claim=claim, from_status="submitted", to_status="verifying")

    assert client.get(f"{BASE}/claims", **bearer(key_a)).json()["count"] == 0
    assert not WebhookDelivery.objects.filter(webhook=hook).exists()
    member = client.get(f"{BASE}/members/{pending.number}", **bearer(key_a)).json()
    assert (member["status"], member["portal_account"]) == ("pending", False)

    kpj_card_link_decide(kpj_card=pending, actor=siti.user, confirm=True)
    assert client.get(f"{BASE}/claims", **bearer(key_a)).json()["count"] == 1
    member = client.get(f"{BASE}/members/{pending.number}", **bearer(key_a)).json()
    assert (member["status"], member["portal_account"]) == ("active", True)


def test_the_member_sees_the_question_on_kartu_saya(client, pending, siti):
    client.force_login(siti.user)
    page = client.get(reverse("my_cards")).content.decode()
    assert "PT Alfa wants to register you as their worker since 5 January 2026" in page
    assert reverse("card_link_decide", args=[pending.pk]) in page
    assert 'value="confirm"' in page
    assert 'value="decline"' in page
    assert "csrfmiddlewaretoken" in page
    # Not a card of theirs yet: no digital card for it.
    assert reverse("card", args=[pending.pk]) not in page
    assert client.get(reverse("card", args=[pending.pk])).status_code == 404


def test_the_member_confirms_then_contributions_are_accepted(
    client, key_a, pending, siti, mailoutbox
):
    client.force_login(siti.user)
    url = reverse("card_link_decide", args=[pending.pk])
    sent = len(mailoutbox)

    response = client.post(url, {"decision": "confirm"}, follow=True)

    assert f"Card {pending.number} is active" in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.joined_on, pending.left_on) == ("active", JOINED, None)
    event = AuditEvent.objects.get(action="kpj_card_link_confirmed")
    assert (event.actor, event.detail["by"]) == (siti.user, "member")
    assert len(mailoutbox) == sent  # they did it themselves: no mail about it
    # Again, or the other button after it: nothing changes.
    again = client.post(url, {"decision": "decline"}, follow=True)
    assert "already decided" in again.content.decode()
    pending.refresh_from_db()
    assert pending.status == "active"
    assert AuditEvent.objects.filter(action__startswith="kpj_card_link_").count() == 1

    accepted = api_post(client, key_a, "contributions", contribution(pending.number))
    assert accepted.status_code == 201, accepted.content
    assert ContributionPosting.objects.filter(kpj_card=pending).exists()


def test_the_member_declines_and_the_partner_sees_it(client, key_a, pending, siti):
    client.force_login(siti.user)
    client.post(reverse("card_link_decide", args=[pending.pk]), {"decision": "decline"})

    pending.refresh_from_db()
    assert pending.status == "declined"
    assert pending.left_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="kpj_card_link_declined", actor=siti.user).exists()
    member = client.get(f"{BASE}/members/{pending.number}", **bearer(key_a)).json()
    assert member["status"] == "declined"
    refused = api_post(client, key_a, "contributions", contribution(pending.number))
    assert "declined" in refused.json()["fields"]["rows[0].kpj"][0]
    ClaimFactory(participant=siti, event_date=datetime.date(2026, 3, 1))
    assert client.get(f"{BASE}/claims", **bearer(key_a)).json()["count"] == 0


def test_a_get_or_an_unknown_answer_changes_nothing(client, pending, siti):
    client.force_login(siti.user)
    url = reverse("card_link_decide", args=[pending.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"decision": "maybe"}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_another_member_cannot_answer_for_someone_elses_card(client, pending):
    other = ParticipantFactory(user=UserFactory())
    client.force_login(other.user)
    response = client.post(reverse("card_link_decide", args=[pending.pk]), {"decision": "confirm"})
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"
    with pytest.raises(LinkNotYours):
        kpj_card_link_decide(kpj_card=pending, actor=other.user, confirm=True)


def test_staff_of_the_members_branch_confirm_in_the_admin_and_the_member_is_told(
    client, pending, siti, mailoutbox, django_capture_on_commit_callbacks
):
    staff = StaffFactory(branch=siti.branch, perms=CARD_PERMS)
    client.force_login(staff)
    changelist = reverse("admin:participants_kpjcard_changelist")
    sent = len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "confirm_link", "_selected_action": [pending.pk]}
        )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "active"
    event = AuditEvent.objects.get(action="kpj_card_link_confirmed")
    assert (event.actor, event.detail["by"]) == (staff, "staff")
    told = mailoutbox[sent:]
    assert len(told) == 1
    assert "Your branch confirmed" in told[0].subject
    pending.refresh_from_db()
    assert pending.link_notified_status == "active"


def test_staff_of_another_branch_cannot_decide(client, pending, siti):
    outsider = StaffFactory(branch=BranchFactory(), perms=CARD_PERMS)
    client.force_login(outsider)
    changelist = reverse("admin:participants_kpjcard_changelist")
    client.post(changelist, {"action": "decline_link", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "pending"
    with pytest.raises(LinkNotYours):
        kpj_card_link_decide(kpj_card=pending, actor=outsider, confirm=False)
    assert not AuditEvent.objects.filter(action__startswith="kpj_card_link_").exists()


def test_staff_decline_ends_the_card(client, pending, siti):
    staff = StaffFactory(branch=siti.branch, perms=CARD_PERMS)
    client.force_login(staff)
    changelist = reverse("admin:participants_kpjcard_changelist")
    client.post(changelist, {"action": "decline_link", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "declined"
    assert AuditEvent.objects.get(action="kpj_card_link_declined").actor == staff


def test_a_pending_card_opens_no_signup_or_recovery_until_confirmed(pending, siti):
    """The employer knows the new KPJ, the NIK, the birth date and the start month: none of
    that may identify the member for signup or online recovery while the card waits."""
    from access.selectors import participant_identified, recovery_card

    found = participant_identified(nik=siti.nik, kpj_number=pending.number,
                                   birth_date=siti.birth_date)  # fmt: skip
    assert found is None
    kpj_card_link_decide(kpj_card=pending, actor=siti.user, confirm=True)
    found = participant_identified(nik=siti.nik, kpj_number=pending.number,
                                   birth_date=siti.birth_date)  # fmt: skip
    assert found == siti
    # Created after the account: still no recovery card (the existing rule).
    assert recovery_card(participant=siti, kpj_number=pending.number) is None


def test_staff_without_the_decide_permission_cannot_decide(client, pending, siti):
    viewer = StaffFactory(branch=siti.branch, perms=["participants.view_kpjcard"])
    client.force_login(viewer)
    changelist = reverse("admin:participants_kpjcard_changelist")
    assert "confirm_link" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "confirm_link", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_the_admin_forms_do_not_change_a_pending_status_by_hand(pending):
    """Only the audited actions decide a link: the card page and the participant's inline
    show the status without letting it be edited."""
    from django.contrib.admin.sites import site
    from django.forms import modelform_factory

    from participants.admin import KpjCardInlineForm

    inline_form = modelform_factory(KpjCard, form=KpjCardInlineForm, fields=["status"])
    form = inline_form(instance=pending, data={"status": "active"})
    assert form.fields["status"].disabled is True
    assert form.is_valid()
    assert form.cleaned_data["status"] == "pending"  # the posted value is ignored
    staff = StaffFactory(branch=pending.participant.branch, perms=CARD_PERMS)
    request = type("Request", (), {"user": staff})()
    assert "status" in site._registry[KpjCard].get_readonly_fields(request, pending)
