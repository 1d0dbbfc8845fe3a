"""The dashboard and cek saldo from the page cache (participants/page_cache.py): after every
kind of write that changes what they show, the cached page equals a fresh render.

Each case first views both pages (caching them), commits one write, then compares each page
with the same page rendered with the cache off, and checks that the write changed at least
one of them (a write that changes nothing would prove nothing).
"""

import datetime

import pytest
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override as language

from appointments import services as appointments
from appointments.models import Appointment, ServiceType
from complaints import services as complaints
from data_updates.services import identity_correct
from participants import ledger, page_cache, services
from participants.models import ContributionPosting, Employer, JhtBalance, KpjBalance, Program
from partners import contribution_reports as reports
from tests.appointments.conftest import open_branch
from tests.factories import (
    ClaimFactory,
    EmployerFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
    make_nik,
)

PAGES = ("dashboard", "balance")
MONTH = datetime.date(2025, 1, 1)
PAID = datetime.date(2025, 2, 10)


def main(client, name: str) -> str:
    """The page from <main> on: the header's CSRF token differs on every response."""
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    return body[body.index("<main") :]


@pytest.fixture
def world(db, client):
    user = UserFactory()
    participant = ParticipantFactory(user=user, full_name="Siti Rahayu")
    card = KpjCardFactory(participant=participant, number="31111111111")
    ledger.ledger_contribution_post(
        kpj_card=card, month=MONTH, program=Program.JHT, employer_amount=185_000,
        worker_amount=100_000, paid_on=PAID,
    )  # fmt: skip
    client.force_login(user)
    return {"user": user, "participant": participant, "card": card, "client": client}


@pytest.fixture
def follows(world, django_capture_on_commit_callbacks):
    def check(write):
        client = world["client"]
        before = {name: main(client, name) for name in PAGES}
        with django_capture_on_commit_callbacks(execute=True):
            write()
        changed = False
        for name in PAGES:
            cached = main(client, name)
            with override_settings(PAGE_CACHE_SECONDS=0):
                fresh = main(client, name)
            assert cached == fresh, f"{name} is stale after the write"
            changed |= fresh != before[name]
        assert changed, "the write changed neither page, so this case proves nothing"

    return check


# --- the ledger and balances ---------------------------------------------------------------


def test_a_contribution(world, follows):
    follows(lambda: ledger.ledger_contribution_post(
        kpj_card=world["card"], month=MONTH.replace(month=2), program=Program.JHT,
        employer_amount=185_000, worker_amount=100_000, paid_on=PAID,
    ))  # fmt: skip


def test_a_reversal(world, follows):
    posting = ContributionPosting.objects.get(kpj_card=world["card"])
    follows(lambda: ledger.ledger_posting_reverse(
        posting=posting, actor=None, reason="salah bulan", on=PAID
    ))  # fmt: skip


def test_a_paid_jht_claim(world, follows):
    claim = ClaimFactory(participant=world["participant"])
    follows(lambda: ledger.ledger_withdrawal_post(
        participant_id=world["participant"].pk, amount=100_000, claim_id=claim.pk, paid_on=PAID
    ))  # fmt: skip


def test_yearly_returns(world, follows):
    from decimal import Decimal

    follows(lambda: ledger.ledger_returns_credit_card(
        kpj_card_id=world["card"].pk, year=2025, rate=Decimal("0.0525")
    ))  # fmt: skip


def test_a_card_found_and_linked(world, follows):
    found = KpjCardFactory(number="32222222222")
    ledger.ledger_contribution_post(
        kpj_card=found, month=MONTH, program=Program.JHT, employer_amount=370_000,
        worker_amount=200_000, paid_on=PAID,
    )  # fmt: skip
    follows(lambda: services.kpj_card_link(
        participant=world["participant"], kpj_card=found, actor=world["user"]
    ))  # fmt: skip


def test_a_leaver_reported(world, follows):
    follows(lambda: services.kpj_card_report_leaver(
        kpj_card=world["card"], left_on=PAID, actor=None
    ))  # fmt: skip


def test_leavers_reported_in_bulk(world, follows):
    card = world["card"]
    follows(lambda: services.kpj_cards_report_leavers(
        employer=card.employer,
        leavers=[services.LeaverReport(kpj=card.number, left_on=PAID, reason="resigned")],
    ))  # fmt: skip


