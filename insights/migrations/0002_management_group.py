"""The "Management" group sees every branch's dashboard; branch staff need the view permission."""

from django.db import migrations

MANAGEMENT_GROUP = "Management"


def seed(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); this one is needed
    # now, and post_migrate later finds it by content type and codename.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="insights", model="dailysummary")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_dailysummary",
        defaults={"name": "Can view effectiveness dashboard"},
    )
    group, _ = Group.objects.get_or_create(name=MANAGEMENT_GROUP)
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
