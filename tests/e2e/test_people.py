"""People (issue 10): accessibility (axe-core), 200 % zoom, page weight, no JavaScript.

Every participant page, public and logged in, on the demo data `make run` shows. axe-core
runs inside Chromium on each page: no serious or critical violation is allowed. The weight
table is printed in the terminal summary (tests/e2e/conftest.py).
"""

import datetime
import importlib
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.management.commands.seed_demo import DEMO_PASSWORD
from news.models import Article, ArticleCategory
from participants.models import KpjCard
from tests.e2e import people

SEED_MIGRATIONS = [
    "appointments.migrations.0003_seed_service_types",
    "claims.migrations.0002_seed_rule_values",
    "complaints.migrations.0002_seed_sla_policies",
    "news.migrations.0002_seed_guides_and_faq",
    "participants.migrations.0003_seed_membership_rules",
    "participants.migrations.0011_seed_jkk_relief",
]
BUDI = "budi@demo.jmo.example"


@pytest.fixture
def demo(live_server):
    """The demo data of `make run`, plus the rows the data migrations seed (flushed between
    transactional tests) and one published article."""
    from django.apps import apps

    for name in SEED_MIGRATIONS:
        module = importlib.import_module(name)
        module.unseed(apps, None)
        module.seed(apps, None)
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    category, _ = ArticleCategory.objects.get_or_create(slug="info", defaults={"name": "Info"})
    article = Article.objects.create(
        slug="iuran-naik", category=category, title="Iuran BPU 2026",
        summary="Apa yang berubah untuk peserta BPU.", body="Paragraf satu.\n\nParagraf dua.",
        publish_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip
    card = KpjCard.objects.filter(participant__user__email=BUDI).first()
    return {"base": live_server.url, "article": article.slug, "card": card.pk}


def log_in(page: Page, base: str, email: str = BUDI):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def _check_pages(browser, base: str, pages, *, audience: str, storage_state=None):
    problems = []
    context = browser.new_context(storage_state=storage_state)
    context.set_default_timeout(10_000)
    for name, path in pages:
        page, served, raw, status, final = people.load_measured(context, base + path)
        people.WEIGHTS.append((audience, name, served, raw))
        if status != 200 or final != base + path:
            problems.append(f"{name}: answered {status} at {final}")
            page.close()
            continue
        if served >= people.BUDGET_BYTES:
            problems.append(f"{name}: {served:,} bytes served, budget {people.BUDGET_BYTES:,}")
        # axe and the zoom check read the page just measured: one load per page. A 1280 px
        # window at 200 % zoom lays the page out in 640 CSS px, as this viewport does.
        problems += [f"{name}: {line}" for line in people.axe_blocking(page)]
        page.set_viewport_size(people.ZOOM_VIEWPORT)
        overflow = people.horizontal_overflow(page)
        if overflow > 0:
            problems.append(f"{name}: {overflow} px sideways scrolling at 200 % zoom")
        page.close()
    context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_public_pages_accessible_light_and_readable_zoomed(demo, browser):
    _check_pages(browser, demo["base"], people.public_pages(demo["article"]), audience="public")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_participant_pages_accessible_light_and_readable_zoomed(demo, browser):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, demo["base"])
    # Bank account and MFA pages ask for the password again, as they would a participant.
    page.goto(f"{demo['base']}/accounts/reauthenticate/")
    page.locator("main input[type=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    state = context.storage_state()
    context.close()
    _check_pages(
        browser, demo["base"], people.participant_pages(demo["card"]),
        audience="participant", storage_state=state,
    )  # fmt: skip


@pytest.mark.e2e
def test_axe_reports_a_known_violation(page: Page):
    """The harness itself: a picture without a description is reported as critical."""
    page.set_content('<html lang="id"><title>t</title><body><main><img src="data:,"></main>')
    found = people.axe_blocking(page, count=False)
    assert any(line.startswith("image-alt (critical)") for line in found)


@pytest.mark.e2e
def test_the_zoom_check_sees_a_page_wider_than_the_zoomed_window(page: Page):
    """The harness itself: a row 700 px wide fits a 1280 px window, not one at 200 % zoom."""
    page.set_content('<html lang="id"><body style="margin:0"><div style="width:700px">x</div>')
    assert people.horizontal_overflow(page) == 0
    page.set_viewport_size(people.ZOOM_VIEWPORT)
    assert people.horizontal_overflow(page) == 60


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_main_forms_work_without_javascript(demo, browser):
    """Registration, login, eligibility check, claim, complaint, search and simulator submit
    with JavaScript off (a slow or old phone, a data-saving browser)."""
    base = demo["base"]
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()

    # Registration (Rina Marlina is in the demo data, not yet registered).
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label(re.compile("^NIK")).fill("3204114911960005")
    page.get_by_label(re.compile("^Nomor KPJ")).fill("10000000055")
    page.get_by_label("Tanggal lahir").fill("1996-11-09")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/code/$"))
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # to the e-mail on record
    page.get_by_label(re.compile("^Kode")).fill(code)
    page.get_by_label("Email", exact=True).fill("rina@example.test")
    page.get_by_label("Kata sandi", exact=True).fill("Sawah-Hijau-Ciparay-9")
    page.get_by_label("Kata sandi (ulangi)").fill("Sawah-Hijau-Ciparay-9")
    page.get_by_role("button", name="Buat akun saya").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # Public: search and the contribution simulator.
    page.goto(f"{base}/search/")
    page.get_by_role("searchbox").fill("saldo")
    page.get_by_role("searchbox").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=saldo"))
    expect(page.locator("main")).to_contain_text("Melihat saldo JHT")
    page.goto(f"{base}/simulations/contribution/")
    page.locator("select[name=category]").select_option("BPU")
    page.locator("input[name=on_date]").fill("2026-01-15")
    page.get_by_label("Upah bulanan atau penghasilan yang dilaporkan (Rp)").fill("3000000")
    page.get_by_role("button", name="Hitung").click()
    expect(page.locator("#result")).to_be_visible()

    # Logged in: eligibility check, then a complaint.
    log_in(page, base)
    page.goto(f"{base}/claims/check/")
    page.get_by_label("Apa yang ingin Anda klaim?").select_option("JHT:full:resignation")
    page.get_by_label("Tanggal kejadian").fill("2025-12-14")
    page.get_by_role("button", name="Cek").click()
    expect(page.locator(".eligibility")).to_be_visible()
    page.goto(f"{base}/complaints/new/claim_problem/form/")
    page.get_by_label("Judul").fill("Klaim belum diproses")
    page.get_by_label("Apa yang terjadi?").fill("Sudah dua minggu status klaim tidak berubah.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/complaints/[A-Z0-9-]+/$"))
    context.close()
