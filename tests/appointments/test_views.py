import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import Appointment
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def tomorrow(days=1):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def person(branch):
    return ParticipantFactory(user=UserFactory(), branch=branch)


@pytest.fixture
def booked(person, service, branch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.appointment_request_create(
            participant=person,
            service_type=service,
            branch_choices=[branch],
            window_start=tomorrow(),
            window_end=tomorrow(3),
        )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ASSIGNED
    return appointment


def test_book_page_preselects_the_service_from_the_query(client, person, service):
    client.force_login(person.user)
    response = client.get(reverse("appointments:book") + f"?service={service.code}")
    assert response.status_code == 200
    assert response.context["form"]["service_type"].value() == service.code
    assert "no-store" in response["Cache-Control"]


def test_booking_redirects_to_the_assigned_slot(
    client, person, service, branch, django_capture_on_commit_callbacks
):
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("appointments:book"),
            {
                "service_type": service.code,
                "branch_choice_1": branch.pk,
                "window_start": tomorrow().isoformat(),
                "window_end": tomorrow(5).isoformat(),
            },
        )
    appointment = Appointment.objects.get(participant=person)
    assert response.status_code == 302
    assert response.url == reverse("appointments:detail", args=[appointment.pk])
    page = client.get(response.url)
    assert "Jadwal sudah ditentukan" in page.content.decode()
    assert branch.name in page.content.decode()


def test_booking_errors_name_the_field_in_both_languages(client, person, service, branch):
    client.force_login(person.user)
    data = {
        "service_type": service.code,
        "branch_choice_1": branch.pk,
        "window_start": timezone.localdate().isoformat(),
        "window_end": tomorrow().isoformat(),
    }
    response = client.post(reverse("appointments:book"), data)
    assert response.status_code == 200
    assert "Hari pertama paling cepat besok" in str(response.context["form"].errors["window_start"])
    client.cookies["django_language"] = "en"
    response = client.post(reverse("appointments:book"), data)
    assert "The first day must be tomorrow or later" in str(
        response.context["form"].errors["window_start"]
    )
    assert not Appointment.objects.exists()


def test_other_participants_appointments_are_not_found(client, booked, branch):
    stranger = ParticipantFactory(user=UserFactory(), branch=branch)
    client.force_login(stranger.user)
    pk = booked.pk
    for name in ("detail", "move", "ics", "cancel"):
        assert client.get(reverse(f"appointments:{name}", args=[pk])).status_code == 404
    for name in ("accept", "cancel"):
        assert client.post(reverse(f"appointments:{name}", args=[pk])).status_code == 404
    assert client.get(reverse("appointments:detail", args=[pk + 999])).status_code == 404
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.ASSIGNED


def test_staff_accounts_without_a_participant_get_404(client, booked):
    client.force_login(UserFactory(is_staff=True, branch=booked.branch))
    assert client.get(reverse("appointments:book")).status_code == 404
    assert client.get(reverse("appointments:detail", args=[booked.pk])).status_code == 404


