"""Seed the dated claim values from DOMAIN.md §3–§5 (staff edit them in the admin later)."""

import datetime

from django.db import migrations

D = datetime.date
PP46 = D(2015, 7, 1)  # PP 44/45/46 of 2015 in force
PP82 = D(2019, 12, 2)  # PP 82/2019 (JKM/JKK amounts)

# key, value, valid_from, valid_to, unconfirmed, source
VALUES = [
    ("jht_online_limit", 10_000_000, D(2021, 1, 1), D(2025, 4, 30), True,
     "DOMAIN.md §3 [S26][S27][S28]: Rp10 juta in the JMO app 2021-Apr 2025; start date unconfirmed"),
    ("jht_online_limit", 15_000_000, D(2025, 5, 1), None, False,
     "DOMAIN.md §3 [S26][S27]: Rp15 juta from May 2025"),
    ("jht_retirement_age", 56, PP46, None, False, "PP 46/2015; DOMAIN.md §3"),
    ("jht_waiting_months", 1, PP46, None, False, "Permenaker 19/2015, 4/2022; DOMAIN.md §3"),
    ("jht_partial_min_membership_months", 120, PP46, None, False, "PP 46/2015 Art. 22(4)"),
    ("jht_partial_housing_percent", 30, PP46, None, False, "PP 46/2015 Art. 22(5)"),
    ("jht_partial_other_percent", 10, PP46, None, False, "PP 46/2015 Art. 22(5)"),
    ("jp_monthly_min_contribution_months", 180, PP46, None, False, "UU SJSN Art. 41; DOMAIN.md §4"),
    ("jp_survivor_min_membership_months", 12, PP46, None, False, "Permenaker 29/2015 Art. 26"),
    ("jp_survivor_min_density_percent", 80, PP46, None, False, "Permenaker 29/2015 Art. 26"),
    ("jkm_death_benefit", 20_000_000, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkm_periodic_benefit", 12_000_000, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkm_funeral_benefit", 10_000_000, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkm_scholarship_min_contribution_months", 36, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkm_scholarship_per_child", 87_000_000, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkm_scholarship_max_children", 2, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkk_stmb_full_months", 12, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkk_stmb_full_percent", 100, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("jkk_stmb_after_percent", 50, PP82, None, False, "PP 82/2019; DOMAIN.md §5"),
    ("processing_working_days", 5, D(2022, 4, 26), None, False, "Permenaker 4/2022; DOMAIN.md §3"),
]  # fmt: skip


def seed(apps, schema_editor):
    ClaimRuleValue = apps.get_model("claims", "ClaimRuleValue")
    for key, value, valid_from, valid_to, unconfirmed, source in VALUES:
        ClaimRuleValue.objects.update_or_create(
            key=key,
            valid_from=valid_from,
            defaults={
                "value": value,
                "valid_to": valid_to,
                "unconfirmed": unconfirmed,
                "source": source,
            },
        )


def unseed(apps, schema_editor):
    ClaimRuleValue = apps.get_model("claims", "ClaimRuleValue")
    for key, _value, valid_from, *_rest in VALUES:
        ClaimRuleValue.objects.filter(key=key, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
