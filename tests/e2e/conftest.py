import datetime
import importlib

import pytest
from django.core.management import call_command
from django.utils import timezone


@pytest.fixture(autouse=True)
def _bounded_waits(page):
    """A missing element fails in seconds, not Playwright's default 30."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(20_000)


@pytest.fixture
def demo(live_server):
    """The demo data of `make run`, plus the rows the data migrations seed (flushed between
    transactional tests) and one published article."""
    from django.apps import apps

    from news.models import Article, ArticleCategory
    from participants.models import KpjCard
    from tests.e2e.people import BUDI, SEED_MIGRATIONS

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
    card = KpjCard.objects.confirmed().filter(participant__user__email=BUDI).first()
    return {"base": live_server.url, "article": article.slug, "card": card.pk}


def pytest_terminal_summary(terminalreporter):
    """The page-weight table of the people checks (tests/e2e/test_people.py), to be quoted."""
    from tests.e2e.lighthouse import CATEGORIES, SCORES
    from tests.e2e.people import AXE_COUNTS, BUDGET_BYTES, WEIGHTS
    from tests.e2e.test_phone_layout import FAILURES, TIMINGS

    write = terminalreporter.write_line
    if SCORES:
        terminalreporter.section("Lighthouse 12.2.3, mobile (target 100, below 95 fails)")
        write(f"{'page':<16}" + "".join(f"{category:>16}" for category in CATEGORIES))
        for page, scores, below in SCORES:
            write(f"{page:<16}" + "".join(f"{scores[category]:>16}" for category in CATEGORIES))
            if below:
                write(f"{'':<16}not passed: {'; '.join(below)}")
    if TIMINGS:
        terminalreporter.section("phone layout (320 and 390 px, id and en): pages failing")
        for audience, (loads, seconds) in TIMINGS.items():
            write(f"{audience}: {loads} loads in {seconds:.0f} s")
        by_check: dict[str, dict[str, list[str]]] = {}
        for check, page, where, _detail in FAILURES:
            by_check.setdefault(check, {}).setdefault(page, []).append(where)
        for check, pages in sorted(by_check.items()):
            write(f"{check}: {len(pages)} pages")
            for page, wheres in pages.items():
                write(f"    {page} [{', '.join(wheres)}]")
    if not WEIGHTS:
        return
    terminalreporter.section(
        "page weight (budget: HTML + CSS, each gzip -9; served: HTML as sent + static gzip -9 "
        "+ headers, cold cache)"
    )
    write(f"{'audience':<12}{'page':<30}{'HTML+CSS gz':>12}{'served bytes':>14}{'raw bytes':>12}")
    for audience, name, budgeted, served, raw in WEIGHTS:
        write(f"{audience:<12}{name:<30}{budgeted:>12,}{served:>14,}{raw:>12,}")
    heaviest = max(budgeted for _, _, budgeted, _, _ in WEIGHTS)
    write(f"heaviest page: HTML + CSS {heaviest:,} bytes gzipped (budget {BUDGET_BYTES:,})")
    if AXE_COUNTS:
        impacts = ", ".join(f"{k} {v}" for k, v in sorted(AXE_COUNTS.items()) if k != "pages")
        write(f"axe-core on {AXE_COUNTS['pages']} pages, violations by impact: {impacts or 'none'}")
