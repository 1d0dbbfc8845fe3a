"""The takeover of issue 17: a partner key creates a card for a member who has no account, then
someone signs up with their own e-mail and phone. No account may get that member's data."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from access.models import ContactCode
from participants.models import KpjCard, User
from partners.auth import partner_credential_create
from partners.models import PartnerScope
from tests.factories import EmployerFactory, KpjCardFactory, ParticipantFactory, make_nik

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1985, 2, 3)
ATTACKER = "attacker@example.test"


@pytest.fixture
def victim():
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=31),
        birth_date=BIRTH,
        full_name="Siti Aminah",
        email="siti@example.test",
        phone="081300000031",
    )
    KpjCardFactory(participant=participant, number="10000000310")
    return participant


def partner_creates_card(client, victim) -> str:
    _credential, key = partner_credential_create(
        employer=EmployerFactory(name="PT Penyerang"),
        name="Payroll",
        scopes=[scope.value for scope in PartnerScope],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    response = client.post(
        "/api/v1/employers/me/new-members",
        data={
            "members": [
                {
                    "nik": victim.nik,
                    "full_name": victim.full_name,  # all printed on the KTP
                    "birth_date": BIRTH.isoformat(),
                    "joined_on": "2026-01-05",
                    "email": ATTACKER,
                    "phone": "089999999999",
                }
            ]
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY="takeover-1",
    )
    assert response.status_code == 201, response.content
    return response.json()["members"][0]["kpj"]


def test_partner_card_plus_own_contacts_does_not_open_the_members_account(client, victim, commit):
    kpj = partner_creates_card(client, victim)
    assert KpjCard.objects.get(number=kpj).participant == victim
    victim.refresh_from_db()
    assert (victim.email, victim.phone) == ("siti@example.test", "081300000031")

    # The attacker signs up with the partner's card: it is pending (the member has not
    # confirmed it, issue 18), so it identifies nobody and no code goes anywhere.
    response = commit(
        client.post,
        reverse("account_signup"),
        {"nik": victim.nik, "kpj_number": kpj, "birth_date": BIRTH.isoformat()},
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == []
    row = ContactCode.objects.get()
    # Every code but the one in the member's mailbox is refused.
    for guess in ("000000", "123456", "654321", "111111", "999999"):
        page = commit(
            client.post,
            reverse("access_signup_code"),
            {
                "code": guess,
                "email": ATTACKER,
                "password1": "Tanah-Lot-Sore-77",
                "password2": "Tanah-Lot-Sore-77",
            },  # fmt: skip
        )
        assert page.status_code == 200
    row.refresh_from_db()
    assert row.used_at is None
    assert not User.objects.exists()
    victim.refresh_from_db()
    assert victim.user_id is None


def test_partner_card_cannot_answer_online_recovery_either(client, victim, commit):
    """Online recovery asks about a card held before the account existed: never the new one."""
    from participants.models import User as UserModel

    victim.user = UserModel.objects.create_user("siti.login@example.test", "x-Long-Pass-1")
    victim.save(update_fields=["user"])
    kpj = partner_creates_card(client, victim)
    response = client.post(
        reverse("access:recover_online"),
        {
            "nik": victim.nik,
            "kpj_number": kpj,
            "birth_date": BIRTH.isoformat(),
            "start_month": "2026-01",
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "not_confirmed" in [
        e.code for e in response.context["form"].non_field_errors().as_data()
    ]
    assert "access.recovery" not in client.session
