"""`make drill`: point-in-time recovery of the database and the uploads, for real.

A throwaway PostgreSQL 15 cluster (its own port and temporary folder; the machine's clusters
are never touched) archives its WAL with pgBackRest and gets a full backup. The portal's schema
is migrated into it, a first batch of participants, contribution postings (through the ledger),
claims and uploaded documents (through the documents service) is written, the moment is noted,
and a second batch is written (new rows, and more postings on the first batch's cards, which
move their balances). Uploads are snapshotted with deploy/backup/uploads-snapshot.sh.
The cluster's data folder is then deleted (the dead disk), pgBackRest restores it into a fresh
folder at the noted moment, deploy/backup/uploads-restore.sh brings back the restored rows'
files, and the drill checks that the restored tables equal, row for row, what they held at the
noted moment, and that every restored document has its file and no second-batch file is back.

Needs root (runs PostgreSQL and pgBackRest as the postgres user) or the postgres user itself,
and the Debian packages postgresql-15, pgbackrest and rsync. Exits non-zero when anything
differs. `--report FILE` also writes the figures as JSON (tests/ops/test_restore_drill.py).
"""

import argparse
import contextlib
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PGBIN = Path("/usr/lib/postgresql/15/bin")
STANZA = "jmo"
DATABASE = "jmo_drill"
SNAPSHOT = ROOT / "deploy" / "backup" / "uploads-snapshot.sh"
RESTORE_UPLOADS = ROOT / "deploy" / "backup" / "uploads-restore.sh"
PARTICIPANTS_PER_BATCH = 4


def _as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root; as any other user it runs as that user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _free_port(start: int = 55440) -> int:
    for port in range(start, start + 100):
        with socket.socket() as probe:
            with contextlib.suppress(OSError):
                probe.bind(("127.0.0.1", port))
                return port
    raise RuntimeError(f"no free TCP port in {start}-{start + 99} for the drill's cluster")


