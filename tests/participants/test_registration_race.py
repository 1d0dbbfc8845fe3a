import datetime
import re
import threading

import pytest
from django.core import mail
from django.db import connection

from access import services
from participants.models import Participant, User
from participants.services import ParticipantAlreadyRegistered
from tests.factories import KpjCardFactory, ParticipantFactory, make_nik

BIRTH = datetime.date(1988, 4, 20)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_for_one_nik_create_exactly_one_account():
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=7),
        full_name="Rina Marlina",
        birth_date=BIRTH,
        email="rina.hr@example.test",
    )
    KpjCardFactory(participant=participant, number="10000000077")
    attempts = 6
    codes = []
    for _ in range(attempts):  # six signups started, each with the code it was sent
        row = services.signup_code_send(
            nik=participant.nik, kpj_number="10000000077", birth_date=BIRTH
        )
        codes.append((row.pk, re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)))
    barrier = threading.Barrier(attempts)
    outcomes = []

    def register(index):
        try:
            barrier.wait(timeout=10)
            services.signup_complete(
                contact_code_id=codes[index][0],
                code=codes[index][1],
                email=f"rina{index}@example.test",
                password="Tanah-Lot-Sore-77",
            )
            outcomes.append("created")
        except ParticipantAlreadyRegistered:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["created"] + ["refused"] * (attempts - 1)
    assert User.objects.count() == 1
    assert Participant.objects.get(pk=participant.pk).user == User.objects.get()
