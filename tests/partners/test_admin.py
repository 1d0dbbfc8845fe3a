import hashlib

import pytest
from django.urls import reverse

from core.models import AuditEvent
from partners.models import PartnerCredential
from tests.factories import EmployerFactory, StaffFactory, UserFactory

from .conftest import bearer, make_key

pytestmark = pytest.mark.django_db

ADD = "admin:partners_partnercredential_add"
CHANGELIST = "admin:partners_partnercredential_changelist"


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True, password=None)
    client.force_login(user)
    return user


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(client, superuser):
    employer = EmployerFactory()
    response = client.post(
        reverse(ADD),
        {
            "employer": employer.pk,
            "name": "Payroll",
            "scopes": ["members:read", "claims:read"],
            "expires_at_0": "2099-01-01",
            "expires_at_1": "00:00:00",
        },
    )
    assert response.status_code == 200, response.content
    key = response.context["key"]
    assert key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    credential = PartnerCredential.objects.get()
    assert credential.secret_hash == hashlib.sha256(key.encode()).hexdigest()
    assert credential.scopes == ["claims:read", "members:read"]
    assert credential.created_by == superuser
    assert AuditEvent.objects.filter(action="partner_credential_created").exists()
    page = client.get(reverse("admin:partners_partnercredential_change", args=[credential.pk]))
    assert key not in page.content.decode()
    assert client.get("/api/v1/employers/me/members", **bearer(key)).status_code == 200


def test_revoking_in_the_admin_locks_the_key_out(client, superuser):
    key = make_key(EmployerFactory())
    credential = PartnerCredential.objects.get()
    client.post(reverse(CHANGELIST), {"action": "revoke", "_selected_action": [credential.pk]})
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert client.get("/api/v1/employers/me/members", **bearer(key)).status_code == 401
    assert AuditEvent.objects.filter(action="partner_credential_revoked").count() == 1


def test_branch_staff_only_see_their_branchs_employers_keys(client):
    mine, theirs = EmployerFactory(), EmployerFactory()
    make_key(mine)
    make_key(theirs)
    perms = ["partners.view_partnercredential", "partners.add_partnercredential"]
    staff = StaffFactory(branch=mine.branch, password=None, perms=perms)
    client.force_login(staff)
    listed = client.get(reverse(CHANGELIST)).context["cl"].result_list
    assert [c.employer for c in listed] == [mine]
    form = client.get(reverse(ADD)).context["adminform"].form
    assert list(form.fields["employer"].queryset) == [mine]
