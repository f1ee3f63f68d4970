"""The shipped English texts as the English questionnaire words them (a reader found them
mixed): the option is "Managers", so an indicator's name and sentences say "managers", as
its share's words already did ("Leaders initiated" stood above "managers were among
those who ..."); the options are "someone else's solution" and "others' solutions", never
"others' solution".

A text is changed only where it still holds the shipped words; an admin's own words are
left alone.
"""

from django.db import migrations

#: key -> field -> (shipped before, shipped now)
CHANGES = {
    "leaders-initiated": {
        "name_en": ("Leaders initiated", "Managers initiated"),
        "own_yes_en": (
            "At your workplace, leaders were among those who initiated the newest innovation.",
            "At your workplace, managers were among those who initiated the newest innovation.",
        ),
        "own_no_en": (
            "At your workplace, leaders were not among those who initiated the newest innovation.",
            "At your workplace, managers were not among those who initiated the newest innovation.",
        ),
    },
    "novelty-adapted": {
        "own_no_en": (
            "Your newest innovation was not an adaptation of others' solution.",
            "Your newest innovation was not an adaptation of others' solutions.",
        ),
    },
    "novelty-copy": {
        "name_en": ("Largely a copy of others' solution", "Largely a copy of someone else's solution"),
        "own_yes_en": (
            "Your newest innovation was largely a copy of others' solution.",
            "Your newest innovation was largely a copy of someone else's solution.",
        ),
        "share_clause_en": (
            "say that their newest innovation was largely a copy of others' solution",
            "say that their newest innovation was largely a copy of someone else's solution",
        ),
    },
}

#: Reference figures: key -> field -> (shipped before, shipped now)
REFERENCE_CHANGES = {
    "no2018-novelty-copy": {
        "statement_en": (
            "The newest innovation is largely a copy of others' solution",
            "The newest innovation is largely a copy of someone else's solution",
        ),
    },
}


def _apply(model, changes: dict, forward: bool) -> None:
    """Each text to its new words (``forward``) or back, where it holds the other ones."""
    for key, fields in changes.items():
        for field, (before, after) in fields.items():
            old, new = (before, after) if forward else (after, before)
            model.objects.filter(key=key, **{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    _apply(apps.get_model("barometer", "Indicator"), CHANGES, True)
    _apply(apps.get_model("barometer", "ReferenceFigure"), REFERENCE_CHANGES, True)


def backwards(apps, schema_editor):
    _apply(apps.get_model("barometer", "Indicator"), CHANGES, False)
    _apply(apps.get_model("barometer", "ReferenceFigure"), REFERENCE_CHANGES, False)


class Migration(migrations.Migration):
    dependencies = [("barometer", "0023_share_words_say_whose_innovation_and_the_whole_option")]

    operations = [migrations.RunPython(forwards, backwards)]
