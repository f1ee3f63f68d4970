"""The three collaboration indicators named as the others are, by what holds for a
workplace ("Samarbeidet med …", "Collaborated with …"), not as a share ("Andel som
samarbeidet med …", "Share that collaborated with …"): the staff view says of a name
whether it holds for the workplace («… : stemmer for denne virksomheten»), which a share
cannot, and the tables give the share beside the name anyway. What each counts is
unchanged from migration 0021.

A name is changed only where it still holds the shipped words; an admin's own words are
left alone.
"""

from django.db import migrations

#: key -> field -> (shipped before, shipped now)
CHANGES = {
    "municipal-collaboration": {
        "name_nb": (
            "Andel som samarbeidet med andre (fylkes)kommunale virksomheter, i egen eller en annen (fylkes)kommune",
            "Samarbeidet med andre (fylkes)kommunale virksomheter, i egen eller en annen (fylkes)kommune",
        ),
        "name_nn": (
            "Prosentdel som samarbeidde med andre (fylkes)kommunale verksemder, i eigen eller ein annan (fylkes)kommune",
            "Samarbeidde med andre (fylkes)kommunale verksemder, i eigen eller ein annan (fylkes)kommune",
        ),
        "name_en": (
            "Share that collaborated with other municipal or county workplaces, in their own municipality or another",
            "Collaborated with other municipal or county workplaces, in their own municipality or another",
        ),
    },
    "collaboration-own-municipality": {
        "name_nb": (
            "Andel som samarbeidet med andre virksomheter i egen (fylkes)kommune",
            "Samarbeidet med andre virksomheter i egen (fylkes)kommune",
        ),
        "name_nn": (
            "Prosentdel som samarbeidde med andre verksemder i eigen (fylkes)kommune",
            "Samarbeidde med andre verksemder i eigen (fylkes)kommune",
        ),
        "name_en": (
            "Share that collaborated with other workplaces in their own municipality or county",
            "Collaborated with other workplaces in their own municipality or county",
        ),
    },
    "collaboration-outside-municipality": {
        "name_nb": (
            "Andel som samarbeidet med kommunale, fylkeskommunale eller statlige virksomheter utenfor egen (fylkes)kommune",
            "Samarbeidet med kommunale, fylkeskommunale eller statlige virksomheter utenfor egen (fylkes)kommune",
        ),
        "name_nn": (
            "Prosentdel som samarbeidde med kommunale, fylkeskommunale eller statlege verksemder utanfor eigen (fylkes)kommune",
            "Samarbeidde med kommunale, fylkeskommunale eller statlege verksemder utanfor eigen (fylkes)kommune",
        ),
        "name_en": (
            "Share that collaborated with municipal, county or state workplaces outside their own municipality or county",
            "Collaborated with municipal, county or state workplaces outside their own municipality or county",
        ),
    },
}


def _apply(model, forward: bool) -> None:
    """Each name to its new words (``forward``) or back, where it holds the other ones."""
    for key, fields in CHANGES.items():
        for field, (before, after) in fields.items():
            old, new = (before, after) if forward else (after, before)
            model.objects.filter(key=key, **{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    _apply(apps.get_model("barometer", "Indicator"), True)


def backwards(apps, schema_editor):
    _apply(apps.get_model("barometer", "Indicator"), False)


class Migration(migrations.Migration):
    dependencies = [("barometer", "0024_english_texts_say_managers_and_someone_else_s_solution")]

    operations = [migrations.RunPython(forwards, backwards)]
