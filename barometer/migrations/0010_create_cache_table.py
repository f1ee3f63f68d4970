"""The shared cache lives in the database unless Redis is configured: create its table as
part of migrating, so that no deployment can forget `createcachetable`."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("barometer", "0009_qualifier_help_text")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
