"""Seed the benefit values of issue 19 (JP amounts, JKM for PMI, JKK, JKP, the JHT disability
date) and the benefit tables. Sources beside each row; UNCONFIRMED rows say why."""

import datetime

from django.db import migrations

D = datetime.date
PP45 = D(2015, 7, 1)  # PP 44/45/46 of 2015 in force
PP82 = D(2019, 12, 2)  # PP 82/2019 (JKM/JKK amounts)
JKP_START = D(2021, 2, 2)  # PP 37/2021
PP6_2025 = D(2025, 2, 7)  # PP 6/2025 amends PP 37/2021
PMI_2023 = D(2023, 4, 1)  # Permenaker 4/2023 (same start as the PMI fees in participants)

# key, value, valid_from, valid_to, unconfirmed, source
VALUES = [
    ("jht_disability_from_next_month", 1, PP45, None, True,
     "Permenaker 2/2022 Art. 7(2): from the 1st of the month after certification; "
     "the 4/2022 text was not found, assumed kept (DOMAIN.md §3)"),
    # Indexed every year; the 2016-2022 values were not found, so the 2015 ones stay.
    ("jp_benefit_floor", 300_000, PP45, D(2022, 12, 31), True,
     "PP 45/2015; DOMAIN.md §4 (2015 value; 2016-2022 indexed values UNCONFIRMED)"),
    ("jp_benefit_ceiling", 3_600_000, PP45, D(2022, 12, 31), True,
     "PP 45/2015; DOMAIN.md §4 (2015 value; 2016-2022 indexed values UNCONFIRMED)"),
    ("jp_benefit_floor", 383_400, D(2023, 1, 1), D(2023, 12, 31), False, "DOMAIN.md §4 [S7]"),
    ("jp_benefit_ceiling", 4_598_100, D(2023, 1, 1), None, True,
     "DOMAIN.md §4 [S7]: 2023 value; the 2024 ceiling is UNCONFIRMED, the 2023 one is kept"),
    ("jp_benefit_floor", 393_500, D(2024, 1, 1), None, False, "DOMAIN.md §4 [S7]: 2024 floor"),
    ("jp_widow_percent", 50, PP45, None, True,
     "PP 45/2015 (widow/widower pension) as commonly quoted; the article text was not found"),
    ("jp_child_percent", 50, PP45, None, True,
     "PP 45/2015 (child pension) as commonly quoted; the article text was not found"),
    ("jp_parent_percent", 20, PP45, None, True,
     "PP 45/2015 (parent pension) as commonly quoted; the article text was not found"),
    ("jp_child_max_age", 23, PP45, None, False, "PP 45/2015; DOMAIN.md §4 [S31][S34]"),
    ("jp_child_max_count", 2, PP45, None, False, "PP 45/2015; DOMAIN.md §4 [S31][S34]"),
    ("jkm_pmi_work_period_total", 85_000_000, PMI_2023, None, False,
     "Permenaker 4/2023; BPJS Ketenagakerjaan article 18896 (DOMAIN.md §5)"),
    ("jkk_death_wage_multiple", 48, PP82, None, False, "PP 82/2019; DOMAIN.md §5 [S40]-[S43]"),
    ("jkk_periodic_benefit", 12_000_000, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkk_funeral_benefit", 10_000_000, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkk_disability_wage_multiple", 80, PP82, None, False,
     "PP 82/2019: table % × 80 × wage; DOMAIN.md §5"),
    ("jkk_total_disability_percent", 70, PP82, None, True,
     "70 % × 80 × wage: seen only in the ASN rule (Peraturan BKN 4/2020 Art. 19), DOMAIN.md §5"),
    # PP 37/2021 Art. 21: 45 % for 3 months, then 25 % for 3 months; PP 6/2025 Art. 21(1):
    # 60 % for at most 6 months; wage cap Rp5 juta (Art. 21(2) in both).
    ("jkp_first_months", 3, JKP_START, D(2025, 2, 6), False,
     "PP 37/2021 Art. 21 (okezone 2025/02/17)"),
    ("jkp_first_percent", 45, JKP_START, D(2025, 2, 6), False,
     "PP 37/2021 Art. 21 (okezone 2025/02/17)"),
    ("jkp_later_percent", 25, JKP_START, D(2025, 2, 6), False,
     "PP 37/2021 Art. 21 (okezone 2025/02/17)"),
    ("jkp_first_months", 6, PP6_2025, None, False,
     "PP 6/2025 Art. 21(1) (wahananews, kaltenglima, okezone 2025/02/17)"),
    ("jkp_first_percent", 60, PP6_2025, None, False,
     "PP 6/2025 Art. 21(1) (wahananews, kaltenglima, okezone 2025/02/17)"),
    ("jkp_later_percent", 0, PP6_2025, None, False, "PP 6/2025 Art. 21(1): one rate only"),
    ("jkp_benefit_months", 6, JKP_START, None, False, "PP 37/2021 Art. 21; PP 6/2025 Art. 21(1)"),
    ("jkp_wage_cap", 5_000_000, JKP_START, None, False,
     "PP 37/2021 Art. 21(2); PP 6/2025 Art. 21(2): last reported wage, at most Rp5 juta"),
    ("jkp_min_contribution_months", 12, JKP_START, None, True,
     "PP 37/2021 Art. 19(3): 12 months within 24; not re-checked in the PP 6/2025 text"),
    ("jkp_window_months", 24, JKP_START, None, True,
     "PP 37/2021 Art. 19(3): 12 months within 24; not re-checked in the PP 6/2025 text"),
    ("jkp_consecutive_months", 6, JKP_START, None, True,
     "PP 37/2021 Art. 19(3): 6 months in a row before the PHK; not re-checked in PP 6/2025"),
    ("jkp_max_registration_age", 54, JKP_START, None, False, "PP 6/2025 Art. 4; DOMAIN.md §1 [S2]"),
]  # fmt: skip

