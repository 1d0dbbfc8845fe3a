import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from core.models import AuditEvent
from participants.models import Participant, User
from tests.factories import KpjCardFactory, ParticipantFactory, UserFactory, make_nik

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1988, 4, 20)
PASSWORD = "Tanah-Lot-Sore-77"


@pytest.fixture
def member():
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=4), full_name="Dedi Kurniawan", birth_date=BIRTH
    )
    KpjCardFactory(participant=participant, number="10000000044")
    return participant


def form_data(**overrides):
    data = {
        "nik": make_nik(birth_date=BIRTH, sequence=4),
        "kpj_number": "10000000044",
        "full_name": "Dedi Kurniawan",
        "birth_date": BIRTH.isoformat(),
        "email": "dedi@example.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return {**data, **overrides}


def signup(client, **overrides):
    client.cookies["django_language"] = "en"
    return client.post(reverse("account_signup"), form_data(**overrides))


def errors_of(response, field):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def test_matching_person_registers_and_must_verify_email(client, member):
    response = signup(client)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.user.email == "dedi@example.test"
    assert EmailAddress.objects.get(user=member.user).verified is False
    assert len(mail.outbox) == 1
    assert "dedi@example.test" in mail.outbox[0].to
    assert AuditEvent.objects.filter(participant=member, action="account_registered").exists()


def test_name_is_matched_regardless_of_case_and_spacing(client, member):
    response = signup(client, full_name="  DEDI   kurniawan ")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"nik": "3204102004880000"}, "nik", "nik_sequence"),
        ({"nik": "32041020048800"}, "nik", "nik_format"),
        ({"nik": make_nik(birth_date=BIRTH, sequence=99)}, "nik", "nik_unknown"),
        ({"kpj_number": "10000000099"}, "kpj_number", "kpj_unknown"),
        ({"kpj_number": "1234"}, "kpj_number", "kpj_format"),
        ({"birth_date": "1988-04-21"}, "birth_date", "birth_date_nik"),
        ({"full_name": "Dedi Kurnia"}, "full_name", "name_record"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", None),
    ],
)
def test_each_refusal_names_the_field_and_keeps_what_was_typed(
    client, member, overrides, field, code
):
    response = signup(client, **overrides)

    assert response.status_code == 200
    assert not User.objects.exists()
    errors = errors_of(response, field)
    assert errors, f"expected an error on {field}"
    if code:
        assert code in errors
    body = response.content.decode()
    typed = form_data(**overrides)
    for kept in ("nik", "kpj_number", "email"):
        assert f'value="{typed[kept]}"' in body
    assert PASSWORD not in body


def test_birth_date_differing_from_the_record_is_refused(client):
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=4),
        full_name="Dedi Kurniawan",
        birth_date=datetime.date(1888, 4, 20),  # NIK says 88 as well; the record is wrong
    )
    KpjCardFactory(participant=participant, number="10000000044")
    response = signup(client)
    assert "birth_date_record" in errors_of(response, "birth_date")


def test_second_registration_for_a_nik_is_refused_with_a_recovery_link(client, member):
    member.user = UserFactory(email="first@example.test")
    member.save(update_fields=["user"])

    response = signup(client, email="second@example.test")

    assert response.status_code == 200
    assert "nik_registered" in errors_of(response, "nik")
    body = response.content.decode()
    assert "An account for this NIK already exists" in body
    assert reverse("account_reset_password") in body
    assert User.objects.count() == 1


def test_errors_are_shown_in_bahasa_indonesia_whatever_the_browser_asks(client, member):
    response = client.post(
        reverse("account_signup"), form_data(kpj_number="10000000099"), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "Nomor KPJ ini bukan milik NIK ini" in body


def test_participant_model_refuses_a_second_row_for_a_nik(member):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(
            nik=member.nik,
            full_name="X",
            birth_date=BIRTH,
            gender="M",
            category="PPU",
            branch=member.branch,
        )
