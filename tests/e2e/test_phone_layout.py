"""Phone layout (issue 16): every participant and public page at 320 and 390 px, in Bahasa
Indonesia and English.

The pages come from the URL resolver (tests/e2e/site_pages.py); each is loaded once per width
and language, and one evaluate call (tests/e2e/phone_checks.js) reads from that load:
- no sideways scrolling (document.scrollingElement.scrollWidth <= innerWidth);
- logged in, "Keluar" / "Log out" is on screen, or is after a tap on the collapsed menu;
- no control under 24 x 24 px (WCAG 2.2 2.5.8, with its spacing and in-a-sentence exceptions),
  with the menu closed and open;
- the shared layout: site header (banner) with the home link, main, footer (contentinfo) and
  the home page's stylesheets, on allauth and error pages too.
The failing pages per check are printed in the terminal summary (tests/e2e/conftest.py).
"""

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from participants.models import Participant
from tests.e2e import people, site_pages
from tests.routes import all_routes

WIDTHS = (320, 390)
LANDMARKS = ("banner", "main", "contentinfo", "homeLink")
LOGOUT = {"id": ["Keluar"], "en": ["Log out"]}
CHECKS_JS = (Path(__file__).parent / "phone_checks.js").read_text()

# (check, page, "lang width", detail): read by the terminal summary.
FAILURES: list[tuple[str, str, str, str]] = []
TIMINGS: dict[str, tuple[int, float]] = {}  # audience -> (loads, seconds)


def run_checks(page: Page, *, logout_names: list[str]) -> dict:
    return page.evaluate(CHECKS_JS, logout_names)


def problems_of(facts: dict, *, logged_in: bool) -> list[tuple[str, str]]:
    """(check, detail) for each check the facts of one load fail."""
    found = []
    if facts["overflow"]:
        over = facts["overflow"]
        culprits = "; ".join(over["culprits"])
        found.append(("sideways overflow", f"{over['width']} px wide: {culprits}"))
    if facts.get("overflowMenuOpen"):
        over = facts["overflowMenuOpen"]
        found.append(("sideways overflow", f"menu open, {over['width']} px wide"))
    small = facts["small"] + [f"{line} (menu open)" for line in facts.get("smallMenuOpen", [])]
    if small:
        more = " …" if len(small) > 6 else ""
        found.append(("control under 24 px", "; ".join(small[:6]) + more))
    missing = [part for part in LANDMARKS if not facts["layout"][part]]
    if missing:
        found.append(("shared layout", "missing " + ", ".join(missing)))
    if logged_in and facts["logout"] not in ("visible", "in menu"):
        found.append(("logout reachable", facts["logout"]))
    return found


def check_pages(browser, base: str, pages, *, audience: str, storage_state=None) -> list[str]:
    """Load every page at each width and language and run the checks; the problems, one line
    per page, language and width."""
    logged_in = audience == site_pages.PARTICIPANT
    context = browser.new_context(storage_state=storage_state)
    page = context.new_page()
    problems, sheets, loads, started = [], {}, 0, time.monotonic()
    for site_page in pages:
        for lang in ("id", "en"):
            context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
            for width in WIDTHS:
                where = f"{site_page.name} [{lang} {width}]"
                page.set_viewport_size({"width": width, "height": 800})
                response = site_pages.load(page, base, site_page)
                loads += 1
                if response.status != site_page.status:
                    problems.append(f"{where}: answered {response.status} at {page.url}")
                    continue
                if not site_page.redirects and page.url != base + site_page.url:
                    problems.append(f"{where}: moved on to {page.url}")
                    continue
                facts = run_checks(page, logout_names=LOGOUT[lang] if logged_in else [])
                if facts["lang"] != lang:  # the language cookie took (a page in another: a bug)
                    FAILURES.append(("language", site_page.name, f"{lang} {width}", facts["lang"]))
                    problems.append(f"{where}: served in {facts['lang']!r}")
                sheets[site_page.name] = set(facts["layout"]["stylesheets"])
                for check, detail in problems_of(facts, logged_in=logged_in):
                    FAILURES.append((check, site_page.name, f"{lang} {width}", detail))
                    problems.append(f"{where}: {check}: {detail}")
    context.close()
    TIMINGS[audience] = (loads, time.monotonic() - started)
    home = sheets.get("home") or sheets.get("home (logged in)") or set()
    for name, used in sheets.items():
        if not home <= used:
            FAILURES.append(("shared layout", name, "all", "without " + ", ".join(home - used)))
            problems.append(f"{name}: shared layout: without the stylesheets {home - used}")
    return problems


@pytest.fixture
def site(demo):
    participant = Participant.objects.select_related("user", "branch").get(user__email=people.BUDI)
    return site_pages.site_pages(site_pages.owned_world(participant))


