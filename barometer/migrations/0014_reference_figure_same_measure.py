"""Whether a published figure measures what its indicator does; the shipped figures that do
not (every Danish one, and two Norwegian ones asked another way) are marked so at once."""

from django.db import migrations, models

#: The shipped Norwegian figures about another question than their indicator's.
OTHER_QUESTION = ["no2018-political-leadership", "no2020-employees-key-role"]


def mark_other_measures(apps, schema_editor):
    ReferenceFigure = apps.get_model("barometer", "ReferenceFigure")
    ReferenceFigure.objects.filter(models.Q(country="DK") | models.Q(key__in=OTHER_QUESTION)).update(same_measure=False)


class Migration(migrations.Migration):
    dependencies = [
        ("barometer", "0013_derive_published_ranges"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreferencefigure",
            name="same_measure",
            field=models.BooleanField(
                default=True,
                help_text="Tick only when the figure answers the same question about the same population as its indicator (Norwegian workplaces, not Danish innovations; initiating, not a 'key role'). Only then does a round's figure get a verdict against it; otherwise it is shown beside it with its note.",
                verbose_name="measures what its indicator measures",
            ),
        ),
        migrations.AddField(
            model_name="referencefigure",
            name="same_measure",
            field=models.BooleanField(
                default=True,
                help_text="Tick only when the figure answers the same question about the same population as its indicator (Norwegian workplaces, not Danish innovations; initiating, not a 'key role'). Only then does a round's figure get a verdict against it; otherwise it is shown beside it with its note.",
                verbose_name="measures what its indicator measures",
            ),
        ),
        migrations.RunPython(mark_other_measures, migrations.RunPython.noop),
    ]
