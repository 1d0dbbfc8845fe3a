"""Helpers for the people checks (issue 10): the participant pages, axe-core, page weight.

axe-core comes from the pinned PyPI package axe-playwright-python (pyproject.toml, dev), which
vendors axe.min.js (axe-core 4.12, MPL-2.0): nothing is fetched at test time.
"""

import gzip
import re
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from demo.management.commands.seed_demo import DEMO_PASSWORD

BUDI = "budi@demo.jmo.example"
# Data migrations' rows, flushed between transactional tests: the `demo` fixture seeds them again.
SEED_MIGRATIONS = [
    "appointments.migrations.0003_seed_service_types",
    "claims.migrations.0002_seed_rule_values",
    "claims.migrations.0007_seed_benefit_rules",
    "complaints.migrations.0002_seed_sla_policies",
    "news.migrations.0002_seed_guides_and_faq",
    "participants.migrations.0003_seed_membership_rules",
    "participants.migrations.0011_seed_jkk_relief",
]
# Issue 16: HTML + CSS of any page under 40 KB transferred, compressed as production serves
# them (gzip; WhiteNoise's brotli is smaller still). Pictures and scripts are counted apart.
BUDGET_BYTES = 40 * 1024
ZOOM_VIEWPORT = {"width": 640, "height": 900}  # a 1280 px wide window at 200 % zoom
BLOCKING_IMPACTS = ("serious", "critical")

# Filled by the checks, printed by tests/e2e/conftest.py's terminal summary:
# (audience, page, HTML + CSS gzip bytes, all bytes served, raw bytes).
WEIGHTS: list[tuple[str, str, int, int, int]] = []
AXE_COUNTS: dict[str, int] = {}  # impact -> violations seen (rules x pages)

_axe = Axe()


def log_in(page: Page, base: str, email: str = BUDI):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def participant_state(browser, base: str) -> dict:
    """The demo participant's logged-in browser state (cookies), just reauthenticated: bank
    account and MFA pages ask for the password again, as they would a participant."""
    context = browser.new_context()
    page = context.new_page()
    log_in(page, base)
    page.goto(f"{base}/accounts/reauthenticate/")
    page.locator("main input[type=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    state = context.storage_state()
    context.close()
    return state


def public_pages(article_slug: str) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
        ("password reset", "/accounts/password/reset/"),
        ("news list", "/news/"),
        ("news detail", f"/news/{article_slug}/"),
        ("guides", "/guides/"),
        ("guide", "/guides/register/"),
        ("FAQ", "/faq/"),
        ("search", "/search/?q=saldo"),
        ("contribution simulator", "/simulations/contribution/"),
        ("JHT simulator", "/simulations/jht/"),
        ("help start (anonymous)", "/complaints/new/"),
        ("self-help (anonymous)", "/complaints/new/cannot_log_in/"),
        ("complaint form (anonymous)", "/complaints/new/cannot_log_in/form/"),
    ]


def participant_pages(card_id: int) -> list[tuple[str, str]]:
    check = "claim_type=JHT:full:resignation&event_date=2025-12-14"
    return [
        # Behind allauth's reauthentication (5 minutes): first, while it is fresh.
        ("data: bank account", "/data/bank-account/"),
        ("account: MFA activate", "/accounts/2fa/totp/activate/"),
        ("reauthenticate", "/accounts/reauthenticate/"),
        ("dashboard", "/dashboard/"),
        ("balance", "/balance/"),
        ("KPJ card", f"/card/{card_id}/"),
        ("data update home", "/data/"),
        ("data: phone", "/data/phone/"),
        ("data: email", "/data/email/"),
        ("data: address", "/data/address/"),
        ("data: emergency contact", "/data/emergency-contact/"),
        ("data: family", "/data/family/"),
        ("data: identity", "/data/identity/"),
        ("claims list", "/claims/"),
        ("claim eligibility", "/claims/check/"),
        ("claim eligibility result", f"/claims/check/?{check}"),
        ("claim new", f"/claims/file/?{check}"),
        ("appointments", "/appointments/"),
        ("appointment booking", "/appointments/book/"),
        ("complaints list", "/complaints/"),
        ("complaint new", "/complaints/new/"),
        ("complaint form", "/complaints/new/claim_problem/form/"),
        ("account: MFA", "/accounts/2fa/"),
        ("account: e-mail", "/accounts/email/"),
        ("account: password", "/accounts/password/change/"),
    ]


def axe_blocking(page, *, count: bool = True) -> list[str]:
    """Serious and critical axe-core violations on the page, one line per rule.

    `count` adds every violation (any impact) to the summary's tally of portal pages."""
    results = _axe.run(page)
    if count:
        for violation in results.response["violations"]:
            AXE_COUNTS[violation["impact"]] = AXE_COUNTS.get(violation["impact"], 0) + 1
        AXE_COUNTS["pages"] = AXE_COUNTS.get("pages", 0) + 1
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def served_size(response) -> int:
    """Bytes as production serves them: HTML as the app sends it; static files compressed.

    WhiteNoise serves its pre-compressed .gz/.br next to every static file (level 9); the test
    server sends them plain, so a static body is counted at its gzip -9 size (brotli is
    smaller still). Headers count too.
    """
    headers = response.request.sizes()["responseHeadersSize"]
    if 300 <= response.status < 400:
        return headers
    body = response.body()
    if "/static/" in response.url and not response.headers.get("content-encoding"):
        return headers + len(gzip.compress(body, compresslevel=9))
    return headers + len(body)


def html_css_gzip(responses) -> int:
    """The budgeted bytes: the HTML document and each stylesheet, each gzipped (-9) as
    production sends them (the body Playwright hands over is already decoded)."""
    return sum(
        len(gzip.compress(r.body(), compresslevel=9))
        for r in responses
        if r.request.resource_type in ("document", "stylesheet") and not 300 <= r.status < 400
    )


def load_measured(context, url: str):
    """Load `url` in a fresh page (empty cache); (page, HTML + CSS gzip bytes, served bytes,
    raw bytes, status, final URL). The page stays open for more checks on the same load; the
    caller closes it.

    Counted once every request the page made has finished: what Playwright's "networkidle"
    waits for, without its extra half second of silence on every page.
    """
    page = context.new_page()
    responses, in_flight = [], set()
    page.on("request", lambda request: in_flight.add(request))
    page.on("requestfinished", lambda request: in_flight.discard(request))
    page.on("requestfailed", lambda request: in_flight.discard(request))
    page.on("response", lambda response: responses.append(response))
    response = page.goto(url, wait_until="load")
    deadline = time.monotonic() + 10
    while in_flight and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    served = sum(served_size(r) for r in responses)
    raw = sum(len(r.body()) for r in responses if not 300 <= r.status < 400)
    return page, html_css_gzip(responses), served, raw, response.status, page.url


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
