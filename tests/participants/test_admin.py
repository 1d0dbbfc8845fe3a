import pytest
from django.urls import reverse

from core.models import AuditEvent
from participants.models import Employer, KpjCard
from tests.factories import (
    BranchFactory,
    EmployerFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
VIEW = ["participants.view_participant", "participants.view_kpjcard"]


@pytest.fixture
def branches():
    return BranchFactory(code="soreang"), BranchFactory(code="majalaya")


def test_staff_without_model_permission_are_refused(client, branches):
    ParticipantFactory(branch=branches[0])
    client.force_login(StaffFactory(branch=branches[0]))
    response = client.get(reverse("admin:participants_participant_changelist"))
    assert response.status_code == 403


def test_branch_staff_list_is_scoped_and_masked(client, branches):
    soreang, majalaya = branches
    mine = ParticipantFactory(branch=soreang, full_name="Asep Sunandar")
    theirs = ParticipantFactory(branch=majalaya, full_name="Budi Santoso")
    client.force_login(StaffFactory(branch=soreang, perms=VIEW))

    response = client.get(reverse("admin:participants_participant_changelist"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Asep Sunandar" in body
    assert mine.masked_nik in body
    assert mine.nik not in body
    assert "Budi Santoso" not in body
    other = reverse("admin:participants_participant_change", args=[theirs.pk])
    assert client.get(other).status_code == 302  # "does not exist" redirect, nothing shown


def test_non_staff_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_admin_login_goes_through_the_portal_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_staff_without_branch_see_nobody(client, branches):
    ParticipantFactory(branch=branches[0])
    staff = StaffFactory(branch=branches[0], perms=VIEW)
    staff.branch = None
    staff.save(update_fields=["branch"])
    client.force_login(staff)
    response = client.get(reverse("admin:participants_participant_changelist"))
    assert response.context["cl"].result_count == 0


def test_flagging_an_employer_for_the_jkk_relief_is_audited_once(client, admin_user):
    """The change form shows the active cards (the "at least 50 workers" staff check); a
    change of the flag writes one audit row with that count, a save without it none."""
    employer = EmployerFactory()
    KpjCardFactory.create_batch(2, employer=employer)
    KpjCardFactory(employer=employer, status=KpjCard.Status.NON_ACTIVE)
    client.force_login(admin_user)
    url = reverse("admin:participants_employer_change", args=[employer.pk])
    assert '<div class="readonly">2</div>' in client.get(url).content.decode()
    form = {"registration_number": employer.registration_number, "name": employer.name,
            "jkk_risk_class": 2, "branch": employer.branch_id}  # fmt: skip

    assert client.post(url, {**form, "jkk_relief_eligible": "on"}).status_code == 302
    assert (
        client.post(url, {**form, "jkk_relief_eligible": "on", "name": "PT Baru"}).status_code
        == 302
    )

    employer.refresh_from_db()
    assert employer.jkk_relief_eligible is True
    assert employer.name == "PT Baru"
    event = AuditEvent.objects.get(action="employer_jkk_relief_set")
    assert event.actor == admin_user
    assert event.detail == {"employer": employer.registration_number, "eligible": True,
                            "active_cards": 2}  # fmt: skip
    assert client.post(url, form).status_code == 302
    assert not Employer.objects.get(pk=employer.pk).jkk_relief_eligible
    assert AuditEvent.objects.filter(action="employer_jkk_relief_set").count() == 2
