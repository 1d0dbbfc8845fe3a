"""`make screenshots`: every participant and public page at 360 and 1280 px, in Bahasa Indonesia
and English, as full-page PNGs in var/screenshots/, with an index.html gallery.

The pages are the phone checks' (tests/e2e/site_pages.py: every route from the URL resolver,
filled with objects the demo participant owns). The site runs as in the e2e tests: the test
settings, a fresh SQLite database in a temporary folder with `seed_demo`, and Django's live
server thread (static files from the finders), logged in as the demo participant.
"""

import contextlib
import html
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "screenshots"
WIDTHS = (360, 1280)
LANGUAGES = ("id", "en")
THUMB_WIDTHS = {360: 180, 1280: 320}  # half a phone, a quarter of a desktop
THUMB_MAX_HEIGHT = 360


def prepare(folder: Path):
    """Django on a new SQLite database in `folder`, with the demo data and the participant's
    own objects; the pages to photograph."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "jmo_portal.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    for name in ("CELERY_BROKER_URL", "CACHE_URL"):  # tasks in-process, cache in memory
        os.environ.pop(name, None)
    # Playwright's sync API runs an event loop in this thread; the ORM must still work here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = folder / "uploads"
    import logging

    # The demo's tasks and the 404 pages photographed on purpose would fill the terminal.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.management import call_command

    from participants.models import Participant
    from tests.e2e import people, site_pages

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        call_command("migrate", verbosity=0)
        call_command("seed_demo")
        participant = Participant.objects.select_related("user", "branch").get(
            user__email=people.BUDI
        )
        world = site_pages.owned_world(participant)
    return site_pages.site_pages(world)


def start_server():
    """Django's live server thread (what pytest-django's live_server runs)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://127.0.0.1:{server.port}"


def thumbnail(png: Path, width: int) -> Path:
    """The top of the page, scaled down to `width` px."""
    from PIL import Image

    thumb = png.with_name(png.stem + ".thumb.png")
    with Image.open(png) as image:
        scale = width / image.width
        height = min(round(image.height * scale), THUMB_MAX_HEIGHT)
        small = image.resize((width, round(image.height * scale)), Image.Resampling.LANCZOS)
        small.crop((0, 0, width, height)).save(thumb, optimize=True)
    return thumb


def shoot(pages, base: str) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e import people, site_pages

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        states = {
            site_pages.PUBLIC: None,
            site_pages.PARTICIPANT: people.participant_state(browser, base),
        }
        for audience, state in states.items():
            context = browser.new_context(storage_state=state)
            context.set_default_timeout(15_000)
            page = context.new_page()
            for site_page in (p for p in pages if p.audience == audience):
                shots = []
                for lang in LANGUAGES:
                    context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
                    for width in WIDTHS:
                        page.set_viewport_size({"width": width, "height": 800})
                        response = site_pages.load(page, base, site_page)
                        png = OUT / f"{site_page.slug}-{lang}-{width}.png"
                        page.screenshot(path=png, full_page=True)
                        thumb = thumbnail(png, THUMB_WIDTHS[width])
                        shots.append({
                            "lang": lang, "width": width, "png": png.name, "thumb": thumb.name,
                            "status": response.status, "final": page.url.removeprefix(base),
                        })  # fmt: skip
                rows.append({"page": site_page, "shots": shots})
                print(f"  {site_page.audience:<12}{site_page.name}", flush=True)  # noqa: T201
            context.close()
        browser.close()
    return rows


def gallery(rows: list[dict]) -> str:
    head = "".join(f"<th>{lang} {width} px</th>" for lang in LANGUAGES for width in WIDTHS)
    body = []
    for row in rows:
        page = row["page"]
        cells = []
        for shot in row["shots"]:
            note = f"{shot['status']}" + (
                f" → {html.escape(shot['final'])}" if shot["final"] != page.url else ""
            )
            cells.append(
                f'<td><a href="{shot["png"]}"><img src="{shot["thumb"]}" '
                f'alt="{html.escape(page.name)}, {shot["lang"]}, {shot["width"]} px" '
                f'loading="lazy"></a><br><small>{note}</small></td>'
            )
        body.append(
            f'<tr id="{page.slug}"><th scope="row">{html.escape(page.name)}<br>'
            f"<small>{page.audience}</small><br><code>{html.escape(page.url)}</code></th>"
            + "".join(cells)
            + "</tr>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>JMO Portal screenshots</title><style>"
        "body{font:14px/1.4 sans-serif;margin:1rem}table{border-collapse:collapse}"
        "th,td{border:1px solid #ccc;padding:.5rem;vertical-align:top;text-align:left}"
        "thead th{position:sticky;top:0;background:#fff}code{word-break:break-all}"
        "tbody th{max-width:16rem}img{display:block;border:1px solid #eee}"
        "</style></head><body>"
        f"<h1>JMO Portal: {len(rows)} pages at {' and '.join(map(str, WIDTHS))} px, "
        f"in {' and '.join(LANGUAGES)}</h1>"
        "<p>Made by <code>make screenshots</code> (tools/screenshots.py). Each thumbnail opens "
        "the full-page PNG; under it the HTTP status (and where the page moved to).</p>"
        f'<table><thead><tr><th scope="col">page</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></body></html>"
    )


def main() -> None:
    started = time.monotonic()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="jmo-screenshots-") as folder:
        pages = prepare(Path(folder))
        server, base = start_server()
        print(f"{len(pages)} pages on {base}", flush=True)  # noqa: T201
        try:
            rows = shoot(pages, base)
        finally:
            server.terminate()
    (OUT / "index.html").write_text(gallery(rows), encoding="utf-8")
    shots = sum(len(row["shots"]) for row in rows)
    print(  # noqa: T201
        f"{shots} screenshots of {len(rows)} pages in {time.monotonic() - started:.0f} s: "
        f"{(OUT / 'index.html').relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
