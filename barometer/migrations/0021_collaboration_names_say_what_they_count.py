"""Collaboration indicators' names say what they count, as the shipped data now has them.

"Kommunalt samarbeid" (municipal-collaboration) counts collaboration with other municipal or
county workplaces in the own municipality or another, not only "municipal" collaboration
in general; "Samarbeid med virksomheter i egen kommune" counts other workplaces in the own
municipality or county authority only; "... offentlige virksomheter utenfor egen kommune"
counts municipal, county or state workplaces outside it. Each name now names the options it
counts (``barometer/data/indicators.json``).

A name is changed only where it still holds the text shipped before; an admin's own wording
is left alone.
"""

from django.db import migrations

#: key -> field -> (shipped before, shipped now)
INDICATORS = {
    "municipal-collaboration": {
        "name_nb": (
            "Kommunalt samarbeid",
            "Andel som samarbeidet med andre (fylkes)kommunale virksomheter, i egen eller en annen (fylkes)kommune",
        ),
        "name_nn": (
            "Kommunalt samarbeid",
            "Prosentdel som samarbeidde med andre (fylkes)kommunale verksemder, i eigen eller ein annan (fylkes)kommune",
        ),
        "name_en": (
            "Municipal collaboration",
            "Share that collaborated with other municipal or county workplaces, in their own municipality or another",
        ),
    },
    "collaboration-own-municipality": {
        "name_nb": (
            "Samarbeid med virksomheter i egen kommune",
            "Andel som samarbeidet med andre virksomheter i egen (fylkes)kommune",
        ),
        "name_nn": (
            "Samarbeid med verksemder i eigen kommune",
            "Prosentdel som samarbeidde med andre verksemder i eigen (fylkes)kommune",
        ),
        "name_en": (
            "Collaboration with workplaces in their own municipality",
            "Share that collaborated with other workplaces in their own municipality or county",
        ),
    },
    "collaboration-outside-municipality": {
        "name_nb": (
            "Samarbeid med offentlige virksomheter utenfor egen kommune",
            "Andel som samarbeidet med kommunale, fylkeskommunale eller statlige virksomheter utenfor egen (fylkes)kommune",
        ),
        "name_nn": (
            "Samarbeid med offentlege verksemder utanfor eigen kommune",
            "Prosentdel som samarbeidde med kommunale, fylkeskommunale eller statlege verksemder utanfor eigen (fylkes)kommune",
        ),
        "name_en": (
            "Collaboration with public workplaces outside their own municipality",
            "Share that collaborated with municipal, county or state workplaces outside their own municipality or county",
        ),
    },
}


def _apply(model, changes, forward: bool) -> None:
    """Set each field to its new text (``forward``) or back, where it holds the other one."""
    for key, fields in changes.items():
        for field, (before, after) in fields.items():
            old, new = (before, after) if forward else (after, before)
            model.objects.filter(key=key, **{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    """The new names, where the shipped ones are still stored."""
    _apply(apps.get_model("barometer", "Indicator"), INDICATORS, True)


def backwards(apps, schema_editor):
    """The names shipped before, where the new ones are stored."""
    _apply(apps.get_model("barometer", "Indicator"), INDICATORS, False)


class Migration(migrations.Migration):
    dependencies = [("barometer", "0020_integers_in_stored_range")]

    operations = [migrations.RunPython(forwards, backwards)]
