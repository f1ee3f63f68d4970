"""A collaboration indicator's name says what it counts: "Kommunalt samarbeid" counted
collaboration with other municipal or county workplaces in the own municipality or another,
which the name did not say, and "workplaces in their own municipality" left out that only
other (county) municipal workplaces count. Each name is checked against the options of
"which actors did you collaborate with" its definition counts, in the shipped data and, by
migration 0021, in an existing database."""

from __future__ import annotations

import json
from importlib import import_module

import pytest

from barometer.models import Indicator
from barometer.reference_data import DATA_DIR
from barometer.reports import findings

#: Each option of the collaboration question, with the words an English name, and a bokmål
#: one, says when (and only when) the indicator counts it.
OPTION_WORDS = {
    "own_municipality": ("in their own municipality", "i egen"),
    "other_municipalities": (("another", "outside"), ("en annen", "utenfor")),
    "state": ("state", "statlige"),
    "unions": ("union", "tillits"),
    "private": ("private", "private"),
    "research": ("research", "forskning"),
    "users": ("users", "tjenestemottakere"),
    "voluntary": ("voluntary", "frivillige"),
}
EVERY_ACTOR = set(OPTION_WORDS)


def _says(name: str, words) -> bool:
    return any(word in name for word in ((words,) if isinstance(words, str) else words))


def _collaboration(definitions):
    return [d for d in definitions if d["question_codes"] == ["collaborated_with"]]


def _shipped():
    return json.loads((DATA_DIR / "indicators.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("definition", _collaboration(_shipped()), ids=lambda d: d["key"])
def test_each_collaboration_name_names_the_options_it_counts(definition):
    counted = set(definition["option_codes"])
    name = definition["name"]
    if counted == EVERY_ACTOR:
        # Every actor: anyone outside the workplace, and no actor named.
        assert "outside the workplace" in name["en"] and "utenfor virksomheten" in name["nb"]
        return
    for option, (english, bokmal) in OPTION_WORDS.items():
        assert _says(name["en"], english) == (option in counted), (option, name["en"])
        assert _says(name["nb"], bokmal) == (option in counted), (option, name["nb"])
    if "own_municipality" in counted:
        # The option is "other workplaces in your own municipality or county authority".
        assert "other" in name["en"] and "andre" in name["nb"] and "andre" in name["nn"]
    if counted & {"own_municipality", "other_municipalities"} and "state" not in counted:
        assert "county" in name["en"] and "(fylkes)kommun" in name["nb"] and "(fylkes)kommun" in name["nn"]


def test_municipal_collaboration_is_named_as_bokmal_nynorsk_and_english_say_it():
    (definition,) = [d for d in _shipped() if d["key"] == "municipal-collaboration"]
    assert set(definition["option_codes"]) == {"own_municipality", "other_municipalities"}
    assert definition["name"] == {
        "nb": "Samarbeidet med andre (fylkes)kommunale virksomheter, i egen eller en annen (fylkes)kommune",
        "nn": "Samarbeidde med andre (fylkes)kommunale verksemder, i eigen eller ein annan (fylkes)kommune",
        "en": "Collaborated with other municipal or county workplaces, in their own municipality or another",
    }


def test_the_findings_use_the_indicators_their_claims_are_about():
    """BAROMETER.md: "municipal collaboration" is with other municipal workplaces in the own
    municipality or another (education against health and care); better quality goes with
    collaboration with public workplaces outside the own municipality (municipal, county or
    state)."""
    options = {d["key"]: set(d["option_codes"]) for d in _shipped()}
    assert options["municipal-collaboration"] == {"own_municipality", "other_municipalities"}
    outside = {code.split(".")[1] for code in findings.OUTSIDE_PUBLIC}
    assert outside == {"other_municipalities", "state"} == options["collaboration-outside-municipality"]


def test_an_existing_database_gets_the_new_names_unless_an_admin_changed_them(barometer_data):
    from django.apps import apps

    migration = import_module("barometer.migrations.0021_collaboration_names_say_what_they_count")
    later = import_module("barometer.migrations.0025_collaboration_names_say_what_holds")
    shipped = {d["key"]: d["name"] for d in _shipped()}
    for key, fields in migration.INDICATORS.items():
        for field, (before, after) in fields.items():
            # 0021's names, as 0025 changes them, are the shipped ones.
            renamed = later.CHANGES.get(key, {}).get(field)
            now = renamed[1] if renamed and renamed[0] == after else after
            assert now == shipped[key][field.removeprefix("name_")]
            Indicator.objects.filter(key=key).update(**{field: before})
    Indicator.objects.filter(key="collaboration-own-municipality").update(name_en="An admin's own name")
    migration.forwards(apps, None)
    for key, fields in migration.INDICATORS.items():
        indicator = Indicator.objects.get(key=key)
        for field, (_before, after) in fields.items():
            if key == "collaboration-own-municipality" and field == "name_en":
                assert indicator.name_en == "An admin's own name"
            else:
                assert getattr(indicator, field) == after
    migration.backwards(apps, None)
    assert Indicator.objects.get(key="municipal-collaboration").name_nb == "Kommunalt samarbeid"


def test_every_indicator_is_named_by_what_holds_not_as_a_share(barometer_data):
    """The staff view says of a name whether it holds for the workplace («… : stemmer for
    denne virksomheten»), which «Andel som samarbeidet …» cannot. The shipped names and an
    existing database (migration 0025, after 0021's names) say what holds; an admin's own
    name is kept."""
    from importlib import import_module

    from django.apps import apps

    from barometer.models import Indicator

    earlier = import_module("barometer.migrations.0021_collaboration_names_say_what_they_count")
    migration = import_module("barometer.migrations.0025_collaboration_names_say_what_holds")
    shipped = {d["key"]: d for d in _shipped()}
    for definition in shipped.values():
        for language, prefix in (("nb", "Andel som"), ("nn", "Prosentdel som"), ("en", "Share that")):
            assert not definition["name"][language].startswith(prefix), (definition["key"], language)
    for key, fields in migration.CHANGES.items():
        for field, (before, after) in fields.items():
            assert earlier.INDICATORS[key][field][1] == before, (key, field)
            assert shipped[key]["name"][field.removeprefix("name_")] == after, (key, field)
    for key, fields in migration.CHANGES.items():
        Indicator.objects.filter(key=key).update(**{field: before for field, (before, _after) in fields.items()})
    Indicator.objects.filter(key="collaboration-own-municipality").update(name_nb="Vårt eget navn")
    migration.forwards(apps, None)
    assert Indicator.objects.get(key="municipal-collaboration").name_nb.startswith("Samarbeidet med andre")
    assert Indicator.objects.get(key="collaboration-outside-municipality").name_en.startswith("Collaborated with")
    assert Indicator.objects.get(key="collaboration-own-municipality").name_nb == "Vårt eget navn"
    migration.backwards(apps, None)
    assert Indicator.objects.get(key="municipal-collaboration").name_nb.startswith("Andel som")
