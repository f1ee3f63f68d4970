"""The nynorsk statement of the Danish 79 % figure said "innovasjonar gjorde i samarbeid"
(a past tense where a participle belongs); it is "gjort", as the shipped data now has it.
A row an admin has changed since is left alone."""

from django.db import migrations

OLD = "Offentlege innovasjonar gjorde i samarbeid med éin eller fleire aktørar utanfor arbeidsplassen"
NEW = "Offentlege innovasjonar gjort i samarbeid med éin eller fleire aktørar utanfor arbeidsplassen"


def participle(apps, schema_editor):
    ReferenceFigure = apps.get_model("barometer", "ReferenceFigure")
    ReferenceFigure.objects.filter(statement_nn=OLD).update(statement_nn=NEW)


class Migration(migrations.Migration):
    dependencies = [("barometer", "0016_danish_source_titles_in_danish")]

    operations = [migrations.RunPython(participle, migrations.RunPython.noop)]
