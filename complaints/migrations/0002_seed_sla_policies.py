"""SLA per complaint category, valid from the portal's launch; staff edit or supersede them.

Calendar hours. Being locked out (cannot log in) and appointment problems are answered fastest,
since they block everything else or have a date attached; balance questions need the branch to
check employer reports, so their resolution time is the longest.
"""

import datetime

from django.db import migrations

VALID_FROM = datetime.date(2026, 1, 1)
# category: (first response hours, resolution hours)
POLICIES = {
    "cannot_log_in": (8, 24),
    "duplicate_account": (24, 72),
    "data_update_failed": (24, 72),
    "balance_missing": (24, 120),
    "claim_problem": (8, 72),
    "appointment_problem": (8, 24),
    "service_unavailable": (8, 48),
    "other": (48, 168),
}
BRANCH_HEAD_GROUP = "Branch head"


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    for category, (first_response, resolution) in POLICIES.items():
        SlaPolicy.objects.update_or_create(
            category=category,
            valid_from=VALID_FROM,
            defaults={"first_response_hours": first_response, "resolution_hours": resolution},
        )
    apps.get_model("auth", "Group").objects.get_or_create(name=BRANCH_HEAD_GROUP)


def unseed(apps, schema_editor):
    apps.get_model("complaints", "SlaPolicy").objects.filter(valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, unseed)]
