"""Staff correct a participant's identity only through data_updates.services.identity_correct:
read-only on the participant's admin page, checked, audited like a participant's change."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from data_updates.services import identity_correct
from participants.models import Participant
from participants.nik import FEMALE, MALE, mask_nik
from tests.factories import BranchFactory, ParticipantFactory, StaffFactory, make_nik

pytestmark = pytest.mark.django_db

BORN = datetime.date(1988, 4, 20)
NIK = make_nik(birth_date=BORN, sequence=7)
REASON = "KTP diperiksa di loket."
PERMISSIONS = ["view_participant", "change_participant", "view_auditevent"]


def staff_of(branch, permissions=PERMISSIONS):
    staff = StaffFactory(branch=branch, password=None)
    staff.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    return staff


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (their Indonesian is in locale/id)."""
    with translation.override("en"):
        yield


@pytest.fixture
def participant():
    return ParticipantFactory(full_name="Budi Santoso", nik=NIK, birth_date=BORN, gender=MALE)


@pytest.fixture
def staff(participant):
    return staff_of(participant.branch)


def history(participant):
    return list(
        AuditEvent.objects.filter(action="data_updated", participant=participant)
        .order_by("pk")
        .values_list("actor", "detail")
    )


def refused(call) -> dict:
    with pytest.raises(ValidationError) as refusal:
        call()
    return refusal.value.message_dict


# --- the service ---------------------------------------------------------------------------


def test_a_name_correction_is_applied_and_audited_like_a_participants_change(participant, staff):
    identity_correct(
        participant=participant, actor=staff, full_name="  Budi   Santosa ", reason=REASON
    )

    participant.refresh_from_db()
    assert participant.full_name == "Budi Santosa"
    assert history(participant) == [
        (
            staff.pk,
            {
                "request": None,
                "field": "full_name",
                "old": "Budi Santoso",
                "new": "Budi Santosa",
                "reason": REASON,
            },
        )
    ]


def test_a_nik_correction_is_audited_masked_and_brings_the_gender_the_nik_encodes(
    participant, staff
):
    """Digits 7-8 above 40 mark a woman: the record's gender follows the corrected NIK."""
    new_nik = make_nik(birth_date=BORN, gender=FEMALE, sequence=7)

    identity_correct(participant=participant, actor=staff, nik=new_nik, reason=REASON)

    participant.refresh_from_db()
    assert (participant.nik, participant.gender) == (new_nik, FEMALE)
    rows = {detail["field"]: detail for _, detail in history(participant)}
    assert (rows["nik"]["old"], rows["nik"]["new"]) == (mask_nik(NIK), mask_nik(new_nik))
    assert NIK not in str(rows)
    assert new_nik not in str(rows)
    assert (rows["gender"]["old"], rows["gender"]["new"]) == (MALE, FEMALE)


def test_a_birth_date_that_disagreed_with_the_nik_is_corrected_and_masked(staff):
    participant = ParticipantFactory(
        branch=staff.branch,
        nik=make_nik(birth_date=BORN, sequence=9),
        birth_date=datetime.date(1988, 4, 21),
    )

    identity_correct(participant=participant, actor=staff, birth_date=BORN, reason=REASON)

    participant.refresh_from_db()
    assert participant.birth_date == BORN
    [(_, detail)] = history(participant)
    assert (detail["field"], detail["old"], detail["new"]) == (
        "birth_date",
        "1988-04-**",
        "1988-04-**",
    )


def test_a_nik_and_birth_date_both_wrong_are_corrected_together(participant, staff):
    """Either alone would disagree with the other; together they agree."""
    born = datetime.date(1990, 7, 25)
    nik = make_nik(birth_date=born, sequence=3)

    assert "birth_date" in refused(
        lambda: identity_correct(
            participant=participant, actor=staff, birth_date=born, reason=REASON
        )
    )
    assert "nik" in refused(
        lambda: identity_correct(participant=participant, actor=staff, nik=nik, reason=REASON)
    )
    identity_correct(participant=participant, actor=staff, nik=nik, birth_date=born, reason=REASON)

    participant.refresh_from_db()
    assert (participant.nik, participant.birth_date) == (nik, born)
    assert [detail["field"] for _, detail in history(participant)] == ["nik", "birth_date"]


@pytest.mark.parametrize(
    ("nik", "says"),
    [
        ("32041020048", "exactly 16 digits"),
        ("9904102004880007", "province code"),
        ("3204102004880000", "cannot be 0000"),
    ],
)
def test_an_invalid_nik_is_refused_with_a_field_error(participant, staff, nik, says):
    errors = refused(
        lambda: identity_correct(participant=participant, actor=staff, nik=nik, reason=REASON)
    )

    assert list(errors) == ["nik"]
    assert says in errors["nik"][0]
    participant.refresh_from_db()
    assert participant.nik == NIK
    assert history(participant) == []


def test_a_nik_another_participant_holds_is_refused(participant, staff):
    other = ParticipantFactory(branch=participant.branch)

    errors = refused(
        lambda: identity_correct(participant=participant, actor=staff, nik=other.nik, reason=REASON)
    )

    assert "another participant already has this NIK" in errors["nik"][0]


def test_a_nik_whose_birth_date_disagrees_with_the_record_is_refused(participant, staff):
    nik = make_nik(birth_date=datetime.date(1988, 4, 21), sequence=7)

    errors = refused(
        lambda: identity_correct(participant=participant, actor=staff, nik=nik, reason=REASON)
    )

    assert errors == {
        "nik": [
            "NIK: the birth date in it does not match the birth date in the records. Check both on "
            "the KTP; if both are wrong, correct them together."
        ]
    }


