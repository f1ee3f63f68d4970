"""Fill the option bit masks of responses submitted before the masks existed.

The same rule as surveys.option_masks, written against the historical models: an option's
bit is its rank by id within its question set (63 bits a word, four words).
"""

from collections import defaultdict

from django.db import migrations

WORDS, BITS = 4, 63


def fill(apps, schema_editor):
    Option = apps.get_model("surveys", "Option")
    Response = apps.get_model("surveys", "Response")
    AnswerChoice = apps.get_model("surveys", "AnswerChoice")
    positions: dict[int, dict[int, int]] = defaultdict(dict)
    for option_id, question_set_id in Option.objects.order_by("pk").values_list("pk", "question__question_set_id"):
        positions[question_set_id][option_id] = len(positions[question_set_id])
    fields = [f"option_bits_{word}" for word in range(WORDS)]
    submitted = list(Response.objects.filter(status="submitted").order_by("pk").values_list("pk", "question_set_id"))
    for start in range(0, len(submitted), 2000):
        batch = submitted[start : start + 2000]
        chosen = defaultdict(list)
        for response_id, option_id in AnswerChoice.objects.filter(
            response_id__in=[pk for pk, _set in batch]
        ).values_list("response_id", "option_id"):
            chosen[response_id].append(option_id)
        updated = []
        for pk, question_set_id in batch:
            own = positions[question_set_id]
            words = [0] * WORDS
            if len(own) > WORDS * BITS or any(option_id not in own for option_id in chosen[pk]):
                continue
            for option_id in chosen[pk]:
                words[own[option_id] // BITS] |= 1 << (own[option_id] % BITS)
            updated.append(Response(pk=pk, **dict(zip(fields, words, strict=True))))
        Response.objects.bulk_update(updated, fields)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0014_response_option_bits")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
