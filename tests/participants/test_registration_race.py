import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from participants.models import Participant, User
from tests.factories import KpjCardFactory, ParticipantFactory, make_nik

BIRTH = datetime.date(1988, 4, 20)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_for_one_nik_create_exactly_one_account():
    participant = ParticipantFactory(
        nik=make_nik(birth_date=BIRTH, sequence=7), full_name="Rina Marlina", birth_date=BIRTH
    )
    KpjCardFactory(participant=participant, number="10000000077")
    attempts = 6
    barrier = threading.Barrier(attempts)
    statuses = []

    def register(index):
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                reverse("account_signup"),
                {
                    "nik": participant.nik,
                    "kpj_number": "10000000077",
                    "full_name": "Rina Marlina",
                    "birth_date": BIRTH.isoformat(),
                    "email": f"rina{index}@example.test",
                    "password1": "Tanah-Lot-Sore-77",
                    "password2": "Tanah-Lot-Sore-77",
                },
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200] * (attempts - 1) + [302]
    assert User.objects.count() == 1
    assert Participant.objects.get(pk=participant.pk).user == User.objects.get()
