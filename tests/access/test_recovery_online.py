"""Online recovery when neither e-mail nor phone works: NIK, KPJ, birth date and the month that
KPJ card began. Rate-limited per NIK and per client address; three failures lock it."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from access import views
from access.models import AccessLock
from core.models import AuditEvent
from participants.models import User
from tests.factories import TEST_PASSWORD, make_nik

from .conftest import BIRTH, NEW_PASSWORD

pytestmark = pytest.mark.django_db


def answers(holder, **overrides):
    return {"nik": holder.nik, "kpj_number": "10000000210", "birth_date": BIRTH.isoformat(),
            "start_month": "2019-07", **overrides}  # fmt: skip


def recover(client, data, **extra):
    return client.post(reverse("access:recover_online"), data, **extra)


def set_login(client, email="asep.new@example.test", commit=None):
    data = {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    call = client.post if commit is None else (lambda *a: commit(client.post, *a))
    return call(reverse("access:new_login"), data)


def refusal_codes(response):
    return [error.code for error in response.context["form"].non_field_errors().as_data()]


def test_right_answers_let_the_member_set_a_new_login(client, holder):
    response = recover(client, answers(holder))
    assert response["Location"] == reverse("access:new_login")

    response = set_login(client)

    assert response.status_code == 302
    user = User.objects.get(pk=holder.user_id)
    assert user.email == "asep.new@example.test"
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(TEST_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified) == ("asep.new@example.test", False)
    # allauth sends the confirmation link to the new address before any login.
    assert mail.outbox[-1].to == ["asep.new@example.test"]
    assert "/accounts/confirm-email/" in mail.outbox[-1].body
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(participant=holder, action="login_recovered",
                                     detail={"via": "online"}).exists()  # fmt: skip


def test_the_first_contribution_month_counts_as_the_start_too(client, holder):
    from participants import ledger

    ledger.ledger_contribution_post(
        kpj_card=holder.kpj_cards.get(), month=datetime.date(2019, 8, 1), program="JHT",
        employer_amount=50_000, worker_amount=20_000, paid_on=datetime.date(2019, 9, 10),
    )  # fmt: skip
    assert recover(client, answers(holder, start_month="2019-08")).status_code == 302


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_month": "2019-06"},
        {"kpj_number": "10000000299"},
        {"nik": make_nik(birth_date=BIRTH, sequence=77)},
        {"birth_date": "1990-05-17", "nik": make_nik(birth_date=BIRTH, sequence=78)},
    ],
)
def test_every_wrong_answer_reads_the_same(client, holder, overrides):
    wrong = recover(client, answers(holder, **overrides))
    assert wrong.status_code == 200
    assert refusal_codes(wrong) == ["not_confirmed"]
    assert "access.recovery" not in client.session
    other = type(client)()
    baseline = recover(other, answers(holder, start_month="2018-01"))
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"')
    assert strip.sub("", wrong.content.decode()) == strip.sub("", baseline.content.decode())


def test_three_failures_lock_online_recovery_but_not_the_login(client, holder):
    for month in ("2019-01", "2019-02", "2019-03"):
        recover(client, answers(holder, start_month=month))
    lock = AccessLock.objects.get(participant=holder)
    assert (lock.kind, lock.source) == ("online_recovery", "failures")

    response = recover(client, answers(holder))  # now even the right answer
    assert refusal_codes(response) == ["not_confirmed"]
    assert User.objects.get(pk=holder.user_id).is_active is True
    login = type(client)().post(
        reverse("account_login"), {"login": "asep@example.test", "password": TEST_PASSWORD}
    )
    assert login.status_code == 302


def test_a_member_without_an_account_signs_up_rather_than_recovers(client, holder):
    holder.user = None
    holder.save(update_fields=["user"])
    assert refusal_codes(recover(client, answers(holder))) == ["not_confirmed"]


def test_attempts_are_limited_per_nik(client, holder):
    statuses = [
        recover(type(client)(), answers(holder, start_month="2020-01")).status_code
        for _ in range(6)
    ]
    assert statuses[-1] == 429


def test_limits_count_each_client_behind_the_trusted_proxy_apart(
    client, holder, settings, monkeypatch
):
    """Behind one proxy (NUM_PROXIES=1) every client has its own budget; nobody is locked out
    because someone else behind the same proxy guessed."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    monkeypatch.setitem(views.LIMITS, "recover-ip", (2, 3600))
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    guesser = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for sequence in (81, 82):
        recover(client, answers(holder, nik=make_nik(birth_date=BIRTH, sequence=sequence)),
                **guesser)  # fmt: skip
    assert recover(client, answers(holder), **guesser).status_code == 429

    neighbour = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert recover(type(client)(), answers(holder), **neighbour).status_code == 302


def test_without_a_trusted_proxy_a_forged_header_does_not_buy_new_tries(
    client, holder, settings, monkeypatch
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    monkeypatch.setitem(views.LIMITS, "recover-ip", (2, 3600))
    for index, sequence in enumerate((81, 82, 83)):
        response = recover(
            client,
            answers(holder, nik=make_nik(birth_date=BIRTH, sequence=sequence)),
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}",
        )
    assert response.status_code == 429


def test_the_new_login_page_needs_a_fresh_passed_check(client, holder, clock):
    assert client.get(reverse("access:new_login"))["Location"] == reverse("access:recover")
    recover(client, answers(holder))
    clock.shift(datetime.timedelta(minutes=21))
    assert set_login(client)["Location"] == reverse("access:recover")
    assert User.objects.get(pk=holder.user_id).email == "asep@example.test"


def test_an_address_of_another_account_is_refused_with_what_was_typed_kept(client, holder):
    from tests.factories import UserFactory

    UserFactory(email="taken@example.test")
    recover(client, answers(holder))
    response = set_login(client, email="taken@example.test")
    assert response.status_code == 200
    assert 'value="taken@example.test"' in response.content.decode()


def test_a_refused_recovery_costs_a_fixed_number_of_queries(client, holder):
    """Known member or nobody: a small, fixed number of queries per answer (no scans)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for nik in (holder.nik, make_nik(birth_date=BIRTH, sequence=90)):
        with CaptureQueriesContext(connection) as queries:
            response = recover(type(client)(), answers(holder, nik=nik, start_month="2018-01"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [6, 2]
