"""Seed the membership rule tables from shared/DOMAIN.md (§1, §2, §4).

Dates: PP 44/45/46 2015 took effect on 1 July 2015; JKP (PP 37/2021) on 2 February 2021 and
its new funding (PP 6/2025) on 7 February 2025; PMI amounts (Permenaker 4/2023) on
1 April 2023. JP caps change "from about March" each year: seeded from 1 March, flagged
unconfirmed where DOMAIN.md says so. Staff edit all of these in the admin.
"""

import datetime
from decimal import Decimal

from django.db import migrations

D = datetime.date
START = D(2015, 7, 1)
JKP_START = D(2021, 2, 2)
JKP_NEW_FUNDING = D(2025, 2, 7)
PMI_START = D(2023, 4, 1)

MEMBERSHIPS = [
    # category, program, membership, valid_from
    ("PPU", "JKK", "mandatory", START),
    ("PPU", "JKM", "mandatory", START),
    ("PPU", "JHT", "mandatory", START),
    ("PPU", "JP", "mandatory", START),
    ("PPU", "JKP", "mandatory", JKP_START),
    ("BPU", "JKK", "mandatory", START),
    ("BPU", "JKM", "mandatory", START),
    ("BPU", "JHT", "optional", START),
    ("JAKON", "JKK", "mandatory", START),
    ("JAKON", "JKM", "mandatory", START),
    ("PMI", "JKK", "mandatory", START),
    ("PMI", "JKM", "mandatory", START),
    ("PMI", "JHT", "optional", START),
]

PPU_SOURCE = "PP 44/2015 jo PP 82/2019; PP 45/2015; PP 46/2015 (DOMAIN.md §2.1)"
RATES = [
    # category, program, risk, employer, worker, government, recomposed, from, to, source
    *[
        ("PPU", "JKK", risk, rate, "0", "0", "0", START, None, PPU_SOURCE)
        for risk, rate in enumerate(["0.24", "0.54", "0.89", "1.27", "1.74"], start=1)
    ],
    ("PPU", "JKM", None, "0.30", "0", "0", "0", START, None, PPU_SOURCE),
    ("PPU", "JHT", None, "3.70", "2.00", "0", "0", START, None, PPU_SOURCE),
    ("PPU", "JP", None, "2.00", "1.00", "0", "0", START, None, PPU_SOURCE),
    ("PPU", "JKP", None, "0", "0", "0.22", "0.24", JKP_START, JKP_NEW_FUNDING - datetime.timedelta(days=1),
     "PP 37/2021: 0.22 government + 0.14 of JKK + 0.10 of JKM"),
    ("PPU", "JKP", None, "0", "0", "0.22", "0.14", JKP_NEW_FUNDING, None,
     "PP 6/2025: 0.22 government + 0.14 of JKK"),
    ("BPU", "JKK", None, "0", "1.00", "0", "0", START, None, "PP 44/2015; Permenaker 5/2021"),
    ("BPU", "JHT", None, "0", "2.00", "0", "0", START, None, "PP 44/2015; Permenaker 5/2021"),
    ("JAKON", "JKK", None, "1.74", "0", "0", "0", START, None, "Perdir 22/2022 (wage known)"),
    ("JAKON", "JKM", None, "0.30", "0", "0", "0", START, None, "Perdir 22/2022 (wage known)"),
]  # fmt: skip

# JP wage cap: (year, amount, unconfirmed). Each holds from 1 March to the next change.
JP_CAPS = [
    (2015, 7_000_000, False), (2016, 7_335_300, False), (2017, 7_703_500, False),
    (2018, 8_094_000, False), (2019, 8_512_400, False), (2020, 8_939_700, True),
    (2021, 8_754_600, True), (2022, 9_077_600, True), (2023, 9_559_600, False),
    (2024, 10_042_300, False), (2025, 10_547_400, True),
]  # fmt: skip

AMOUNTS = [
    # key, variant, amount, from, to, unconfirmed, source
    ("jp_min_months", 0, 180, START, None, False, "UU SJSN Art. 41; PP 45/2015"),
    ("bpu_jkm_flat", 0, 6_800, START, None, False, "PP 44/2015 (DOMAIN.md §2.2)"),
    ("bpu_jkk_min", 0, 10_000, START, None, False, "1 % of Rp1 juta (DOMAIN.md §2.2)"),
    ("bpu_jkk_max", 0, 207_000, START, None, False, "1 % of Rp20.7 juta (DOMAIN.md §2.2)"),
    ("pmi_pre_departure", 0, 37_500, PMI_START, None, False, "Permenaker 4/2023 Art. 18"),
    ("pmi_placement", 6, 108_000, PMI_START, None, False, "Permenaker 4/2023 Art. 18"),
    ("pmi_placement", 12, 189_000, PMI_START, None, False, "Permenaker 4/2023 Art. 18"),
    ("pmi_placement", 24, 332_500, PMI_START, None, False, "Permenaker 4/2023 Art. 18"),
    ("pmi_extra_month", 0, 13_500, PMI_START, None, False, "Permenaker 4/2023 Art. 18"),
    *[
        ("pmi_jht_option", 0, amount, PMI_START, None, False, "DOMAIN.md §2.4 [S19]")
        for amount in (50_000, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000)
    ],
]