# table, code, value, count, valid_from, valid_to, unconfirmed, source
SCHOLARSHIP = "PP 82/2019; DOMAIN.md §5 [S36][S37]"
INFLATION = (
    "BPS general inflation, December year on year, as recalled; not in DOMAIN.md's sources. "
    "PP 45/2015 Art. 17(3): the weighted wage is adjusted by general inflation"
)
DISABILITY = (
    "PP 44/2015 Lampiran III (PP 82/2019) partial-disability table as recalled; "
    "the table text was not found in stored pages"
)
ROWS = [
    ("jkm_scholarship", "tk", 1_500_000, 2, PP82, None, False, SCHOLARSHIP),
    ("jkm_scholarship", "sd", 1_500_000, 6, PP82, None, False, SCHOLARSHIP),
    ("jkm_scholarship", "smp", 2_000_000, 3, PP82, None, False, SCHOLARSHIP),
    ("jkm_scholarship", "sma", 3_000_000, 3, PP82, None, False, SCHOLARSHIP),
    ("jkm_scholarship", "pt", 12_000_000, 5, PP82, None, False, SCHOLARSHIP),
    *[
        ("jp_inflation", str(year), bp, 0, D(year, 1, 1), D(year, 12, 31), True, INFLATION)
        for year, bp in (
            (2015, 335), (2016, 302), (2017, 361), (2018, 313), (2019, 272), (2020, 168),
            (2021, 187), (2022, 551), (2023, 261), (2024, 157),
        )
    ],
    *[
        ("jkk_disability", code, percent, 0, PP82, None, True, DISABILITY)
        for code, percent in (
            ("arm_right_shoulder", 40), ("arm_left_shoulder", 35), ("arm_right_elbow", 35),
            ("arm_left_elbow", 30), ("hand_right_wrist", 32), ("hand_left_wrist", 28),
            ("leg_hip", 40), ("legs_hip", 70), ("foot_ankle", 25), ("feet_ankle", 50),
            ("eye", 35), ("eyes", 70), ("ear", 20), ("ears", 40), ("thumb_right", 15),
            ("thumb_left", 12), ("index_right", 9), ("index_left", 7),
        )
    ],
]  # fmt: skip


def seed(apps, schema_editor):
    ClaimRuleValue = apps.get_model("claims", "ClaimRuleValue")
    BenefitTableRow = apps.get_model("claims", "BenefitTableRow")
    for key, value, valid_from, valid_to, unconfirmed, source in VALUES:
        ClaimRuleValue.objects.update_or_create(
            key=key,
            valid_from=valid_from,
            defaults={"value": value, "valid_to": valid_to, "unconfirmed": unconfirmed,
                      "source": source},
        )  # fmt: skip
    for table, code, value, count, valid_from, valid_to, unconfirmed, source in ROWS:
        BenefitTableRow.objects.update_or_create(
            table=table,
            code=code,
            valid_from=valid_from,
            defaults={"value": value, "count": count, "valid_to": valid_to,
                      "unconfirmed": unconfirmed, "source": source},
        )  # fmt: skip


def unseed(apps, schema_editor):
    ClaimRuleValue = apps.get_model("claims", "ClaimRuleValue")
    BenefitTableRow = apps.get_model("claims", "BenefitTableRow")
    for key, _value, valid_from, *_rest in VALUES:
        ClaimRuleValue.objects.filter(key=key, valid_from=valid_from).delete()
    BenefitTableRow.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_benefit_tables_jkp_and_rule_keys")]

    operations = [migrations.RunPython(seed, unseed)]