def test_a_new_card_from_another_employer(world, follows):
    participant = world["participant"]
    member = services.NewMember(
        nik=participant.nik, full_name=participant.full_name, birth_date=participant.birth_date,
        gender=participant.gender, category=participant.category, joined_on=PAID,
    )  # fmt: skip
    # A known member's new card waits for them and shows nowhere until they confirm it.
    [card] = services.members_register_for_employer(
        employer=EmployerFactory(name="PT Baru"), members=[member]
    )
    follows(lambda: services.kpj_card_link_decide(
        kpj_card=card, actor=participant.user, confirm=True
    ))  # fmt: skip


def test_an_enrolment(world, follows):
    follows(lambda: services.enrolment_start(
        kpj_card=world["card"], programs=[Program.JKP], started_on=PAID
    ))  # fmt: skip


def test_an_employers_contribution_report(world, follows):
    card = world["card"]
    rows = reports.report_rows_parse(
        {"rows": [{"kpj": card.number, "month": "2025-03", "wage": 5_000_000}]},
        today=timezone.localdate(),
    )

    def report():
        report = reports.contribution_report_create(
            employer=card.employer, rows=rows, credential=None, language="id", deferred=False
        )
        reports.contribution_report_process_now(report=report, rows=rows)

    follows(report)


def test_balances_rebuilt_from_the_ledger(world, follows):
    # Running totals that drifted without anyone noticing (written past the services).
    KpjBalance.objects.filter(kpj_card=world["card"]).update(balance=1)
    JhtBalance.objects.filter(participant=world["participant"]).update(balance=1)
    follows(lambda: ledger.ledger_balances_rebuild(fix=True))


def test_an_employer_renamed(world, follows):
    def rename():
        employer = Employer.objects.get(pk=world["card"].employer_id)
        employer.name = "PT Nama Baru"
        employer.save()

    follows(rename)


# --- the participant, complaints and appointments -------------------------------------------


def test_the_participants_name_corrected(world, follows):
    def correct():
        participant = world["participant"]
        participant.full_name = "Siti Rahayu Lestari"
        participant.save(update_fields=["full_name", "updated_at"])

    follows(correct)


def test_the_participants_identity_corrected_by_staff(world, follows):
    """Staff corrections go through data_updates' service; its save reaches the pages."""
    participant = world["participant"]
    staff = StaffFactory(branch=participant.branch, is_superuser=True, password=None)

    follows(
        lambda: identity_correct(
            participant=participant, actor=staff, full_name="Siti Rahayu Lestari", reason="KTP"
        )
    )


def test_the_branch_renamed(world, follows):
    def rename():
        branch = world["participant"].branch
        branch.name = "KCP Soreang Baru"
        branch.save()

    follows(rename)


def test_a_complaint_filed_and_resolved(world, follows):
    made = {}

    def file():
        made["ticket"] = complaints.ticket_create(
            participant=world["participant"], category="balance_missing",
            subject="Saldo belum masuk", body="Iuran Maret belum tercatat.",
        )  # fmt: skip

    follows(file)
    follows(lambda: complaints.ticket_resolve(ticket=made["ticket"], actor=StaffFactory()))


@pytest.fixture
def service(db):
    return ServiceType.objects.get(code="jht_verification")  # seeded by a data migration


def test_an_appointment_requested_placed_and_visited(world, follows, service):
    participant = world["participant"]
    branch = open_branch(participant.branch, service)
    today = timezone.localdate()
    made = {}

    def request():  # the scheduler runs on commit (eager here) and places it
        made["visit"] = appointments.appointment_request_create(
            participant=participant, service_type=service, branch_choices=[branch],
            window_start=today + datetime.timedelta(days=2),
            window_end=today + datetime.timedelta(days=9),
        )  # fmt: skip

    follows(request)
    visit = Appointment.objects.get(pk=made["visit"].pk)
    assert visit.status == Appointment.Status.ASSIGNED
    follows(lambda: appointments.appointment_record_visit(
        appointment=visit, action="check_in", actor=StaffFactory(branch=branch),
        now=visit.scheduled_for,  # arrival is reported on the visit's day only
    ))  # fmt: skip


def test_an_appointment_cancelled(world, follows, service):
    participant = world["participant"]
    branch = open_branch(participant.branch, service)
    today = timezone.localdate()
    visit = appointments.appointment_request_create(
        participant=participant, service_type=service, branch_choices=[branch],
        window_start=today + datetime.timedelta(days=2),
        window_end=today + datetime.timedelta(days=9),
    )  # fmt: skip
    follows(lambda: appointments.appointment_cancel(appointment=visit, actor=world["user"]))


