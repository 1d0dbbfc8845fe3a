import pytest
from django.core import mail
from django.urls import reverse

from complaints import services
from complaints.models import SelfHelpOffer, Ticket
from core.models import AuditEvent
from tests.factories import ParticipantFactory, StaffFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_self_help_is_offered_first_and_the_answer_recorded(client, participant):
    client.force_login(participant.user)
    page = client.get(reverse("complaints:self_help", args=["balance_missing"]))
    body = page.content.decode()
    assert reverse("news:guide_detail", args=["link-kpj"]) in body
    assert SelfHelpOffer.objects.count() == 0  # showing is not answering

    solved = client.post(
        reverse("complaints:self_help", args=["balance_missing"]), {"solved": "yes"}
    )
    assert solved.status_code == 200
    still = client.post(reverse("complaints:self_help", args=["balance_missing"]), {"solved": "no"})
    assert still.url == reverse("complaints:create", args=["balance_missing"])

    # One answer per session and problem: the changed mind replaced the first answer.
    offers = SelfHelpOffer.objects.order_by("at", "pk")
    assert [(o.category, o.solved, o.participant_id) for o in offers] == [
        ("balance_missing", False, participant.pk),
    ]
    assert not Ticket.objects.exists()


def test_thirty_solved_posts_from_one_visitor_count_once(client):
    url = reverse("complaints:self_help", args=["cannot_log_in"])
    for _ in range(30):
        assert client.post(url, {"solved": "yes"}).status_code == 200
    offers = SelfHelpOffer.objects.all()
    assert [(o.category, o.solved, o.participant_id) for o in offers] == [
        ("cannot_log_in", True, None)
    ]
    # Another problem in the same session is its own answer.
    client.post(reverse("complaints:self_help", args=["duplicate_account"]), {"solved": "yes"})
    assert SelfHelpOffer.objects.count() == 2


def test_a_script_dropping_its_cookie_is_stopped_by_the_per_address_limit(settings):
    from django.test import Client

    settings.COMPLAINTS_SELF_HELP_ANSWERS_PER_HOUR = 5
    url = reverse("complaints:self_help", args=["cannot_log_in"])
    for _ in range(30):
        # A fresh client each time: no session cookie, the same address.
        assert Client().post(url, {"solved": "yes"}).status_code == 200
    assert SelfHelpOffer.objects.count() == 5
    # Another address is counted apart.
    Client(REMOTE_ADDR="198.51.100.7").post(url, {"solved": "yes"})
    assert SelfHelpOffer.objects.count() == 6


def test_participant_files_a_complaint_with_number_deadlines_and_audit(client, participant):
    client.force_login(participant.user)
    response = client.post(
        reverse("complaints:create", args=["balance_missing"]),
        {"subject": "Saldo KPJ kedua tidak muncul", "body": "Sudah sebulan saldo tidak muncul."},
    )
    ticket = Ticket.objects.get()
    assert response.url == reverse("complaints:detail", args=[ticket.number])
    assert ticket.number.startswith("PGD-")
    assert len(ticket.number) == 12
    assert ticket.branch == participant.branch
    assert ticket.status == Ticket.Status.OPEN
    # balance_missing: first answer within 24 h, resolution within 120 h (seeded SLA)
    assert (ticket.first_response_due - ticket.created_at).total_seconds() == pytest.approx(
        24 * 3600, abs=5
    )
    assert (ticket.resolution_due - ticket.created_at).total_seconds() == pytest.approx(
        120 * 3600, abs=5
    )
    assert ticket.messages.get().body == "Sudah sebulan saldo tidak muncul."
    assert AuditEvent.objects.filter(action="complaint_filed", participant=participant).exists()


