"""Demo data for `make run`: branches in Kabupaten Bandung, employers, participants, staff.

Idempotent: every row is keyed by a natural key and updated in place, so running it
again changes nothing and never duplicates.
"""

import datetime
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from appointments.demo import seed_branch_calendars
from core.models import Branch
from news.demo import seed_news_articles
from participants.models import BankAccount, Category, Employer, KpjCard, Participant, User

DEMO_PASSWORD = "jmo-demo-2026"  # noqa: S105 - demo data only, printed for the person trying it
# Staff must log in with a second factor (jmo_portal.security); the demo staff share this TOTP
# key, printed below, so a person trying the demo adds it to an authenticator app once, or asks
# `seed_demo --totp-code` for the current code. Demo data only: real staff enrol their own.
DEMO_TOTP_SECRET = "JMODEMOJMODEMOJMODEMOJMODEMOJMOD"  # noqa: S105

BRANCHES = [
    ("soreang", "KCP Soreang", "Jl. Raya Soreang, Kab. Bandung", "-7.0253", "107.5187"),
    ("majalaya", "KCP Majalaya", "Jl. Raya Majalaya, Kab. Bandung", "-7.0446", "107.7530"),
    ("baleendah", "KCP Baleendah", "Jl. Raya Baleendah, Kab. Bandung", "-6.9985", "107.6262"),
]
EMPLOYERS = [
    ("32040001", "PT Tekstil Majalaya Sejahtera", 3, "majalaya"),
    ("32040002", "PT Sepatu Soreang Makmur", 2, "soreang"),
    ("32040003", "CV Bangun Baleendah Konstruksi", 5, "baleendah"),
]
# nik, name, birth date, gender, category, branch, [(kpj, employer npp or None, joined)], login
PARTICIPANTS = [
    ("3204101203850001", "Budi Santoso", "1985-03-12", "M", "PPU", "majalaya",
     [("10000000011", "32040001", "2010-02-01")], "budi@demo.jmo.example"),
    ("3204106507900002", "Siti Aminah", "1990-07-25", "F", "PPU", "soreang",
     [("10000000022", "32040002", "2014-05-01"), ("10000000023", "32040001", "2019-09-01")],
     "siti@demo.jmo.example"),
    ("3204140108750003", "Asep Sunandar", "1975-08-01", "M", "BPU", "soreang",
     [("10000000033", None, "2018-01-15")], "asep@demo.jmo.example"),
    ("3204152004880004", "Dedi Kurniawan", "1988-04-20", "M", "JAKON", "baleendah",
     [("10000000044", "32040003", "2025-03-01")], None),
    ("3204114911960005", "Rina Marlina", "1996-11-09", "F", "PMI", "majalaya",
     [("10000000055", None, "2023-06-01")], None),
    ("3204120502700006", "Ujang Hermawan", "1970-02-05", "M", "BPU", "majalaya",
     [("10000000066", None, "2016-08-01")], None),
]  # fmt: skip
# An employer's registration of a known member that waits for them (issue 18): Kartu saya asks
# Budi to confirm or decline it. (nik, new kpj, employer npp, joined)
PENDING_LINKS = [("3204101203850001", "10000000012", "32040003", "2026-11-02")]
# Contacts on record for members without a login, as their employer reported them: signup sends
# its code there (printed in the console by `make run`). Ujang has none: the branch path.
CONTACTS_ON_RECORD = {
    "3204152004880004": {"phone": "081234560044"},
    "3204114911960005": {"email": "rina@demo.jmo.example"},
}
# Budi confirmed his mobile number by SMS code, so the demo shows logging in with it too.
VERIFIED_PHONES = {"3204101203850001": "081234560011"}
DEMO_BANK_ACCOUNTS = [("3204101203850001", "BJB", "0011223344"),
                      ("3204106507900002", "BRI", "0055667788990")]  # fmt: skip