def test_pages_need_login(client, booked):
    response = client.get(reverse("appointments:book"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_accept_move_and_cancel_through_the_pages(client, booked, person):
    client.force_login(person.user)
    client.post(reverse("appointments:accept", args=[booked.pk]))
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.ACCEPTED
    day = tomorrow(2)
    move_url = reverse("appointments:move", args=[booked.pk]) + f"?date={day.isoformat()}"
    page = client.get(move_url)
    slots = list(page.context["form"].slots)
    assert len(slots) == 2  # 09:00 and 09:30 at the one branch
    response = client.post(move_url, {"slot": slots[1]})
    assert response.status_code == 302
    booked.refresh_from_db()
    assert timezone.localtime(booked.scheduled_for) == datetime.datetime.combine(
        day, datetime.time(9, 30), tzinfo=timezone.get_current_timezone()
    )
    client.post(reverse("appointments:cancel", args=[booked.pk]))
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED
    assert booked.seat is None


def test_ics_download_describes_the_visit(client, booked, person, branch):
    client.force_login(person.user)
    response = client.get(reverse("appointments:ics", args=[booked.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    start = booked.scheduled_for.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}\r\n" in body
    end = (booked.scheduled_for + datetime.timedelta(minutes=30)).astimezone(datetime.UTC)
    assert f"DTEND:{end:%Y%m%dT%H%M%SZ}\r\n" in body
    assert f"UID:appointment-{booked.pk}@" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert "LOCATION:KCP Dekat\\, " in body


def test_list_and_detail_query_counts_are_constant(
    client, person, booked, service, branch, django_assert_num_queries
):
    client.force_login(person.user)
    client.get(reverse("appointments:list"))  # warms the site-wide maintenance-notice cache
    # session, user, participant, then one query for the appointments with their relations
    with django_assert_num_queries(4):
        client.get(reverse("appointments:list"))
    with django_assert_num_queries(4):
        client.get(reverse("appointments:detail", args=[booked.pk]))
    services.appointment_cancel(appointment=booked, actor=person.user)
    services.appointment_request_create(
        participant=person, service_type=service, branch_choices=[branch],
        window_start=tomorrow(), window_end=tomorrow(),
    )  # fmt: skip
    with django_assert_num_queries(4):
        client.get(reverse("appointments:list"))


def test_dashboard_card_shows_the_next_appointment(client, booked, person):
    client.force_login(person.user)
    body = client.get(reverse("dashboard")).content.decode()
    assert reverse("appointments:detail", args=[booked.pk]) in body
    assert reverse("appointments:book") in body


def test_after_booking_the_banner_says_the_slot_is_ready_not_that_we_are_looking(
    client, person, service, branch, django_capture_on_commit_callbacks
):
    """The scheduler found the slot before the page was shown: the banner says so."""
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("appointments:book"),
            {
                "service_type": service.code,
                "branch_choice_1": branch.pk,
                "window_start": tomorrow().isoformat(),
                "window_end": tomorrow(5).isoformat(),
            },
        )
    page = client.get(response.url).content.decode()
    assert "Permintaan Anda tersimpan." in page
    assert "Jadwal untuk Anda sudah siap" in page
    assert "mencarikan jadwal" not in page
    assert "Permintaan Anda tersimpan." not in client.get(response.url).content.decode()


def test_a_pending_request_says_we_are_looking(client, person, service, branch):
    client.force_login(person.user)
    response = client.post(
        reverse("appointments:book"),
        {
            "service_type": service.code,
            "branch_choice_1": branch.pk,
            "window_start": tomorrow().isoformat(),
            "window_end": tomorrow(5).isoformat(),
        },
    )  # the scheduler runs after commit, which this test never reaches
    page = client.get(response.url).content.decode()
    assert "Kami sedang mencarikan jadwal kosong paling awal" in page
    assert "Jadwal untuk Anda sudah siap" not in page


def test_cancelling_asks_for_confirmation_first(client, booked, person):
    client.force_login(person.user)
    cancel_url = reverse("appointments:cancel", args=[booked.pk])
    detail = client.get(reverse("appointments:detail", args=[booked.pk])).content.decode()
    assert f'action="{cancel_url}"' not in detail  # no one-tap cancel
    assert f'<a class="button danger" href="{cancel_url}">' in detail
    # The calendar link and the cancel button are apart: the cancel is in its own section.
    actions, rest = detail.split('class="card danger-zone"', 1)
    assert reverse("appointments:ics", args=[booked.pk]) in actions
    assert cancel_url not in actions

    confirm = client.get(cancel_url)
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Batalkan janji temu ini?" in body
    assert booked.branch.name in body
    assert f'<form method="post" action="{cancel_url}"' in body
    assert 'class="button danger"' in body
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.ASSIGNED  # looking cancels nothing

    response = client.post(cancel_url)
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.CANCELLED


def test_a_closed_appointment_offers_no_cancel_page(client, booked, person):
    client.force_login(person.user)
    services.appointment_cancel(appointment=booked, actor=person.user)
    response = client.get(reverse("appointments:cancel", args=[booked.pk]))
    assert response.status_code == 302
    assert response.url == reverse("appointments:detail", args=[booked.pk])


def test_booking_dropdowns_prompt_instead_of_dashes(client, person, service):
    client.force_login(person.user)
    page = client.get(reverse("appointments:book")).content.decode()
    assert "---------" not in page
    assert ">Pilih layanan</option>" in page
    assert ">Tanpa pilihan kedua</option>" in page
    client.cookies["django_language"] = "en"
    english = client.get(reverse("appointments:book")).content.decode()
    assert ">Choose a service</option>" in english
    assert "---------" not in english


def test_booking_without_a_service_names_the_field(client, person, branch):
    client.force_login(person.user)
    response = client.post(
        reverse("appointments:book"),
        {"branch_choice_1": branch.pk, "window_start": tomorrow().isoformat(),
         "window_end": tomorrow(2).isoformat()},
    )  # fmt: skip
    body = response.content.decode()
    assert "Layanan: pilih layanan yang Anda perlukan." in body
    assert 'href="#id_service_type"' in body


def test_moving_to_a_time_no_longer_free_says_so_at_the_top(client, booked, person):
    client.force_login(person.user)
    url = reverse("appointments:move", args=[booked.pk]) + f"?date={tomorrow(2).isoformat()}"
    response = client.post(url, {"slot": "not-a-slot"})
    body = response.content.decode()
    summary = body.split('class="error-summary', 1)[1].split("</div>", 1)[0]
    assert "Waktu itu sudah tidak kosong" in summary
    assert 'href="#id_slot"' in summary  # the radio group's own id
    assert 'id="id_slot_0"' in body