def test_every_problem_is_named_at_once(participant, staff):
    errors = refused(
        lambda: identity_correct(
            participant=participant,
            actor=staff,
            full_name="budi  SANTOSO.",
            birth_date=datetime.date(2999, 1, 1),
            reason=" ",
        )
    )

    assert set(errors) == {"full_name", "birth_date", "reason"}
    assert errors["full_name"] == ["Full name: this is already what the records say."]


def test_a_correction_without_any_new_value_is_refused(participant, staff):
    errors = refused(lambda: identity_correct(participant=participant, actor=staff, reason=REASON))

    assert errors == {NON_FIELD_ERRORS: ["Nothing to correct: fill in at least one new value."]}


def test_a_name_with_digits_is_refused(participant, staff):
    errors = refused(
        lambda: identity_correct(
            participant=participant, actor=staff, full_name="Budi 2", reason=REASON
        )
    )
    assert list(errors) == ["full_name"]


@pytest.mark.parametrize(
    "actor",
    [
        pytest.param(lambda p: staff_of(BranchFactory()), id="staff of another branch"),
        pytest.param(
            lambda p: staff_of(p.branch, ["view_participant"]), id="without change permission"
        ),
        pytest.param(lambda p: staff_of(None), id="staff without a branch"),
    ],
)
def test_who_may_not_correct_is_refused_and_nothing_changes(participant, actor):
    with pytest.raises(PermissionDenied):
        identity_correct(
            participant=participant,
            actor=actor(participant),
            full_name="Budi Santosa",
            reason=REASON,
        )

    assert Participant.objects.get(pk=participant.pk).full_name == "Budi Santoso"
    assert history(participant) == []


def test_a_superuser_may_correct_any_branch(participant):
    superuser = StaffFactory(branch=None, is_superuser=True, password=None)

    identity_correct(
        participant=participant, actor=superuser, full_name="Budi Santosa", reason=REASON
    )

    assert Participant.objects.get(pk=participant.pk).full_name == "Budi Santosa"


# --- the admin -----------------------------------------------------------------------------


def change_url(participant):
    return reverse("admin:participants_participant_change", args=[participant.pk])


def correct_url(participant):
    return reverse("admin:participants_participant_correct_identity", args=[participant.pk])


@pytest.fixture
def staff_client(client, settings, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def change_form_data(response) -> dict:
    """What the change page would post back unchanged: its form and every inline's."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-{key}": value
                for key, value in formset.management_form.initial.items()
            }
        )
        for inline_form in formset.forms:
            data.update(
                {
                    inline_form.add_prefix(name): inline_form[name].value()
                    for name in inline_form.fields
                }
            )
    return {name: "" if value is None else value for name, value in data.items()}


def test_the_change_page_shows_identity_read_only_and_ignores_a_posted_change(
    staff_client, participant
):
    page = staff_client.get(change_url(participant))
    data = change_form_data(page)
    assert not {"nik", "full_name", "birth_date", "gender"} & set(data)
    assert correct_url(participant) in page.content.decode()

    posted = {
        **data,
        "nik": make_nik(birth_date=BORN, sequence=8),
        "full_name": "Siti",
        "birth_date": "1990-01-01",
        "gender": FEMALE,
        "phone": "081299999999",
    }
    response = staff_client.post(change_url(participant), posted)

    assert response.status_code == 302, response.context["adminform"].form.errors
    participant.refresh_from_db()
    assert participant.phone == "081299999999"  # the post was taken...
    identity = (participant.nik, participant.full_name, participant.birth_date, participant.gender)
    assert identity == (NIK, "Budi Santoso", BORN, MALE)  # ...but not its identity fields


def test_staff_correct_identity_from_the_admin_and_see_it_in_the_history(
    staff_client, participant, staff
):
    page = staff_client.get(correct_url(participant))
    assert page.status_code == 200
    assert NIK in page.content.decode()

    response = staff_client.post(
        correct_url(participant),
        {"full_name": "Budi Santosa", "nik": "", "birth_date": "", "reason": REASON},
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(participant)
    participant.refresh_from_db()
    assert participant.full_name == "Budi Santosa"
    body = staff_client.get(change_url(participant)).content.decode()
    assert "Identity corrected." in body
    assert REASON in body  # the change history row, with the reason
    assert AuditEvent.objects.filter(
        action="data_updated", participant=participant, actor=staff
    ).exists()


def test_the_admin_page_names_what_is_wrong_and_changes_nothing(staff_client, participant):
    response = staff_client.post(
        correct_url(participant), {"full_name": "", "nik": "1234", "birth_date": "", "reason": ""}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "A NIK has exactly 16 digits" in body
    assert "Reason: write why the record is corrected" in body
    participant.refresh_from_db()
    assert participant.nik == NIK


def test_the_admin_page_is_refused_to_other_branches_and_without_change_permission(
    client, participant
):
    url, correction = correct_url(participant), {"full_name": "Budi Santosa", "reason": REASON}

    client.force_login(staff_of(BranchFactory()))
    assert client.get(url).status_code == 404  # the same as a participant that does not exist
    assert client.post(url, correction).status_code == 404

    client.force_login(staff_of(participant.branch, ["view_participant"]))
    assert client.get(url).status_code == 403
    assert client.post(url, correction).status_code == 403
    assert Participant.objects.get(pk=participant.pk).full_name == "Budi Santoso"


def test_the_correction_page_speaks_indonesian(client, settings, participant, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"

    assert "Koreksi identitas" in client.get(change_url(participant)).content.decode()
    response = client.post(correct_url(participant), {"reason": REASON})

    assert "Tidak ada yang dikoreksi: isi paling sedikit satu nilai baru." in (
        response.content.decode()
    )