class Drill:
    def __init__(self, work: Path, port: int):
        self.work = work
        self.port = port
        self.config = work / "pgbackrest.conf"
        self.media = work / "uploads"
        self.snapshots = work / "uploads-snapshots"
        self.timings: dict[str, float] = {}
        self.running: Path | None = None

    def log(self, message: str) -> None:
        print(f"[drill] {message}", flush=True)

    @contextlib.contextmanager
    def step(self, name: str):
        started = time.monotonic()
        yield
        self.timings[name] = round(time.monotonic() - started, 2)
        self.log(f"{name}: {self.timings[name]:.2f} s")

    def run(self, *command, postgres: bool = False) -> str:
        argv = [*(_as_postgres() if postgres else []), *map(str, command)]
        done = subprocess.run(  # noqa: S603 - fixed tools and arguments
            argv, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr.strip()}")
        return done.stdout

    def background(self, *command) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 - fixed tools and arguments
            [*_as_postgres(), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def finish(self, process: subprocess.Popen) -> None:
        _, stderr = process.communicate()
        if process.returncode:
            raise RuntimeError(f"{' '.join(process.args)} exited {process.returncode}:\n{stderr}")

    def pgbackrest(self, *args) -> str:
        return self.run(
            "pgbackrest", f"--config={self.config}", f"--stanza={STANZA}", *args, postgres=True
        )

    def psql(self, sql: str, database: str = DATABASE) -> str:
        return self.run(
            "psql",
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            self.port,
            "-U",
            "postgres",
            "-d",
            database,
            "-c",
            sql,
        ).strip()

    # --- the cluster ------------------------------------------------------------------------

    def write_config(self, data: Path) -> None:
        self.config.write_text(
            "[global]\n"
            f"repo1-path={self.work / 'repo'}\n"
            "repo1-retention-full=2\n"
            f"log-path={self.work / 'log'}\n"
            f"lock-path={self.work / 'lock'}\n"
            "log-level-console=warn\n"
            "log-level-file=info\n"
            "start-fast=y\n"
            "compress-type=lz4\n"
            # Asynchronous archiving pushes and fetches WAL in batches, as in production.
            "archive-async=y\n"
            f"spool-path={self.work / 'spool'}\n"
            "process-max=2\n"
            f"\n[{STANZA}]\n"
            f"pg1-path={data}\n"
            f"pg1-port={self.port}\n"
            f"pg1-socket-path={self.work}\n"
        )

    def start(self, data: Path) -> None:
        self.run(
            PGBIN / "pg_ctl",
            "-D",
            data,
            "-l",
            self.work / f"{data.name}.log",
            "-w",
            "-t",
            "120",
            "start",
            postgres=True,
        )
        self.running = data

    def stop(self, mode: str = "fast") -> None:
        if self.running is not None:
            self.run(PGBIN / "pg_ctl", "-D", self.running, "-m", mode, "-w", "stop", postgres=True)
            self.running = None

    def create_cluster(self, data: Path) -> None:
        self.run(
            PGBIN / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            postgres=True,
        )
        archive = f"pgbackrest --config={self.config} --stanza={STANZA} archive-push %p"
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# restore drill (tools/restore_drill.py)\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.work}'\n"
                "wal_level = replica\n"
                "archive_mode = on\n"
                f"archive_command = '{archive}'\n"
                # A throwaway cluster: durability of its own disk is not what is tested here.
                "fsync = off\n"
                "synchronous_commit = off\n"
            )

    # --- the portal -------------------------------------------------------------------------

    def setup_django(self) -> None:
        os.environ["DJANGO_SETTINGS_MODULE"] = "jmo_portal.settings.test"
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"
        # Tasks (document checks) run in-process, the cache in memory: only this cluster is used.
        for name in ("CELERY_BROKER_URL", "CACHE_URL"):
            os.environ.pop(name, None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.test import override_settings

        # The test settings name the tests' uploads folder; the drill's own is in its temp dir.
        override_settings(MEDIA_ROOT=str(self.media)).enable()

    def write_batch(self, *, batch: int, earlier_cards: list[int]) -> dict[str, list[int]]:
        """New participants with a KPJ card, twelve JHT postings, a claim and an uploaded KTP
        each; plus one more posting on each card of earlier batches. Returns the new ids."""
        from django.db import transaction

        from documents.services import document_upload
        from participants.ledger import ledger_contribution_post
        from participants.models import KpjCard
        from tests.documents.files import upload
        from tests.factories import ClaimFactory, KpjCardFactory

        ids: dict[str, list[int]] = {"claims": [], "postings": [], "documents": [], "cards": []}
        year = 2024 + batch
        with transaction.atomic():
            for _ in range(PARTICIPANTS_PER_BATCH):
                card = KpjCardFactory()
                ids["cards"].append(card.pk)
                for month in range(1, 13):
                    posting = ledger_contribution_post(
                        kpj_card=card,
                        month=datetime.date(year, month, 1),
                        program="JHT",
                        employer_amount=150_000,
                        worker_amount=80_000,
                        paid_on=datetime.date(year, month, 15),
                        wage=4_000_000,
                    )
                    ids["postings"].append(posting.pk)
                claim = ClaimFactory(participant=card.participant)
                ids["claims"].append(claim.pk)
                document = document_upload(
                    owner=card.participant,
                    kind="ktp",
                    upload=upload(f"ktp-{batch}.png"),
                    actor=None,
                )
                ids["documents"].append(document.pk)
            for card in KpjCard.objects.filter(pk__in=earlier_cards):
                posting = ledger_contribution_post(
                    kpj_card=card,
                    month=datetime.date(year, 1, 1),
                    program="JHT",
                    employer_amount=150_000,
                    worker_amount=80_000,
                    paid_on=datetime.date(year, 1, 15),
                    wage=4_000_000,
                )
                ids["postings"].append(posting.pk)
        return ids

    def tables(self) -> dict[str, str]:
        from claims.models import Claim
        from documents.models import Document
        from participants.models import ContributionPosting, JhtBalance, KpjBalance, Participant

        models = (Participant, ContributionPosting, JhtBalance, KpjBalance, Claim, Document)
        return {model._meta.db_table: model._meta.pk.column for model in models}

    def fingerprints(self) -> dict[str, str]:
        """Row count and an MD5 of every row's full text, per table, in key order."""
        return {
            table: self.psql(
                f"SELECT count(*) || ' rows, md5 ' || "  # noqa: S608 - model table names
                f"md5(coalesce(string_agg(t::text, '|' ORDER BY t.{key}), '')) FROM {table} t"
            )
            for table, key in self.tables().items()
        }

    def ids(self, table: str) -> set[int]:
        rows = self.psql(f"SELECT id FROM {table}")  # noqa: S608 - a model's table
        return {int(line) for line in rows.split()}

    def document_files(self, ids: list[int]) -> dict[int, str]:
        from documents.models import Document

        return dict(Document.objects.filter(pk__in=ids).values_list("pk", "storage_name"))

    # --- the drill --------------------------------------------------------------------------

    def main(self) -> dict:
        data = self.work / "pg"
        restored = self.work / "pg-restored"
        self.write_config(data)
        with self.step("cluster created and started"):
            self.create_cluster(data)
            self.start(data)
            self.psql(f"CREATE DATABASE {DATABASE}", database="postgres")
        with self.step("pgBackRest stanza-create and check"):
            self.pgbackrest("stanza-create")
            self.pgbackrest("check")
        from django.core.management import call_command
        from django.db import connections

        self.setup_django()
        # An online backup, taken while the portal writes (here: its schema), as in production.
        with self.step("full backup, taken while the portal's schema is migrated"):
            backup = self.background(
                "pgbackrest",
                f"--config={self.config}",
                f"--stanza={STANZA}",
                "--type=full",
                "backup",
            )
            call_command("migrate", verbosity=0)
            self.finish(backup)
        with self.step("batch 1 written"):
            first = self.write_batch(batch=1, earlier_cards=[])
            self.psql("SELECT pg_switch_wal()")
        first_files = self.document_files(first["documents"])
        with self.step("uploads snapshot 1"):
            self.run(SNAPSHOT, self.media, self.snapshots)
        expected = self.fingerprints()
        time.sleep(1)
        target = self.psql(
            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD HH24:MI:SS.US') || '+00'"
        )
        self.log(f"noted moment: {target}")
        time.sleep(1)
        with self.step("batch 2 written"):
            second = self.write_batch(batch=2, earlier_cards=first["cards"])
        second_files = self.document_files(second["documents"])
        with self.step("uploads snapshot 2"):
            self.run(SNAPSHOT, self.media, self.snapshots)
        with self.step("WAL archived (pgbackrest check switches and waits)"):
            self.pgbackrest("check")
        after_second = self.fingerprints()
        connections.close_all()
        with self.step("disk lost: cluster killed"):
            # No shutdown checkpoint: the server goes as it would with its disk.
            self.stop("immediate")
        with self.step("disk lost: data and uploads folders deleted"):
            shutil.rmtree(data)
            shutil.rmtree(self.media)
        with self.step("pgBackRest restore to the noted moment, started, promoted"):
            self.pgbackrest(
                f"--pg1-path={restored}",
                "--type=time",
                f"--target={target}",
                "--target-action=promote",
                "restore",
            )
            self.start(restored)
            self.wait_promoted()
        # PostgreSQL's own words on where replay stopped (the first commit after the moment).
        recovery = [
            line.split("LOG:", 1)[-1].strip()
            for line in (self.work / f"{restored.name}.log").read_text().splitlines()
            if "recovery stopping" in line or "selected new timeline" in line
        ]
        for line in recovery:
            self.log(f"restored server: {line}")
        with self.step("uploads restored for the restored rows"):
            printed = self.run(
                RESTORE_UPLOADS, self.snapshots, self.media, os.environ["DATABASE_URL"]
            )
            self.log(printed.strip())
        got = self.fingerprints()
        report = self.compare(expected, got, after_second, first, second, first_files, second_files)
        backups = self.pgbackrest("info").strip()
        self.log("pgbackrest info:\n" + backups)
        report.update(
            target=target, timings=self.timings, port=self.port, backups=backups, recovery=recovery
        )
        return report

    def wait_promoted(self) -> None:
        for _ in range(600):
            if self.psql("SELECT pg_is_in_recovery()", database="postgres") == "f":
                return
            time.sleep(0.1)
        raise RuntimeError("the restored cluster did not leave recovery within 60 s")

    def compare(self, expected, got, after_second, first, second, first_files, second_files):
        from claims.models import Claim
        from documents.models import Document
        from participants.models import ContributionPosting

        report: dict = {"tables": {}, "problems": []}
        for table in expected:
            report["tables"][table] = {
                "at_moment": expected[table],
                "restored": got[table],
                "after_batch_2": after_second[table],
            }
            if expected[table] != got[table]:
                report["problems"].append(
                    f"{table}: restored {got[table]}, at the noted moment {expected[table]}"
                )
        for key, model in (
            ("claims", Claim),
            ("postings", ContributionPosting),
            ("documents", Document),
        ):
            present = self.ids(model._meta.db_table)
            report[key] = {
                "batch_1": len(first[key]),
                "batch_1_restored": len(present & set(first[key])),
                "batch_2": len(second[key]),
                "batch_2_restored": len(present & set(second[key])),
            }
            if present != set(first[key]):
                report["problems"].append(
                    f"{key}: restored ids {sorted(present)}, batch 1 ids {sorted(first[key])}"
                )
        on_disk = {
            path.relative_to(self.media).as_posix()
            for path in self.media.rglob("*")
            if path.is_file()
        }
        report["files"] = {
            "batch_1": len(first_files),
            "batch_1_restored": len(on_disk & set(first_files.values())),
            "batch_2": len(second_files),
            "batch_2_restored": len(on_disk & set(second_files.values())),
            "on_disk": len(on_disk),
        }
        if on_disk != set(first_files.values()):
            report["problems"].append(
                f"files: restored {sorted(on_disk)}, batch 1 files {sorted(first_files.values())}"
            )
        return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--port", type=int, help="TCP port of the throwaway cluster")
    args = parser.parse_args(argv)
    for program in ("pgbackrest", "rsync", "psql", str(PGBIN / "initdb")):
        if not shutil.which(program):
            print(
                f"[drill] {program} is missing: apt-get install pgbackrest rsync postgresql-15",
                file=sys.stderr,
            )
            return 2
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="jmo-drill-"))
    drill = Drill(work, args.port or _free_port())
    report = None
    try:
        if os.geteuid() == 0:
            shutil.chown(work, "postgres", "postgres")
        report = drill.main()
    finally:
        with contextlib.suppress(RuntimeError):
            drill.stop()
        shutil.rmtree(work, ignore_errors=True)
    report["total_seconds"] = round(time.monotonic() - started, 2)
    for key in ("claims", "postings", "documents", "files"):
        figures = report[key]
        drill.log(
            f"{key}: batch 1 {figures['batch_1_restored']}/{figures['batch_1']} back, "
            f"batch 2 {figures['batch_2_restored']}/{figures['batch_2']} back"
        )
    for table, figures in report["tables"].items():
        drill.log(f"{table}: at the moment {figures['at_moment']}; restored {figures['restored']}")
    if args.report:
        args.report.write_text(json.dumps(report, indent=2))
    for problem in report["problems"]:
        drill.log(f"DIFFERS {problem}")
    verdict = "FAILED" if report["problems"] else "passed"
    drill.log(f"{verdict} in {report['total_seconds']:.1f} s")
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
