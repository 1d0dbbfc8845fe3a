"""Lighthouse (npm `lighthouse`, pinned at 12.2.3 in tools/lighthouse/package-lock.json: 13.x
needs Node 22, the machines have Node 20), mobile preset, run against Debian's Chromium.

Installed into tools/lighthouse/node_modules by `make test` (`npm ci`), never globally.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

from tests.conftest import CHROMIUM

FOLDER = Path(settings.BASE_DIR) / "tools" / "lighthouse"
BINARY = FOLDER / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET, FLOOR = 100, 95

# Filled by the test, printed by tests/e2e/conftest.py's terminal summary:
# (page, scores by category, audits not passed).
SCORES: list[tuple[str, dict[str, int], list[str]]] = []


def problem() -> str | None:
    """Why Lighthouse cannot run here, or None."""
    if not shutil.which("node"):
        return "needs Node.js 20 (apt-get install nodejs npm)"
    if not BINARY.exists():
        return "needs `npm ci --prefix tools/lighthouse` (make test runs it)"
    return None


def scores(url: str, *, headers: dict[str, str] | None = None) -> dict[str, int]:
    """The four category scores (0-100) of one Lighthouse run on `url`: mobile form factor,
    simulated slow 4G and CPU throttling (Lighthouse's defaults)."""
    command = [
        str(BINARY), url, "--quiet", "--output=json", "--output-path=stdout",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
    ]  # fmt: skip
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    for _attempt in range(2):
        done = subprocess.run(  # noqa: S603 - our pinned binary, fixed arguments
            command, capture_output=True, text=True, timeout=180, check=False,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
        )  # fmt: skip
        # On a busy machine Chromium sometimes records no trace; Lighthouse then asks to be run
        # again (NO_NAVSTART, NO_FCP). That, and only that, is retried once: a score never is.
        if done.returncode == 0 or "Please run Lighthouse again" not in done.stderr:
            break
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    result = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    result["_below_target"] = [
        f"{audit['title']} ({audit['id']})"
        for category in CATEGORIES
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"] > 0
        and (audit := report["audits"][ref["id"]])["score"] is not None
        and audit["score"] < 1
    ]
    return result