JAKON_TIERS = [
    # above, up to, JKK %, JKM %
    (0, 100_000_000, "0.21", "0.03"),
    (100_000_000, 500_000_000, "0.17", "0.02"),
    (500_000_000, 1_000_000_000, "0.13", "0.02"),
    (1_000_000_000, 5_000_000_000, "0.11", "0.01"),
    (5_000_000_000, None, "0.09", "0.01"),
]

# Pension age: 56 from the start, 57 from 2019, then +1 every 3 years to 65 in 2043.
_AGE_STEPS = [(56, 2015), (57, 2019), (58, 2022), (59, 2025), (60, 2028), (61, 2031), (62, 2034),
              (63, 2037), (64, 2040), (65, 2043)]  # fmt: skip
PENSION_AGES = [
    (
        age,
        START if year == 2015 else D(year, 1, 1),
        D(_AGE_STEPS[i + 1][1] - 1, 12, 31) if i + 1 < len(_AGE_STEPS) else None,
    )
    for i, (age, year) in enumerate(_AGE_STEPS)
]


def seed(apps, schema_editor):
    ProgramRule = apps.get_model("participants", "ProgramRule")
    ContributionRate = apps.get_model("participants", "ContributionRate")
    RuleAmount = apps.get_model("participants", "RuleAmount")
    JakonTier = apps.get_model("participants", "JakonTier")
    PensionAge = apps.get_model("participants", "PensionAge")

    ProgramRule.objects.bulk_create(
        ProgramRule(
            category=category, program=program, membership=membership, valid_from=valid_from,
            source="DOMAIN.md §1",
        )
        for category, program, membership, valid_from in MEMBERSHIPS
    )  # fmt: skip
    ContributionRate.objects.bulk_create(
        ContributionRate(
            category=category, program=program, risk_class=risk,
            employer_rate=Decimal(employer), worker_rate=Decimal(worker),
            government_rate=Decimal(government), recomposed_rate=Decimal(recomposed),
            valid_from=valid_from, valid_to=valid_to, source=source,
        )
        for category, program, risk, employer, worker, government, recomposed, valid_from,
        valid_to, source in RATES
    )  # fmt: skip
    caps = []
    for index, (year, amount, unconfirmed) in enumerate(JP_CAPS):
        last = index == len(JP_CAPS) - 1
        caps.append(
            RuleAmount(
                key="jp_wage_cap", variant=0, amount=amount,
                valid_from=START if year == 2015 else D(year, 3, 1),
                valid_to=None if last else D(year + 1, 3, 1) - datetime.timedelta(days=1),
                unconfirmed=unconfirmed or last,
                source="PP 45/2015 Art. 29; DOMAIN.md §2.1"
                + ("; open-ended until the next cap is published" if last else ""),
            )
        )  # fmt: skip
    RuleAmount.objects.bulk_create(caps)
    RuleAmount.objects.bulk_create(
        RuleAmount(
            key=key, variant=variant, amount=amount, valid_from=valid_from, valid_to=valid_to,
            unconfirmed=unconfirmed, source=source,
        )
        for key, variant, amount, valid_from, valid_to, unconfirmed, source in AMOUNTS
    )  # fmt: skip
    JakonTier.objects.bulk_create(
        JakonTier(
            lower_bound=lower, upper_bound=upper, jkk_rate=Decimal(jkk), jkm_rate=Decimal(jkm),
            valid_from=START, source="Perdir 22/PERDIR.02/072022 (DOMAIN.md §2.3)",
        )
        for lower, upper, jkk, jkm in JAKON_TIERS
    )  # fmt: skip
    PensionAge.objects.bulk_create(
        PensionAge(age=age, valid_from=valid_from, valid_to=valid_to,
                   source="PP 45/2015 Art. 15 (DOMAIN.md §4)")
        for age, valid_from, valid_to in PENSION_AGES
    )  # fmt: skip


def unseed(apps, schema_editor):
    for name in ["ProgramRule", "ContributionRate", "RuleAmount", "JakonTier", "PensionAge"]:
        apps.get_model("participants", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_membership_rules_ledger")]

    operations = [migrations.RunPython(seed, unseed)]