def test_complaint_form_errors_name_the_field(client, participant):
    client.cookies["django_language"] = "en"
    client.force_login(participant.user)
    response = client.post(
        reverse("complaints:create", args=["other"]), {"subject": "", "body": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "subject": ["Write a short subject for your complaint."],
        "body": ["Describe the problem so staff can help you."],
    }


def test_tickets_are_visible_to_their_owner_only(client, participant):
    mine = TicketFactory(participant=participant)
    theirs = TicketFactory(participant=ParticipantFactory(branch=participant.branch))
    client.force_login(participant.user)

    listing = client.get(reverse("complaints:list")).content.decode()
    assert mine.number in listing
    assert theirs.number not in listing
    assert client.get(reverse("complaints:detail", args=[mine.number])).status_code == 200
    foreign = client.get(reverse("complaints:detail", args=[theirs.number]))
    missing = client.get(reverse("complaints:detail", args=["PGD-NOPE0000"]))
    assert foreign.status_code == missing.status_code == 404
    replied = client.post(
        reverse("complaints:detail", args=[theirs.number]), {"action": "reply", "body": "x"}
    )
    assert replied.status_code == 404
    assert theirs.messages.count() == 0


def test_visitors_must_log_in_for_other_categories(client):
    response = client.get(reverse("complaints:create", args=["claim_problem"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert client.get(reverse("complaints:create", args=["no_such"])).status_code == 404


def test_staff_reply_emails_the_participant_once(participant, django_capture_on_commit_callbacks):
    ticket = TicketFactory(participant=participant)
    staff = StaffFactory(branch=participant.branch)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.ticket_reply(
            ticket=ticket, body="Kartu kedua sudah kami hubungkan.", author=staff, from_staff=True
        )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ANSWERED
    assert ticket.first_responded_at is not None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["budi@example.test"]
    assert ticket.number in email.subject
    assert "Kartu kedua sudah kami hubungkan." in email.body
    assert reverse("complaints:detail", args=[ticket.number]) in email.body
    assert participant.nik not in email.body

    # The task runs again (a retry, a duplicate delivery): no second e-mail.
    from complaints.tasks import ticket_reply_email_task

    assert ticket_reply_email_task.delay(message.pk).get() is False
    assert len(mail.outbox) == 1


def test_participant_reply_reopens_and_resolved_tickets_take_no_messages(participant):
    ticket = TicketFactory(participant=participant, status=Ticket.Status.ANSWERED)
    services.ticket_reply(
        ticket=ticket, body="Masih belum.", author=participant.user, from_staff=False
    )
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    services.ticket_resolve(ticket=ticket, actor=StaffFactory(branch=participant.branch))
    with pytest.raises(services.TicketError):
        services.ticket_reply(ticket=ticket, body="Lagi", author=participant.user, from_staff=False)
    with pytest.raises(services.TicketError):
        services.ticket_resolve(ticket=ticket, actor=None)


def test_rating_only_after_resolution_and_only_once(client, participant):
    ticket = TicketFactory(participant=participant)
    client.force_login(participant.user)
    url = reverse("complaints:detail", args=[ticket.number])

    client.post(url, {"action": "rate", "rating": "5"})
    ticket.refresh_from_db()
    assert ticket.rating is None  # not resolved yet: refused with a message

    services.ticket_resolve(ticket=ticket, actor=StaffFactory(branch=participant.branch))
    page = client.get(url).content.decode()
    assert 'name="rating"' in page
    client.post(url, {"action": "rate", "rating": "4", "comment": "Cepat dibantu"})
    client.post(url, {"action": "rate", "rating": "1"})
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "Cepat dibantu")
    assert AuditEvent.objects.filter(action="complaint_rated").count() == 1


def test_assignment_stays_within_the_branch(participant):
    ticket = TicketFactory(participant=participant)
    colleague = StaffFactory(branch=participant.branch)
    stranger = StaffFactory()
    services.ticket_assign(ticket=ticket, assignee=colleague, actor=colleague)
    with pytest.raises(services.TicketError):
        services.ticket_assign(ticket=ticket, assignee=stranger, actor=colleague)
    with pytest.raises(services.TicketError):
        services.ticket_assign(ticket=ticket, assignee=UserFactory(), actor=colleague)
    ticket.refresh_from_db()
    assert ticket.assigned_to == colleague


def test_detail_and_list_query_counts_are_constant(client, participant, django_assert_num_queries):
    ticket = TicketFactory(participant=participant)
    client.force_login(participant.user)
    client.get(reverse("complaints:list"))  # warm the maintenance cache
    for _ in range(5):
        TicketFactory(participant=participant)
        services.ticket_reply(ticket=ticket, body="lagi", author=participant.user, from_staff=False)
    # session, user, participant, tickets / ticket, messages, their attachments
    with django_assert_num_queries(4):
        client.get(reverse("complaints:list"))
    with django_assert_num_queries(6):
        client.get(reverse("complaints:detail", args=[ticket.number]))
