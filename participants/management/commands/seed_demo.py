"""Demo data for `make run`: branches in Kabupaten Bandung, employers, participants, staff.

Idempotent: every row is keyed by a natural key and updated in place, so running it
again changes nothing and never duplicates.
"""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction

from appointments.demo import seed_branch_calendars
from appointments.models import Branch
from participants.models import Category, Employer, KpjCard, Participant, User

DEMO_PASSWORD = "jmo-demo-2026"  # noqa: S105 - demo data only, printed for the person trying it

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
STAFF = [
    ("staf.soreang@demo.jmo.example", "soreang"),
    ("staf.majalaya@demo.jmo.example", "majalaya"),
    ("staf.baleendah@demo.jmo.example", "baleendah"),
]
SUPERUSER = "admin@demo.jmo.example"
BRANCH_STAFF_GROUP = "Branch staff"
BRANCH_STAFF_PERMISSIONS = [
    ("participants", "view_participant"),
    ("participants", "change_participant"),
    ("participants", "view_kpjcard"),
    ("participants", "view_employer"),
    ("participants", "view_auditevent"),
    ("appointments", "view_branch"),
    ("appointments", "view_appointment"),
    ("appointments", "change_appointment"),
    ("appointments", "view_servicetype"),
    ("appointments", "view_holiday"),
]


class Command(BaseCommand):
    help = "Load demo branches, employers, participants and staff (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            self._seed()
        self._print_logins()

    def _seed(self):
        Site.objects.update_or_create(
            pk=settings.SITE_ID, defaults={"domain": "127.0.0.1:8000", "name": "JMO Portal"}
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
                },
            )
            for number, npp, joined in cards:
                KpjCard.objects.update_or_create(
                    number=number,
                    defaults={
                        "participant": participant,
                        "employer": employers[npp] if npp else None,
                        "joined_on": datetime.date.fromisoformat(joined),
                    },
                )
        group, _ = Group.objects.get_or_create(name=BRANCH_STAFF_GROUP)
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in BRANCH_STAFF_PERMISSIONS
        )
        for email, branch in STAFF:
            self._user(email, is_staff=True, branch=branches[branch]).groups.add(group)
        self._user(SUPERUSER, is_staff=True, is_superuser=True)

    def _user(self, email, **fields):
        user, created = User.objects.update_or_create(email=email, defaults=fields)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _print_logins(self):
        write = self.stdout.write
        write(self.style.SUCCESS(f"Demo data loaded. Logins (password for all: {DEMO_PASSWORD}):"))
        for _nik, name, *_rest, login in PARTICIPANTS:
            if login:
                write(f"  participant  {login:<34} {name}")
        for email, branch in STAFF:
            write(f"  staff        {email:<34} branch {branch}")
        write(f"  superuser    {SUPERUSER}")
        write("Not yet registered (try /accounts/signup/ with these):")
        for nik, name, born, *_rest, cards, login in PARTICIPANTS:
            if not login:
                write(f"  NIK {nik}  KPJ {cards[0][0]}  {name}  born {born}")
