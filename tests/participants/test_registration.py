"""Signup proves possession of a contact on record, not knowledge of what is on the KTP."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from access.models import ContactCode
from core.models import AuditEvent
from participants.models import Participant, User
from tests.factories import KpjCardFactory, ParticipantFactory, UserFactory, make_nik

pytestmark = pytest.mark.django_db
_capture = None

BIRTH = datetime.date(1988, 4, 20)
PASSWORD = "Tanah-Lot-Sore-77"
ON_RECORD = "dedi.hr-report@example.test"


@pytest.fixture
def member():
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=4),
        full_name="Dedi Kurniawan",
        birth_date=BIRTH,
        email=ON_RECORD,
    )
    KpjCardFactory(participant=participant, number="10000000044")
    return participant


def start_data(**overrides):
    data = {
        "nik": make_nik(birth_date=BIRTH, sequence=4),
        "kpj_number": "10000000044",
        "birth_date": BIRTH.isoformat(),
    }
    return {**data, **overrides}


@pytest.fixture(autouse=True)
def _sends(django_capture_on_commit_callbacks):
    """The code is mailed after commit; each request's callbacks run as it ends."""
    global _capture
    _capture = django_capture_on_commit_callbacks


def post(client, url, data):
    with _capture(execute=True):
        return client.post(url, data)


def start(client, **overrides):
    client.cookies["django_language"] = "en"
    return post(client, reverse("account_signup"), start_data(**overrides))


def sent_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def finish(client, code, **overrides):
    data = {"code": code, "email": "dedi@example.test", "password1": PASSWORD,
            "password2": PASSWORD, **overrides}  # fmt: skip
    return post(client, reverse("access_signup_code"), data)


def errors_of(response, field):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def test_code_goes_to_the_contact_on_record_and_only_it_makes_the_account(client, member):
    response = start(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("access_signup_code")
    assert not User.objects.exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [ON_RECORD]
    response = finish(client, sent_code())

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.user.email == "dedi@example.test"
    # Another address than the one the code went to: allauth confirms it before login.
    assert EmailAddress.objects.get(user=member.user).verified is False
    assert mail.outbox[-1].to == ["dedi@example.test"]
    assert AuditEvent.objects.filter(participant=member, action="account_registered").exists()
    assert AuditEvent.objects.filter(participant=member, action="signup_possession_proved").exists()


def test_login_e_mail_that_received_the_code_is_verified_already(client, member):
    start(client)
    response = finish(client, sent_code(), email=ON_RECORD)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email=ON_RECORD).verified is True
    assert response["Location"] == reverse("dashboard")


def test_knowing_nik_kpj_name_and_birth_date_is_not_enough(client, member):
    start(client)
    for guess in ("000000", "123456", "999999"):
        response = finish(client, guess)
        assert response.status_code == 200
        assert "code_wrong" in errors_of(response, "code")
    assert not User.objects.exists()


def test_five_wrong_codes_spend_the_attempt_even_the_right_one_after(client, member):
    start(client)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        finish(client, wrong)
    response = finish(client, code)
    assert "code_wrong" in errors_of(response, "code")
    assert not User.objects.exists()


def test_a_code_expires(client, member, clock):
    clock.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    start(client)
    clock.shift(datetime.timedelta(minutes=16))
    response = finish(client, sent_code())
    assert "code_wrong" in errors_of(response, "code")


@pytest.mark.parametrize(
    "overrides",
    [
        {"nik": make_nik(birth_date=BIRTH, sequence=99)},  # unknown NIK
        {"kpj_number": "10000000099"},  # not this NIK's card
    ],
)
def test_known_and_unknown_identifiers_get_the_same_answer(client, member, overrides):
    known = start(client)
    known_page = client.get(known["Location"]).content.decode()
    other = type(client)()
    other.cookies["django_language"] = "en"
    unknown = post(other, reverse("account_signup"), start_data(**overrides))
    unknown_page = other.get(unknown["Location"]).content.decode()

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", unknown_page) == strip.sub("", known_page)
    assert len(mail.outbox) == 1  # the known one only


