"""Give existing workplaces their matching key, and report the duplicates found on the way.

Before this, nothing stopped "Eikely barnehage", "Eikely Barnehage" and "Eikely  barnehage"
in one municipality from being three workplaces. The next migration adds the constraint
``workplace_unique_name_in_municipality`` on (municipality, name_key), so two rows with the
same key would make it fail on old data.

The choice: the lowest-numbered workplace of each group of same-named workplaces gets its
key; the others keep ``name_key`` NULL, which the constraint does not cover (it applies
where the key is set). Nothing is merged or deleted, and no answer changes meaning or
stops counting: deciding which of two registered workplaces is the real one, and what
becomes of their answers, is for an admin with the facts, not for a migration. The
duplicates are printed (and logged at WARNING) with their ids so the admin can resolve them
in the admin; a legacy duplicate gets a key when it is renamed to a name of its own.
"""

import logging
import re
import string
import unicodedata

from django.db import migrations

logger = logging.getLogger("surveys.migrations")

_PUNCTUATION = str.maketrans({character: " " for character in string.punctuation + "«»–—‘’“”´`"})


def _normalised(name: str) -> str:
    # A frozen copy of surveys.models.registers.normalised_name: migrations must not change
    # behaviour when the model code does.
    text = unicodedata.normalize("NFKC", name).casefold().translate(_PUNCTUATION)
    return re.sub(r"\s+", " ", text).strip()


def fill_keys_and_report_duplicates(apps, schema_editor):
    Workplace = apps.get_model("surveys", "Workplace")
    first: dict[tuple[int, str], int] = {}
    duplicates: list[str] = []
    for pk, municipality_id, name in Workplace.objects.order_by("pk").values_list("pk", "municipality_id", "name"):
        key = _normalised(name)
        if (municipality_id, key) in first:
            duplicates.append(
                f"workplace {pk} {name!r} has the same name as workplace {first[(municipality_id, key)]} "
                f"in municipality id {municipality_id}; left without a matching key"
            )
            continue
        first[(municipality_id, key)] = pk
        Workplace.objects.filter(pk=pk).update(name_key=key)
    if duplicates:
        message = f"{len(duplicates)} duplicate workplace(s) found; resolve them in the admin:\n  " + "\n  ".join(
            duplicates
        )
        logger.warning(message)
        print("\n" + message)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0009_workplace_identity_source_id_imported_files")]

    operations = [migrations.RunPython(fill_keys_and_report_duplicates, migrations.RunPython.noop, elidable=False)]
