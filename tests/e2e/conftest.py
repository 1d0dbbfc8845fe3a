import pytest


@pytest.fixture(autouse=True)
def _bounded_waits(page):
    """A missing element fails in seconds, not Playwright's default 30."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)
