"""Recompute every JHT running balance from the ledger and report differences.

Without --fix it only reports (exit status 1 when a difference is found, for monitoring);
with --fix it rewrites the differing rows in one transaction.
"""

from django.core.management.base import BaseCommand, CommandError

from participants.ledger import ledger_balances_rebuild


class Command(BaseCommand):
    help = "Compare running JHT balances with the ledger; --fix rewrites the differing rows."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite differing balances.")

    def handle(self, *args, fix=False, **options):
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
