"""People (issue 10): accessibility (axe-core), 200 % zoom, page weight, no JavaScript.

Every participant page, public and logged in, on the demo data `make run` shows. axe-core
runs inside Chromium on each page: no serious or critical violation is allowed. The weight
table is printed in the terminal summary (tests/e2e/conftest.py).
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e import people
from tests.e2e.people import log_in


def _check_pages(browser, base: str, pages, *, audience: str, storage_state=None):
    problems = []
    context = browser.new_context(storage_state=storage_state)
    context.set_default_timeout(10_000)
    for name, path in pages:
        page, budgeted, served, raw, status, final = people.load_measured(context, base + path)
        people.WEIGHTS.append((audience, name, budgeted, served, raw))
        if status != 200 or final != base + path:
            problems.append(f"{name}: answered {status} at {final}")
            page.close()
            continue
        if budgeted >= people.BUDGET_BYTES:
            problems.append(
                f"{name}: HTML + CSS {budgeted:,} bytes gzipped, budget {people.BUDGET_BYTES:,}"
            )
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
    state = people.participant_state(browser, demo["base"])
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
