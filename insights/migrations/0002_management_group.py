"""The "Management" group sees every branch's dashboard; branch staff need the view permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGEMENT_GROUP = "Management"


def seed(apps, schema_editor):
    # Permissions are normally created after all migrations; this one is needed now.
    create_permissions(apps.get_app_config("insights"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MANAGEMENT_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="insights", codename="view_dailysummary")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