def test_every_route_is_checked_or_excluded():
    """A new route fails here until it is a checked page or an excluded one with a reason."""
    routes = set(all_routes())
    checked = set(site_pages.PAGES)
    excluded = {route for route in routes if site_pages.excluded(route)}
    assert not checked & excluded, f"both checked and excluded: {sorted(checked & excluded)}"
    assert not checked - routes, f"checked routes that do not exist: {sorted(checked - routes)}"
    stale = set(site_pages.EXCLUDED) - routes
    assert not stale, f"excluded routes that do not exist: {sorted(stale)}"
    unaccounted = sorted(routes - checked - excluded)
    assert not unaccounted, (
        "Routes neither checked nor excluded: add each to PAGES in tests/e2e/site_pages.py "
        "(a participant or public page), or to EXCLUDED with the reason:\n  "
        + "\n  ".join(unaccounted)
    )
    assert routes == checked | excluded


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone(site, demo, browser):
    """Public pages seen logged out, then the participant's logged in (one demo seed for both)."""
    public = [p for p in site if p.audience == site_pages.PUBLIC]
    problems = check_pages(browser, demo["base"], public, audience="public")
    own = [p for p in site if p.audience == site_pages.PARTICIPANT]
    state = people.participant_state(browser, demo["base"])
    problems += check_pages(browser, demo["base"], own, audience="participant", storage_state=state)
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


# The harness itself: each check bites on a page made to fail it, and lets pass what WCAG
# lets pass.


@pytest.mark.e2e
def test_the_overflow_check_sees_a_wide_row(page: Page):
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content(
        '<!DOCTYPE html><html lang="id"><body style="margin:0">'
        '<table style="border-spacing:0"><tr><td style="padding:0"><div style="width:400px">x'
    )
    facts = run_checks(page, logout_names=[])
    assert facts["overflow"]["width"] == 400
    assert facts["overflow"]["culprits"][0].startswith("table")


@pytest.mark.e2e
def test_the_target_check_sees_small_controls_but_not_links_in_sentences(page: Page):
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content(
        '<!DOCTYPE html><html lang="id"><body style="font:14px/16px sans-serif">'
        '<p>Baca <a href="/faq/">FAQ kami</a> dulu.</p>'  # in a sentence: exempt
        '<p><a href="/a/" style="display:inline-block;width:60px;height:44px">besar</a></p>'
        '<nav><a href="/x/">X</a><a href="/y/">Y</a></nav>'  # small, touching: both fail
        '<div style="margin-top:40px"><button style="padding:0;width:16px;height:16px">k</button>'
        '<button style="width:60px;height:44px">besar</button></div>'  # small next to big: fails
        '<div style="margin-top:40px"><label><input type="checkbox"> Setuju dengan '
        "syarat</label></div>"  # its label makes it big enough
    )
    small = run_checks(page, logout_names=[])["small"]
    assert [line.split(" ")[0] for line in small] == ["a", "a", "button"], small
    assert small[0].startswith('a "X"')


@pytest.mark.e2e
def test_the_spacing_exception_lets_a_lone_small_control_pass(page: Page):
    page.set_content(
        '<!DOCTYPE html><html lang="id"><body><p style="margin:40px">'
        '<button style="padding:0;width:16px;height:16px" aria-label="Tutup"></button>'
    )
    assert run_checks(page, logout_names=[])["small"] == []


@pytest.mark.e2e
def test_the_logout_check_opens_the_collapsed_menu(page: Page):
    page.set_viewport_size({"width": 320, "height": 600})
    menu = (
        '<header><a href="/">JMO</a><details><summary style="min-height:44px">Menu</summary>'
        '<form><button style="min-height:44px">Keluar</button></form></details></header>'
    )
    page.set_content(f'<!DOCTYPE html><html lang="id"><body>{menu}<main>x</main><footer>f</footer>')
    facts = run_checks(page, logout_names=["Keluar"])
    assert facts["logout"] == "in menu"
    assert facts["smallMenuOpen"] == []
    assert all(facts["layout"][part] for part in LANDMARKS)
    page.set_content(
        '<!DOCTYPE html><html lang="id"><body><main><button style="margin-left:400px">Keluar'
    )
    facts = run_checks(page, logout_names=["Keluar"])
    assert facts["logout"] == "hidden or off-screen"
    assert not facts["layout"]["banner"]
    assert not facts["layout"]["contentinfo"]


@pytest.mark.e2e
def test_the_collapsed_menu_is_checked_open_on_logged_out_pages_too(page: Page):
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content(
        '<!DOCTYPE html><html lang="id"><body style="margin:0"><header><a href="/">JMO</a><details>'
        '<summary style="min-height:44px">Menu</summary>'
        '<p><a href="/x/">X</a><a href="/y/">Y</a></p>'
        '<div style="width:400px">lebar</div></details></header><main>x</main><footer>f</footer>'
    )
    facts = run_checks(page, logout_names=[])
    assert facts["overflow"] is None
    assert facts["overflowMenuOpen"]["width"] == 400
    assert [line.split(" ")[1] for line in facts["smallMenuOpen"]] == ['"X"', '"Y"']


@pytest.mark.e2e
def test_a_link_wrapped_onto_two_lines_is_two_boxes_not_one_around_its_neighbour(page: Page):
    """The rectangle around a wrapped link covers the link before it; its line boxes do not."""
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content(
        '<!DOCTYPE html><html lang="id"><body style="font:16px/28px sans-serif">'
        '<p style="width:200px;margin:40px 0 0 40px"><a href="/a/">Pengaduan saya</a> · '
        '<a href="/b/">Minta bantuan sekarang</a></p>'
    )
    assert run_checks(page, logout_names=[])["small"] == []
