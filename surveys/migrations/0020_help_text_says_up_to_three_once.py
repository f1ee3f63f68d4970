"""The two "up to three" questions said so twice: in the question ("… (velg inntil tre)")
and again first in the help text ("Velg inntil tre. Tenk på …"). The shipped help texts now
go straight to their advice.

Published sets keep their structure; a text is corrected as an admin corrects one, with a
``WordingChange`` kept for the record and the set's revision bumped (readers cache its
pages under it). A text is changed only where it still holds the words shipped before; an
admin's own words are left alone. Without this, ``setup_demo`` would refuse the shipped
file against a database loaded from the one before ("version 1 already exists with other
content").
"""

from django.db import migrations
from django.db.models import F

SLUG = "innovasjonsbarometeret"

#: question code -> language -> (shipped before, shipped now)
HELP = {
    "initiated_by": {
        "nb": (
            "Velg inntil tre. Tenk på hvem eller hva som først og fremst gjorde at arbeidet kom i gang, ikke på "
            "alle som var med.",
            "Tenk på hvem eller hva som først og fremst gjorde at arbeidet kom i gang, ikke på alle som var med.",
        ),
        "nn": (
            "Vel inntil tre. Tenk på kven eller kva som først og fremst gjorde at arbeidet kom i gang, ikkje på "
            "alle som var med.",
            "Tenk på kven eller kva som først og fremst gjorde at arbeidet kom i gang, ikkje på alle som var med.",
        ),
        "en": (
            "Choose up to three. Think of who or what mainly got the work started, not of everyone who took part.",
            "Think of who or what mainly got the work started, not of everyone who took part.",
        ),
    },
    "implemented_by": {
        "nb": (
            "Velg inntil tre. Tenk på hvem eller hva som først og fremst sørget for at innovasjonen ble "
            "gjennomført og tatt i bruk.",
            "Tenk på hvem eller hva som først og fremst sørget for at innovasjonen ble gjennomført og tatt i bruk.",
        ),
        "nn": (
            "Vel inntil tre. Tenk på kven eller kva som først og fremst sørgde for at innovasjonen vart "
            "gjennomført og teken i bruk.",
            "Tenk på kven eller kva som først og fremst sørgde for at innovasjonen vart gjennomført og teken i bruk.",
        ),
        "en": (
            "Choose up to three. Think of who or what mainly made sure the innovation was carried through and taken "
            "into use.",
            "Think of who or what mainly made sure the innovation was carried through and taken into use.",
        ),
    },
}


def _apply(apps, forward: bool) -> None:
    Question = apps.get_model("surveys", "Question")
    QuestionSet = apps.get_model("surveys", "QuestionSet")
    WordingChange = apps.get_model("surveys", "WordingChange")
    changed_sets = set()
    for code, languages in HELP.items():
        for question in Question.objects.filter(question_set__slug=SLUG, code=code):
            for language, (before, now) in languages.items():
                old, new = (before, now) if forward else (now, before)
                field = f"help_{language}"
                if getattr(question, field) != old:
                    continue
                Question.objects.filter(pk=question.pk).update(**{field: new})
                WordingChange.objects.create(
                    question_set_id=question.question_set_id,
                    object_type="question",
                    object_label=f"{question.code}: {question.text_nb[:60]}",
                    field=field,
                    old_text=old,
                    new_text=new,
                )
                changed_sets.add(question.question_set_id)
    QuestionSet.objects.filter(pk__in=changed_sets).update(revision=F("revision") + 1)


def forwards(apps, schema_editor):
    _apply(apps, True)


def backwards(apps, schema_editor):
    _apply(apps, False)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0019_round_dates_on_the_calendar")]

    operations = [migrations.RunPython(forwards, backwards)]
