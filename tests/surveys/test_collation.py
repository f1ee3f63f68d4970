"""Lists a person picks a name from are in Norwegian alphabetical order (``surveys.collation``)."""

from __future__ import annotations

import pytest

from barometer.forms import AggregateFilterForm
from surveys.collation import norwegian_key
from surveys.forms import SelfTestProfileForm
from surveys.models import County, Municipality
from surveys.services.registers import load_default_register


def test_ae_oe_and_aa_come_after_z_and_a_diacritic_files_under_its_letter():
    names = ["Åsnes", "Zz", "Øksnes", "Bø", "Bømlo", "Båtsfjord", "Bærum", "Hyllestad", "Hábmer - Hamarøy", "Ås"]
    assert sorted(names, key=norwegian_key) == [
        "Bærum", "Bø", "Bømlo", "Båtsfjord", "Hábmer - Hamarøy", "Hyllestad", "Zz", "Øksnes", "Ås", "Åsnes",
    ]  # fmt: skip
    assert norwegian_key("Ärla") < norwegian_key("Ørland") < norwegian_key("Åfjord")  # ä as æ, ö as ø
    assert norwegian_key("ås") < norwegian_key("Åsnes")  # case ignored


def _labels(field) -> list[str]:
    return [str(label) for value, label in field.choices if value != ""]


def test_the_self_test_lists_the_register_s_municipalities_in_norwegian_order(register):
    load_default_register()  # SSB's 357 municipalities of 2024, beside the sample's
    labels = _labels(SelfTestProfileForm().fields["municipality"])
    assert len(labels) == Municipality.objects.count()
    assert labels == sorted(labels, key=norwegian_key)
    # The database's own order put Å before Ø and Bø after Båtsfjord.
    assert labels.index("Øksnes (Nordland)") < labels.index("Åsnes (Innlandet)")
    assert labels.index("Bø (Nordland)") < labels.index("Båtsfjord (Finnmark)")
    assert labels.index("Hábmer - Hamarøy (Nordland)") < labels.index("Hyllestad (Vestland)")


@pytest.mark.django_db
def test_the_statistics_filter_lists_the_counties_in_norwegian_order(register):
    names = [str(label) for value, label in AggregateFilterForm().fields["county"].choices if value != ""]
    assert len(names) == County.objects.count()
    # By the county's name, after its number: "42 Agder" first, "31 Østfold" last.
    assert names == sorted(names, key=lambda label: norwegian_key(label.split(" ", 1)[1]))
    assert names[0].endswith(" Agder") and names[-1].endswith(" Østfold")
