"""Drop the table of DRF's former ``rest_framework.authtoken``, which kept every API token in
plain text (issue 12, finding 11). Tokens are django-rest-knox's now (digests only); the old
ones stopped working when the app was removed, and this removes their keys from the database.
A database that never had the table is left as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.RunSQL(
            "DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop
        ),
    ]