STAFF = [
    ("staf.soreang@demo.jmo.example", "soreang"),
    ("staf.majalaya@demo.jmo.example", "majalaya"),
    ("staf.baleendah@demo.jmo.example", "baleendah"),
]
# Four eyes at Soreang: a second officer for approvals above the limit, and a finance officer
# who pays (the pay permission) and approves nothing.
SECOND_OFFICERS = [("petugas2.soreang@demo.jmo.example", "soreang")]
FINANCE_OFFICERS = [("keuangan.soreang@demo.jmo.example", "soreang")]
BRANCH_FINANCE_GROUP = "Branch finance"
BRANCH_FINANCE_PERMISSIONS = [
    ("claims", "view_claim"),
    ("claims", "pay_claim"),
    ("core", "view_branch"),
]
SUPERUSER = "admin@demo.jmo.example"
BRANCH_STAFF_GROUP = "Branch staff"
BRANCH_STAFF_PERMISSIONS = [
    ("participants", "view_participant"),
    ("participants", "change_participant"),
    ("participants", "view_kpjcard"),
    ("participants", "decide_employer_link"),
    ("participants", "view_employer"),
    ("core", "view_auditevent"),
    ("core", "view_branch"),
    ("claims", "view_claim"),
    ("claims", "add_claim"),
    ("claims", "change_claim"),
    ("claims", "view_claimrulevalue"),
    ("claims", "view_benefittablerow"),
    ("data_updates", "view_dataupdaterequest"),
    ("data_updates", "change_dataupdaterequest"),
    ("documents", "view_document"),
    ("documents", "change_document"),
    ("complaints", "view_ticket"),
    ("complaints", "change_ticket"),
    ("complaints", "view_slapolicy"),
    ("complaints", "view_selfhelpoffer"),
    ("participants", "view_contributionposting"),
    ("participants", "view_jhtbalance"),
    ("participants", "view_kpjbalance"),
    # Amalgamasi: branch staff approve or refuse a participant's balance merge.
    ("participants", "view_balancemergerequest"),
    ("participants", "change_balancemergerequest"),
    ("participants", "view_enrolment"),
    ("appointments", "view_appointment"),
    ("appointments", "change_appointment"),
    ("appointments", "view_queueticket"),
    ("appointments", "change_queueticket"),
    ("appointments", "view_servicetype"),
    ("appointments", "view_holiday"),
    ("insights", "view_dailysummary"),
    # Recovery at the counter: issue a code after the KTP check, confirm a colleague's code
    # (the "confirm" action needs change), lock or unlock online access.
    ("access", "view_branchrecoverycode"),
    ("access", "add_branchrecoverycode"),
    ("access", "change_branchrecoverycode"),
    ("access", "view_accesslock"),
    ("access", "add_accesslock"),
    ("access", "change_accesslock"),
]
# Contribution history per KPJ: (kpj, category inputs, first month, last month or None = last
# month, leaver). Amounts come from the dated rules in force each month.
CONTRIBUTIONS = [
    (
        "10000000011",
        {"category": "PPU", "monthly_wage": 6_500_000, "jkk_risk_class": 3},
        "2021-01-01",
        None,
        False,
    ),
    (
        "10000000022",
        {"category": "PPU", "monthly_wage": 4_200_000, "jkk_risk_class": 2},
        "2017-01-01",
        "2019-08-01",
        True,
    ),
    (
        "10000000023",
        {"category": "PPU", "monthly_wage": 5_800_000, "jkk_risk_class": 3},
        "2019-09-01",
        None,
        False,
    ),
    (
        "10000000033",
        {"category": "BPU", "monthly_wage": 3_000_000, "include_jht": True},
        "2022-01-01",
        None,
        False,
    ),
    (
        "10000000055",
        {
            "category": "PMI",
            "pmi_phase": "placement",
            "contract_months": 24,
            "include_jht": True,
            "jht_amount": 100_000,
        },
        "2023-06-01",
        None,
        False,
    ),
    ("10000000066", {"category": "BPU", "monthly_wage": 2_000_000}, "2023-01-01", None, False),
]


