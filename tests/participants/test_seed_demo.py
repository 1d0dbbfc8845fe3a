import pytest
from django.core.management import call_command

from core.models import Branch
from participants.ledger import ledger_balances_rebuild
from participants.models import Category, KpjCard, Participant, User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_covers_every_category(capsys):
    call_command("seed_demo")
    counts = (
        Branch.objects.count(),
        Participant.objects.count(),
        KpjCard.objects.count(),
        User.objects.count(),
    )
    assert ledger_balances_rebuild() == []  # postings and running balances agree
    call_command("seed_demo")
    assert counts == (
        Branch.objects.count(),
        Participant.objects.count(),
        KpjCard.objects.count(),
        User.objects.count(),
    )
    assert set(Participant.objects.values_list("category", flat=True)) == set(Category.values)
    assert User.objects.filter(is_superuser=True).count() == 1
    assert not User.objects.filter(is_staff=True, is_superuser=False, branch=None).exists()
    out = capsys.readouterr().out
    assert "admin@demo.jmo.example" in out
    assert "budi@demo.jmo.example" in out
    assert "seed_demo --totp-code" in out


def test_demo_staff_can_log_in_with_the_printed_totp_and_see_their_branch(client, capsys):
    call_command("seed_demo")
    login = client.post(
        "/accounts/login/",
        {"login": "staf.soreang@demo.jmo.example", "password": "jmo-demo-2026"},
    )
    assert login["Location"] == "/accounts/2fa/authenticate/"
    capsys.readouterr()
    call_command("seed_demo", "--totp-code")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    response = client.get("/admin/participants/participant/")
    assert response.status_code == 200
    names = {p.full_name for p in response.context["cl"].result_list}
    assert names == set(
        Participant.objects.filter(branch__code="soreang").values_list("full_name", flat=True)
    )
