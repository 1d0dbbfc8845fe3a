"""Seed the temporary JKK relief for labour-intensive industries (DOMAIN.md §2.1, [S10]).

PP 7/2025 (signed and in force 7 February 2025) cuts the JKK contribution by 50 % for every
risk class, for the contribution months February to July 2025; PP 36/2025 Art. 10A extends
it "up to the JKK contribution for January 2026". Which employers qualify (six industries,
at least 50 active participants) is a flag staff set on the employer.
"""

import datetime
from decimal import Decimal

from django.db import migrations

D = datetime.date
RELIEFS = [
    # discount %, first month, last day, source
    ("50", D(2025, 2, 1), D(2025, 7, 31), "PP 7/2025 Art. 4: JKK cut 50 %, February-July 2025"),
    ("50", D(2025, 8, 1), D(2026, 1, 31),
     "PP 36/2025 Art. 10A: PP 7/2025 extended to the January 2026 contribution"),
]  # fmt: skip


def seed(apps, schema_editor):
    JkkRelief = apps.get_model("participants", "JkkRelief")
    JkkRelief.objects.bulk_create(
        JkkRelief(
            discount_percent=Decimal(discount), valid_from=valid_from, valid_to=valid_to,
            source=source,
        )
        for discount, valid_from, valid_to, source in RELIEFS
    )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("participants", "JkkRelief").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0010_jkk_relief")]

    operations = [migrations.RunPython(seed, unseed)]