def test_a_birth_date_other_than_the_record_sends_nothing(client):
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=4),
        birth_date=datetime.date(1888, 4, 20),  # NIK says 88 as well; the record differs
        email=ON_RECORD,
    )
    KpjCardFactory(participant=participant, number="10000000044")
    assert start(client).status_code == 302
    assert mail.outbox == []
    assert ContactCode.objects.get().participant is None


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"nik": "3204102004880000"}, "nik", "nik_sequence"),
        ({"nik": "32041020048800"}, "nik", "nik_format"),
        ({"kpj_number": "1234"}, "kpj_number", "kpj_format"),
        ({"birth_date": "1988-04-21"}, "birth_date", "birth_date_nik"),
    ],
)
def test_typing_mistakes_name_the_field_and_keep_what_was_typed(
    client, member, overrides, field, code
):
    """These checks read only what was typed (the NIK holds the birth date), no record."""
    response = start(client, **overrides)

    assert response.status_code == 200
    assert code in errors_of(response, field)
    body = response.content.decode()
    typed = start_data(**overrides)
    for kept in ("nik", "kpj_number"):
        assert f'value="{typed[kept]}"' in body


def test_the_legal_name_is_never_asked_nor_confirmed(client, member):
    body = client.get(reverse("account_signup")).content.decode()
    assert 'name="full_name"' not in body


def test_password_rules_apply_at_the_code_step_and_keep_the_email(client, member):
    start(client)
    response = finish(client, sent_code(), password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert errors_of(response, "password1")
    assert 'value="dedi@example.test"' in response.content.decode()
    assert not User.objects.exists()


def test_no_contact_on_record_sends_nothing_and_the_page_points_to_the_branch(client):
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=4), birth_date=BIRTH, email="", phone=""
    )
    KpjCardFactory(participant=participant, number="10000000044")
    response = start(client)
    page = client.get(response["Location"]).content.decode()

    assert mail.outbox == []
    assert ContactCode.objects.get().participant is None
    assert "branch office with your KTP" in page
    assert reverse("access:recover_branch") in page


def test_existing_account_gets_guidance_at_its_own_contacts_not_on_the_page(client, member):
    member.user = UserFactory(email="first@example.test")
    member.save(update_fields=["user"])

    response = start(client)
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert "first@example.test" not in page
    assert "f***@example.test" not in page
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ON_RECORD, "first@example.test"])
    assert "f***@example.test" in mail.outbox[0].body
    assert "/access/recover/" in mail.outbox[0].body
    assert ContactCode.objects.get().participant is None  # no code can make a second account
    assert User.objects.count() == 1


def test_guidance_mails_are_limited_per_day(client, member):
    member.user = UserFactory(email="first@example.test")
    member.save(update_fields=["user"])
    for _ in range(4):
        start(client)
    assert len(mail.outbox) == 2 * 2  # two addresses, twice a day


def test_step_two_without_step_one_goes_back_to_the_start(client):
    response = client.get(reverse("access_signup_code"))
    assert response["Location"] == reverse("account_signup")


def test_errors_are_shown_in_bahasa_indonesia_whatever_the_browser_asks(client, member):
    response = client.post(
        reverse("account_signup"), start_data(kpj_number="1234"), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert "Nomor KPJ" in body


def test_signup_is_rate_limited_per_nik(client, member):
    statuses = [start(client).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


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


def test_a_phone_on_record_gets_the_code_by_sms_and_typing_it_verifies_that_phone(client):
    import sms

    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=4), birth_date=BIRTH, email="",
        phone="0812-3456-7890",
    )  # fmt: skip
    KpjCardFactory(participant=participant, number="10000000044")
    start(client)

    assert mail.outbox == []
    assert [message.to for message in sms.outbox] == ["+6281234567890"]
    code = re.search(r"\b(\d{6})\b", sms.outbox[0].text).group(1)
    assert finish(client, code).status_code == 302
    participant.refresh_from_db()
    assert participant.user.email == "dedi@example.test"
    assert participant.phone_verified_at is not None
