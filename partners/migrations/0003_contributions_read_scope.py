"""Reading contribution reports now needs the scope `contributions:read`. Every key that held
`contributions:write` could read its reports until now, so it is given the read scope too:
partners' systems keep working without a visit to the branch, and no key gains a power it did
not have. New keys get the scopes staff tick."""

from django.db import migrations

READ, WRITE = "contributions:read", "contributions:write"


def grant_read(apps, schema_editor):
    credential = apps.get_model("partners", "PartnerCredential")
    # Keys are few (one or two per employer system); a JSON `contains` lookup is not on SQLite.
    for key in credential.objects.only("scopes").iterator():
        if WRITE in key.scopes and READ not in key.scopes:
            key.scopes = sorted({*key.scopes, READ})
            key.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_contribution_report_state_names")]

    operations = [migrations.RunPython(grant_read, migrations.RunPython.noop)]
