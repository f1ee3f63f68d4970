"""The shipped English texts say "your own municipality or county authority", as English
names the two kinds of Norwegian local government, where they said "your own (county)
municipality", a calque of "egen (fylkes)kommune".

A text is changed only where it still holds the shipped words; an admin's own words are
left alone.
"""

from django.db import migrations

#: (model, key, field, the text as shipped before); now shipped with "own municipality or
#: county authority" in place of "own (county) municipality".
SHIPPED = [
    ("Indicator", "collaboration-own-municipality", "own_yes_en",
     "You collaborated with other workplaces in your own (county) municipality."),
    ("Indicator", "collaboration-own-municipality", "own_no_en",
     "You did not collaborate with other workplaces in your own (county) municipality."),
    ("Indicator", "collaboration-outside-municipality", "own_yes_en",
     "You collaborated with public workplaces outside your own (county) municipality: municipal, county or state."),
    ("Indicator", "collaboration-outside-municipality", "own_no_en",
     "You did not collaborate with public workplaces outside your own (county) municipality, whether municipal, "
     "county or state."),
    ("ReferenceFigure", "no2018-collaboration-own-municipality", "statement_en",
     "Collaborate on innovation with other workplaces in their own (county) municipality"),
]  # fmt: skip


def _now(text: str) -> str:
    return text.replace("own (county) municipality", "own municipality or county authority")


def _apply(apps, forward: bool) -> None:
    for model_name, key, field, before in SHIPPED:
        old, new = (before, _now(before)) if forward else (_now(before), before)
        apps.get_model("barometer", model_name).objects.filter(key=key, **{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    _apply(apps, True)


def backwards(apps, schema_editor):
    _apply(apps, False)


class Migration(migrations.Migration):
    dependencies = [("barometer", "0025_collaboration_names_say_what_holds")]

    operations = [migrations.RunPython(forwards, backwards)]
