"""Analysts follow the rounds' response rates."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="barometer", codename="view_fieldwork")
    group, _ = Group.objects.get_or_create(name="Analytikere")
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Analytikere"):
        group.permissions.remove(*group.permissions.filter(codename="view_fieldwork"))


class Migration(migrations.Migration):
    dependencies = [("barometer", "0007_fieldwork_permission")]

    operations = [migrations.RunPython(grant, revoke)]
