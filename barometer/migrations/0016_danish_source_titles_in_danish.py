"""Two Danish figures' source titles ended in bokmål ("..., gjengitt av KS") inside a title
marked as Danish (``lang="da"``), so a screen reader read Norwegian with a Danish voice
and the English pages showed Norwegian. The title is the Danish source's own; that KS
quoted it goes into the translated note, as the shipped data now has it. Rows an admin has
changed since are left alone."""

from django.db import migrations

OLD_TITLE = "COI: Innovationsbarometeret, 1. udgave (2015), gjengitt av KS"
NEW_TITLE = "COI: Innovationsbarometeret, 1. udgave (2015)"
QUOTED = {
    "note_nb": "Gjengitt av KS i Innovasjonsbarometeret for kommunal sektor 2018.",
    "note_nn": "Attgjeve av KS i Innovasjonsbarometeret for kommunal sektor 2018.",
    "note_en": "As quoted by KS in Innovasjonsbarometeret for kommunal sektor 2018.",
}


def title_in_danish(apps, schema_editor):
    ReferenceFigure = apps.get_model("barometer", "ReferenceFigure")
    for figure in ReferenceFigure.objects.filter(source_title=OLD_TITLE):
        figure.source_title = NEW_TITLE
        for field, sentence in QUOTED.items():
            note = getattr(figure, field)
            if sentence not in note:
                setattr(figure, field, f"{note} {sentence}".strip())
        figure.save(update_fields=["source_title", *QUOTED])


class Migration(migrations.Migration):
    dependencies = [("barometer", "0015_rederive_published_ranges_counts")]

    operations = [migrations.RunPython(title_in_danish, migrations.RunPython.noop)]
