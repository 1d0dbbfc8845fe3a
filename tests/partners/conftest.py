import datetime
import importlib

import pytest
from django.utils import timezone

from partners.auth import partner_credential_create
from partners.models import PartnerScope
from tests.factories import EmployerFactory, KpjCardFactory

ALL_SCOPES = [scope.value for scope in PartnerScope]


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def make_key(employer, *, scopes=None, expires_in=datetime.timedelta(days=30)):
    _credential, key = partner_credential_create(
        employer=employer,
        name="Payroll",
        scopes=ALL_SCOPES if scopes is None else scopes,
        expires_at=timezone.now() + expires_in,
    )
    return key


@pytest.fixture
def employer_a():
    return EmployerFactory(name="PT Alfa")


@pytest.fixture
def employer_b():
    return EmployerFactory(name="PT Beta")


@pytest.fixture
def key_a(employer_a):
    return make_key(employer_a)


@pytest.fixture
def key_b(employer_b):
    return make_key(employer_b)


@pytest.fixture
def card_a(employer_a):
    return KpjCardFactory(
        number="11111111111", employer=employer_a, joined_on=datetime.date(2020, 1, 1)
    )


@pytest.fixture
def card_b(employer_b):
    return KpjCardFactory(
        number="22222222222", employer=employer_b, joined_on=datetime.date(2020, 1, 1)
    )


@pytest.fixture
def dated_rules(db):
    """The rule rows the seed migration writes: a transactional test's flush (truncate) of an
    earlier test may have removed them, so they are written again when missing."""
    from django.apps import apps

    from participants.models import ContributionRate, JkkRelief

    for model, module in [
        (ContributionRate, "participants.migrations.0003_seed_membership_rules"),
        (JkkRelief, "participants.migrations.0011_seed_jkk_relief"),
    ]:
        if not model.objects.exists():
            importlib.import_module(module).seed(apps, None)