def demo_totp_code() -> str:
    """The code an authenticator app shows right now for DEMO_TOTP_SECRET."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counters[len(counters) // 2]))


class Command(BaseCommand):
    help = "Load demo branches, employers, participants and staff (safe to run again)."
    _password_hash: str | None = None

    def add_arguments(self, parser):
        parser.add_argument(
            "--totp-code",
            action="store_true",
            help="Only print the current two-step login code of the demo staff accounts.",
        )

    def handle(self, *args, **options):
        if options["totp_code"]:
            self.stdout.write(demo_totp_code())
            return
        with transaction.atomic():
            self._seed()
        self._insights()
        self._print_logins()

    def _insights(self):
        """Made-up history for the effectiveness dashboard, then its daily summaries."""
        from insights.aggregation import insights_aggregate_range
        from insights.demo import HISTORY_DAYS, seed_insights_history

        staff = {user.branch_id: user for user in User.objects.filter(email__in=dict(STAFF))}
        seed_insights_history(staff_by_branch=staff)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        first = yesterday - datetime.timedelta(days=HISTORY_DAYS)
        insights_aggregate_range(first=first, last=yesterday)

    def _seed(self):
        # allauth names the site in its mails; the same host as every link in them.
        domain = urlsplit(settings.PORTAL_BASE_URL).netloc
        Site.objects.update_or_create(
            pk=settings.SITE_ID, defaults={"domain": domain, "name": "JMO Portal"}
        )
        branches = {}
        for code, name, address, lat, lon in BRANCHES:
            branches[code], _ = Branch.objects.update_or_create(
                code=code,
                defaults={"name": name, "address": address, "latitude": lat, "longitude": lon},
            )
        seed_branch_calendars(branches)
        employers = {}
        for npp, name, risk, branch in EMPLOYERS:
            employers[npp], _ = Employer.objects.update_or_create(
                registration_number=npp,
                defaults={"name": name, "jkk_risk_class": risk, "branch": branches[branch]},
            )
        for nik, name, born, gender, category, branch, cards, login in PARTICIPANTS:
            user = self._user(login) if login else None
            participant, _ = Participant.objects.update_or_create(
                nik=nik,
                defaults={
                    "full_name": name,
                    "birth_date": datetime.date.fromisoformat(born),
                    "gender": gender,
                    "category": Category(category),
                    "branch": branches[branch],
                    "email": login or "",
                    **({"user": user} if user else {}),
                    **CONTACTS_ON_RECORD.get(nik, {}),
                },
            )
            if nik in VERIFIED_PHONES and participant.phone_verified_at is None:
                participant.phone = VERIFIED_PHONES[nik]
                participant.phone_verified_at = timezone.now()
                participant.save(update_fields=["phone", "phone_verified_at"])
            for number, npp, joined in cards:
                KpjCard.objects.update_or_create(
                    number=number,
                    defaults={
                        "participant": participant,
                        "employer": employers[npp] if npp else None,
                        "joined_on": datetime.date.fromisoformat(joined),
                    },
                )
        for nik, number, npp, joined in PENDING_LINKS:
            # Created once: a demo run after Budi answered leaves his answer alone.
            KpjCard.objects.get_or_create(
                number=number,
                defaults={
                    "participant": Participant.objects.get(nik=nik),
                    "employer": employers[npp],
                    "joined_on": datetime.date.fromisoformat(joined),
                    "status": KpjCard.Status.PENDING,
                },
            )
        # Verified payout accounts (pengkinian) for the demo logins: claims pay into these.
        for nik, bank, number in DEMO_BANK_ACCOUNTS:
            participant = Participant.objects.get(nik=nik)
            BankAccount.objects.update_or_create(
                participant=participant,
                defaults={
                    "bank": bank,
                    "account_number": number,
                    "account_name": participant.full_name.upper(),
                },
            )
        group, _ = Group.objects.get_or_create(name=BRANCH_STAFF_GROUP)
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in BRANCH_STAFF_PERMISSIONS
        )
        for email, branch in STAFF + SECOND_OFFICERS:
            staff = self._user(email, is_staff=True, branch=branches[branch])
            staff.groups.add(group)
            self._totp(staff)
        finance, _ = Group.objects.get_or_create(name=BRANCH_FINANCE_GROUP)
        finance.permissions.set(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in BRANCH_FINANCE_PERMISSIONS
        )
        for email, branch in FINANCE_OFFICERS:
            officer = self._user(email, is_staff=True, branch=branches[branch])
            officer.groups.add(finance)
            self._totp(officer)
        self._totp(self._user(SUPERUSER, is_staff=True, is_superuser=True))
        self._contributions()
        seed_news_articles(now=timezone.now())

    def _contributions(self):
        """Enrolments and monthly postings through the ledger, once per card: each month
        as a report paid on the 10th of the month after, moving the running balances."""
        from participants import rules
        from participants.ledger import ContributionLine, ledger_contributions_post_bulk
        from participants.models import ContributionPosting, Enrolment
        from participants.selectors import rules_load
        from participants.services import kpj_card_report_leaver

        rule_rows = rules_load()
        today = timezone.localdate()
        last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        cards = KpjCard.objects.in_bulk([row[0] for row in CONTRIBUTIONS], field_name="number")
        for number, inputs, first, last, leaver in CONTRIBUTIONS:
            card = cards[number]
            if ContributionPosting.objects.filter(kpj_card=card).exists():
                continue
            month = datetime.date.fromisoformat(first)
            end = datetime.date.fromisoformat(last) if last else last_month
            enrolled = set()
            while month <= end:
                result = rules.contribution_calculate(
                    rule_rows, rules.ContributionInput(on_date=month, **inputs)
                )
                lines = []
                for program in result.programs:
                    if program.total == 0:
                        continue
                    if program.program == rules.PMI_PACKAGE:
                        if enrolled:  # PMI pays the package once, at the start of placement
                            continue
                        enrolled.update({"JKK", "JKM"})
                        code = "JKK"
                    else:
                        code = program.program
                        enrolled.add(code)
                    lines.append(
                        ContributionLine(
                            card_id=card.pk, participant_id=card.participant_id, month=month,
                            program=code, employer=program.employer, worker=program.worker,
                            wage=inputs.get("monthly_wage"),
                        )
                    )  # fmt: skip
                if lines:
                    paid_on = month.replace(day=10) + datetime.timedelta(days=31)
                    ledger_contributions_post_bulk(lines=lines, paid_on=paid_on)
                month = (month + datetime.timedelta(days=32)).replace(day=1)
            for program in sorted(enrolled):
                Enrolment.objects.get_or_create(
                    kpj_card=card, program=program, started_on=datetime.date.fromisoformat(first)
                )
            if leaver:
                kpj_card_report_leaver(kpj_card=card, left_on=end + datetime.timedelta(days=30),
                                       actor=None)  # fmt: skip

    def _user(self, email, **fields):
        user, created = User.objects.update_or_create(email=email, defaults=fields)
        if created:
            # Every demo login has the same printed password: hashed once (Argon2 is slow on
            # purpose), not once per account.
            if self._password_hash is None:
                self._password_hash = make_password(DEMO_PASSWORD)
            user.password = self._password_hash
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    @staticmethod
    def _totp(user):
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)

    def _print_logins(self):
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data loaded. Logins (password for all: {DEMO_PASSWORD}):"))
        for nik, name, *_rest, login in PARTICIPANTS:
            if login:
                write(f"  participant  {login:<34} {name}")
                if nik in VERIFIED_PHONES:
                    write(f"               {'or ' + VERIFIED_PHONES[nik] + ' / NIK ' + nik:<34}")
        for email, branch in STAFF + SECOND_OFFICERS:
            write(f"  staff        {email:<34} branch {branch}")
        for email, branch in FINANCE_OFFICERS:
            write(f"  finance      {email:<34} branch {branch} (pays claims, approves none)")
        write(f"  superuser    {SUPERUSER}")
        write(
            "Staff and superuser: after the password the portal asks for a two-step login code. "
            f"Add the key {DEMO_TOTP_SECRET} to an authenticator app (time-based, 6 digits), "
            "or run `python manage.py seed_demo --totp-code` for the current code."
        )
        write(
            "Not yet registered (try /accounts/signup/ with these; the code goes to the contact "
            "on record and is printed here, by mail or SMS):"
        )
        for nik, name, born, *_rest, cards, login in PARTICIPANTS:
            if not login:
                write(f"  NIK {nik}  KPJ {cards[0][0]}  {name}  born {born}")
