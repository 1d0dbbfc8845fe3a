"""The restore drill (tools/restore_drill.py, `make drill`) run for real: a throwaway cluster
archived by pgBackRest, two batches of claims, postings and uploads, the disk lost, and a
point-in-time restore that brings back exactly the first batch, rows and files."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import service_unavailable

ROOT = Path(__file__).resolve().parent.parent.parent
NEEDED = {
    "pgbackrest": "pgbackrest",
    "rsync": "rsync",
    "/usr/lib/postgresql/15/bin/initdb": "postgresql-15",
}

pytestmark = pytest.mark.postgres


@pytest.fixture
def drill_tools():
    missing = [package for program, package in NEEDED.items() if not shutil.which(program)]
    if missing:
        service_unavailable(f"the restore drill needs apt-get install {' '.join(missing)}")


def test_a_point_in_time_restore_brings_back_exactly_the_rows_and_files_before_the_moment(
    drill_tools, tmp_path
):
    report_file = tmp_path / "drill.json"
    # The drill chooses its own database and services; nothing of this test run's leaks in.
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "DATABASE_URL",
            "DATABASE_REPLICA_URL",
            "CELERY_BROKER_URL",
            "CACHE_URL",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "restore_drill.py"), "--report", str(report_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(report_file.read_text())
    assert report["problems"] == []
    for kind in ("claims", "postings", "documents", "files"):
        figures = report[kind]
        assert figures["batch_1"] > 0, kind
        assert figures["batch_2"] > 0, kind
        assert figures["batch_1_restored"] == figures["batch_1"], kind
        assert figures["batch_2_restored"] == 0, kind
    assert report["files"]["on_disk"] == report["documents"]["batch_1"]
    for table, state in report["tables"].items():
        assert state["restored"] == state["at_moment"], table
        # The second batch did change every table (balances of the first batch's cards too),
        # so a restore to the end of the archive instead of the moment would be caught.
        assert state["after_batch_2"] != state["at_moment"], table
    assert "full backup" in report["backups"]