def test_a_service_renamed(world, follows, service):
    participant = world["participant"]
    branch = open_branch(participant.branch, service)
    today = timezone.localdate()
    appointments.appointment_request_create(
        participant=participant, service_type=service, branch_choices=[branch],
        window_start=today + datetime.timedelta(days=2),
        window_end=today + datetime.timedelta(days=9),
    )  # fmt: skip

    def rename():
        service.name_id = "Kunjungan Verifikasi"
        service.save()

    follows(rename)


# --- the cache itself ----------------------------------------------------------------------


def test_a_cached_page_costs_session_and_user_only(world, django_assert_num_queries):
    client = world["client"]
    client.get(reverse("home"))  # warms the maintenance-notice cache
    first = main(client, "balance")
    with django_assert_num_queries(2):
        assert main(client, "balance") == first


def test_each_user_and_language_has_its_own_fragment(world):
    other = UserFactory()
    ParticipantFactory(user=other, full_name="Budi Santoso", nik=make_nik(
        birth_date=datetime.date(1990, 1, 1), sequence=77
    ))  # fmt: skip
    seen = []
    for user in (world["user"], other):
        for code in ("id", "en"):
            with language(code):
                seen.append(page_cache.page_fragment(
                    user=user, name="x", render=lambda u=user, c=code: f"{u.pk}-{c}"
                ))  # fmt: skip
    assert seen == [f"{u.pk}-{c}" for u in (world["user"], other) for c in ("id", "en")]


def test_a_view_racing_a_write_never_serves_what_it_read_before_the_commit(
    world, django_capture_on_commit_callbacks
):
    user, participant = world["user"], world["participant"]

    def render_while_a_write_commits():
        # The view has read its version; a write commits while it renders the old data.
        with django_capture_on_commit_callbacks(execute=True):
            page_cache.participant_pages_changed([participant.pk])
        return "read before the write"

    assert page_cache.page_fragment(user=user, name="x", render=render_while_a_write_commits)
    assert page_cache.page_fragment(user=user, name="x", render=lambda: "fresh") == "fresh"


def test_nothing_is_stored_when_the_page_fails(world):
    def missing():
        raise Http404

    with pytest.raises(Http404):
        page_cache.page_fragment(user=world["user"], name="x", render=missing)
    assert page_cache.page_fragment(user=world["user"], name="x", render=lambda: "ok") == "ok"


def test_a_rolled_back_write_changes_nothing_and_loses_nothing(world, client):
    from django.db import transaction

    first = main(client, "dashboard")

    class Abandon(Exception):
        pass

    @transaction.atomic
    def rename_then_fail():
        participant = world["participant"]
        participant.full_name = "Nama Yang Dibatalkan"
        participant.save(update_fields=["full_name"])
        raise Abandon

    with pytest.raises(Abandon):
        rename_then_fail()
    assert main(client, "dashboard") == first


@override_settings(PAGE_CACHE_SECONDS=0)
def test_off_renders_every_time(world):
    answers = iter(["one", "two"])
    user = world["user"]
    assert page_cache.page_fragment(user=user, name="x", render=lambda: next(answers)) == "one"
    assert page_cache.page_fragment(user=user, name="x", render=lambda: next(answers)) == "two"


def test_another_release_never_serves_this_ones_fragments(tmp_path, settings):
    template = tmp_path / "page.html"
    template.write_text("<p>old</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    settings.BASE_DIR = tmp_path.parent
    page_cache.release.cache_clear()
    try:
        old = page_cache.release()
        template.write_text("<p>new</p>")
        page_cache.release.cache_clear()
        assert page_cache.release() != old
    finally:
        page_cache.release.cache_clear()


def test_a_thousand_page_numbers_add_a_bounded_number_of_keys(world, settings):
    """Every ?page= is answered, but only the first PAGE_CACHE_MAX_PAGES are stored: walking
    1,000 page numbers cannot fill the shared cache (it holds the broker and rate limits)."""
    from django.core.cache import cache

    stored = []
    real_set = cache.set

    def counting_set(key, *args, **kwargs):
        stored.append(key)
        return real_set(key, *args, **kwargs)

    client = world["client"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "set", counting_set)
        for page in range(-10, 990):
            response = client.get(reverse("balance"), {"page": page})
            assert response.status_code == 200
    fragments = {key for key in stored if key.startswith("pages:") and ":balance:" in key}
    assert 0 < len(fragments) <= settings.PAGE_CACHE_MAX_PAGES
    # A page past the end is still the last page, rendered afresh and equal to a cached render.
    assert main(client, "balance") == main(client, "balance")
