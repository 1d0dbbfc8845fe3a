"""Recompute every JHT running balance from the ledger and report differences.

Without --fix it only reports (exit status 1 when a difference is found, for monitoring);
with --fix it rewrites the differing rows in one transaction.
"""

from django.core.management.base import BaseCommand, CommandError

from participants.ledger import ledger_balances_rebuild
from participants.partitions import ledger_archives


class Command(BaseCommand):
    help = "Compare running JHT balances with the ledger; --fix rewrites the differing rows."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite differing balances.")

    def handle(self, *args, fix=False, **options):
        archives = ledger_archives()
        if archives and fix:
            # Detached months left the ledger but not the running balances: "fixing" them
            # would take those months' money off every card that had postings in them.
            raise CommandError(
                "--fix: buku besar tidak lagi memuat bulan yang diarsipkan ("
                + ", ".join(archives)
                + "); saldo berjalan tetap benar, jadi tidak diperbaiki. Periksa tanpa --fix. / "
                "--fix: the ledger no longer holds the archived months listed; the running "
                "balances are still right, so they are not rewritten. Check without --fix."
            )
        if archives:
            self.stdout.write(
                self.style.WARNING(
                    "Archived months are not in the ledger; cards with postings there differ: "
                    + ", ".join(archives)
                )
            )
        differences = ledger_balances_rebuild(fix=fix)
        for diff in differences:
            self.stdout.write(f"{diff.kind} {diff.key}: stored {diff.stored} ledger {diff.ledger}")
        if not differences:
            self.stdout.write(self.style.SUCCESS("All balances match the ledger."))
            return
        if fix:
            self.stdout.write(self.style.WARNING(f"Fixed {len(differences)} balance row(s)."))
            return
        raise CommandError(f"{len(differences)} balance row(s) differ from the ledger.")
