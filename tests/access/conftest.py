import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import (
    EmailAddressFactory,
    KpjCardFactory,
    ParticipantFactory,
    UserFactory,
    make_nik,
)

BIRTH = datetime.date(1990, 5, 17)
PASSWORD = "Kebun-Teh-Malabar-42"
NEW_PASSWORD = "Curug-Cimahi-Deras-8"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a request's after-commit work (the mails) as the request ends."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def holder(clock):
    """A member with an account since 2024, whose card began in July 2019."""
    clock.move_to(datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC))
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=21),
        birth_date=BIRTH,
        full_name="Asep Sunandar",
        email="asep.hr@example.test",
        phone="081234567890",
    )
    KpjCardFactory(participant=participant, number="10000000210",
                   joined_on=datetime.date(2019, 7, 15))  # fmt: skip
    clock.move_to(datetime.datetime(2024, 2, 1, 9, 0, tzinfo=datetime.UTC))
    participant.user = UserFactory(email="asep@example.test")
    EmailAddressFactory(user=participant.user)
    participant.phone_verified_at = timezone.now()  # proved by SMS since
    participant.save(update_fields=["user", "phone_verified_at"])
    clock.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC))
    return participant


def last_code(pattern=r"\b(\d{6})\b") -> str:
    return re.search(pattern, mail.outbox[-1].body).group(1)
