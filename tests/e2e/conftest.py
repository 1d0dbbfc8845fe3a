import pytest


@pytest.fixture(autouse=True)
def _bounded_waits(page):
    """A missing element fails in seconds, not Playwright's default 30."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)


def pytest_terminal_summary(terminalreporter):
    """The page-weight table of the people checks (tests/e2e/test_people.py), to be quoted."""
    from tests.e2e.people import AXE_COUNTS, BUDGET_BYTES, WEIGHTS

    if not WEIGHTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("page weight (served: HTML as sent + static gzip -9, cold cache)")
    write(f"{'audience':<12}{'page':<30}{'served bytes':>14}{'raw bytes':>12}")
    for audience, name, served, raw in WEIGHTS:
        write(f"{audience:<12}{name:<30}{served:>14,}{raw:>12,}")
    heaviest = max(served for _, _, served, _ in WEIGHTS)
    write(f"heaviest page: {heaviest:,} bytes served (budget {BUDGET_BYTES:,})")
    if AXE_COUNTS:
        impacts = ", ".join(f"{k} {v}" for k, v in sorted(AXE_COUNTS.items()) if k != "pages")
        write(f"axe-core on {AXE_COUNTS['pages']} pages, violations by impact: {impacts or 'none'}")
