"""Wording a reader meets on the report and statistics pages: no toggle that does nothing,
plural forms, group names inside sentences, no base named twice (found by a new user
walking the demo)."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

from barometer.engine.figures import Base, NamedStratum, WeightingState
from barometer.engine.stats import Estimate
from barometer.formatting import format_change, format_count, format_interval, format_number, in_sentence
from barometer.models import ReferenceFigure
from surveys.forms import MunicipalityChoiceField
from surveys.models import County, Municipality


def _note(**context) -> str:
    with translation.override("nb"):
        return render_to_string("barometer/partials/weighting_note.html", context)


def test_published_figures_offer_no_unweighted_toggle_and_live_ones_do():
    state = WeightingState(weighted=True, available=True, source="table")
    urls = {"weighting_off_url": "?vekting=av", "weighting_on_url": "?"}
    assert "?vekting=av" not in _note(weighted=True, available=True, state=state, fixed=True, **urls)
    assert "?vekting=av" in _note(weighted=True, available=True, state=state, fixed=None, **urls)


def test_a_stratum_of_one_workplace_is_singular():
    strata = (NamedStratum("Helsestasjon", "Vestlandet", 1, False), NamedStratum("Barnehage", "Agder", 3, True))
    state = WeightingState(weighted=True, available=True, source="table", strata=strata)
    html = _note(weighted=True, available=True, state=state, name_strata=True, fixed=None)
    assert "Helsestasjon, Vestlandet: 1 virksomhet i populasjonen" in html
    assert "Barnehage, Agder: 3 virksomheter i populasjonen" in html


def test_counts_are_grouped_in_thousands_as_each_language_writes_them():
    """Norwegian groups with a no-break space ("3 000", "12 000"), English with a comma; a
    plural form still follows the number itself."""
    strata = (NamedStratum("Barnehage", "Østlandet", 12345, False),)
    state = WeightingState(weighted=True, available=True, source="table", strata=strata)
    html = _note(weighted=True, available=True, state=state, name_strata=True, fixed=None)
    assert "Barnehage, Østlandet: 12\u00a0345 virksomheter i populasjonen" in html
    estimate = Estimate(value=0.5, low=0.45, high=0.55, n=3000)
    nbsp = "\u00a0"
    for language, written in (
        ("nb", f"n{nbsp}={nbsp}3{nbsp}000"),
        ("nn", f"n{nbsp}={nbsp}3{nbsp}000"),
        ("en", f"n{nbsp}={nbsp}3,000"),
    ):
        with translation.override(language):
            figure = render_to_string("barometer/partials/report_figure.html", {"estimate": estimate, "is_share": True})
            assert written in figure, (language, figure)
    assert format_count(None) == ""
    with translation.override("nb"):
        assert format_number(1575.66, 1) == "1\u00a0575,7"  # an effective n beside "1 657"


def test_english_writes_a_percent_sign_without_a_space_in_text_as_in_figures():
    """English text said "95 % interval" beside figures written "72%"; Norwegian keeps "95 %"."""
    estimate = Estimate(value=0.72, low=0.66, high=0.78, n=140)
    with translation.override("en"):
        figure = render_to_string("barometer/partials/report_figure.html", {"estimate": estimate, "is_share": True})
        assert "95% interval 66–78%" in figure and " %" not in figure, figure
    with translation.override("nb"):
        figure = render_to_string("barometer/partials/report_figure.html", {"estimate": estimate, "is_share": True})
        assert "95\u00a0%-intervall 66–78\u00a0%" in figure, figure


def test_a_value_has_as_many_decimals_as_its_interval():
    """ "78" beside "77,5–78,3" claimed less precision than the interval beside it."""
    score = Estimate(value=77.93, low=77.52, high=78.31, n=2145)
    share = Estimate(value=0.4, low=0.3, high=0.5, n=40)
    with translation.override("nb"):
        row = render_to_string("barometer/partials/estimate_row.html", {"estimate": score, "is_share": False})
        assert "<td>77,9</td>" in row and "77,5–78,3" in row, row
        row = render_to_string("barometer/partials/estimate_row.html", {"estimate": share, "is_share": True})
        assert "<td>40\u00a0%</td>" in row, row


def test_a_figure_says_whom_it_was_published_for_once(barometer_data):
    """The scope in words, in lower case inside a sentence; a figure whose population names
    its types already ("workplaces in the education and childhood sector") adds no scope, and
    no note repeats it."""
    collaboration = ReferenceFigure.objects.get(key="no2018-municipal-collaboration-schools-kindergartens")
    education = ReferenceFigure.objects.get(key="no2018-innovated-education")
    with translation.override("nb"):
        assert collaboration.scope_beyond_population == "grunnskoler og barnehager", collaboration.scope
        assert education.scope_beyond_population == "" and "oppvekst og utdanning" in education.population_label
    assert collaboration.note == "" and education.note == ""
    # Beside a group it covers (primary schools), the cell still says whom it was published for.
    with translation.override("nb"):
        cell = render_to_string(
            "barometer/partials/published_cell.html",
            {"item": SimpleNamespace(figure=collaboration, scope="", verdict="consistent")},
        )
    assert "Publisert bare for grunnskoler og barnehager." in cell, cell
    assert cell.count("grunnskoler") == 1 and "; Gjelder" not in cell, cell


def test_an_existing_database_gets_the_new_wording_unless_an_admin_changed_it(barometer_data):
    """The shipped data is loaded into new databases only; migration 0018 brings the same
    wording to existing ones and leaves an admin's own text alone."""
    from django.apps import apps

    migration = import_module("barometer.migrations.0018_notes_and_suggestions_wording")
    key = "dk2015-reused-solutions"
    before, after = migration.REFERENCE_FIGURES[key]["note_nn"]
    ReferenceFigure.objects.filter(key=key).update(note_nn=before)
    ReferenceFigure.objects.filter(key="no2018-innovated-education").update(note_nb="Skrevet av en administrator.")
    migration.forwards(apps, None)
    assert ReferenceFigure.objects.get(key=key).note_nn == after
    assert ReferenceFigure.objects.get(key="no2018-innovated-education").note_nb == "Skrevet av en administrator."


def test_a_workplace_type_inside_a_sentence_starts_in_lower_case():
    with translation.override("nb"):
        assert in_sentence("Alders- og sykehjem") == "alders- og sykehjem"
        assert in_sentence("Vestland") == "Vestland"  # a county is a proper noun
    with translation.override("en"):
        assert in_sentence("Nursing homes") == "nursing homes"


def test_a_namesake_municipality_names_its_county_once(register):
    county = County.objects.get(number="15")
    field = MunicipalityChoiceField(queryset=Municipality.objects.none())
    assert field.label_from_instance(Municipality(name="Herøy (Møre og Romsdal)", county=county)) == (
        "Herøy (Møre og Romsdal)"
    )
    assert field.label_from_instance(Municipality(name="Ålesund", county=county)) == "Ålesund (Møre og Romsdal)"


def test_a_share_of_innovators_names_its_base_beside_the_group():
    """A summary's share of innovators names that base, so that a share of the 381 innovators
    is not read as a share of all 521 nursing homes; never in brackets of its own after a name
    with brackets of its own (a fresh reader found "(klasse 3 av 6 ...) (virksomheter ...)"):
    it opens the parenthesis of the interval ("... (grunnlag: ...; 95 %-intervall ...)")."""
    from barometer.engine.figures import Figure
    from barometer.reports.summary import _figure_sentence

    estimate = Estimate(value=0.8, low=0.7, high=0.9, n=200)
    with translation.override("nb"):
        base = Base("innovators", "virksomheter med en innovasjon")
        group = "Alders- og sykehjem i kommuner med samme sentralitet som deres (klasse 3 av 6)"
        indicator = SimpleNamespace(share_clause_nb="samarbeidet med aktører utenfor virksomheten", name="")
        sentence = _figure_sentence(indicator, "Dere svarte nei.", group, Figure("x", estimate, base, True, True))
        assert "alders- og sykehjem i kommuner med samme sentralitet som deres (klasse 3 av 6)" in sentence
        assert ") (" not in sentence
        assert "(klasse 3 av 6) samarbeidet med aktører utenfor virksomheten (grunnlag: virksomheter med en" in sentence
        everyone = Figure("x", estimate, Base("workplaces", "alle virksomheter"), True, True)
        assert "alle virksomheter" not in _figure_sentence(
            indicator, "Dere svarte nei.", "alders- og sykehjem", everyone
        )


def test_an_interval_narrower_than_its_rounding_gets_a_decimal():
    """ "78–78" would claim a figure without uncertainty (found on the culture index of the
    demo round); a decimal more, up to two, until the ends differ."""
    with translation.override("nb"):
        assert format_interval(77.6, 78.4, as_share=False) == "77,6–78,4"
        assert format_interval(0.7761, 0.7799, as_share=False) == "0,78–0,78"  # two decimals at most
        assert format_interval(0.24, 0.35) == "24–35\u00a0%"
        assert format_interval(0.2996, 0.3004) == "29,96–30,04\u00a0%"
        assert format_interval(0.3, 0.3) == "30–30\u00a0%"  # a real interval of zero width stays as it is
        assert format_interval(None, 0.3) == ""


def test_a_change_says_its_unit_in_every_language():
    """A change in a share is in percentage points (40 % to 44 % is 4 points, not 4 %), a
    change in a score in points; the table cell and the findings say so beside the number."""
    change = (0.052, -0.0104, 0.1144)
    with translation.override("nb"):
        assert format_change(change) == "+5,2 prosentpoeng (−1,0 til +11,4)"
        assert format_change((0.3, -0.05, 0.65), as_share=False) == "+0,3 poeng (−0,1 til +0,7)"
    with translation.override("nn"):
        assert format_change(change) == "+5,2 prosentpoeng (−1,0 til +11,4)"
    with translation.override("en"):
        assert format_change(change) == "+5.2 percentage points (−1.0 to +11.4)"
    assert format_change(None) == ""


def test_a_change_of_zero_has_no_sign_and_a_change_of_one_a_singular_unit():
    """ "+0 prosentpoeng (−7 til +6)" and "(+0 til +12)": zero is neither more nor less; and
    "−1 percentage points" is not English."""
    with translation.override("nb"):
        assert format_change((0.001, -0.07, 0.06), decimals=0) == "0 prosentpoeng (−7 til +6)"
        assert format_change((0.06, -0.001, 0.12), decimals=0) == "+6 prosentpoeng (0 til +12)"
        assert format_change((-0.0004, -0.05, 0.04)) == "0,0 prosentpoeng (−5,0 til +4,0)"
        assert format_change((-0.01, -0.05, 0.03), decimals=0) == "−1 prosentpoeng (−5 til +3)"
        assert format_change((1.0, 0.2, 1.8), as_share=False, decimals=0) == "+1 poeng (0 til +2)"
    with translation.override("nn"):
        assert format_change((-0.01, -0.05, 0.03), decimals=0) == "−1 prosentpoeng (−5 til +3)"
        assert format_change((0.001, -0.07, 0.06), decimals=0) == "0 prosentpoeng (−7 til +6)"
    with translation.override("en"):
        assert format_change((-0.01, -0.05, 0.03), decimals=0) == "−1 percentage point (−5 to +3)"
        assert format_change((0.01, -0.05, 0.07), decimals=0) == "+1 percentage point (−5 to +7)"
        assert format_change((0.02, -0.05, 0.09), decimals=0) == "+2 percentage points (−5 to +9)"
        assert format_change((0.01, 0.005, 0.015)) == "+1.0 percentage points (+0.5 to +1.5)"
        assert format_change((0.0, -0.07, 0.06), decimals=0) == "0 percentage points (−7 to +6)"
        assert format_change((-1.0, -1.8, -0.2), as_share=False, decimals=0) == "−1 point (−2 to 0)"
        assert format_change((3.0, 1.8, 4.2), as_share=False, decimals=0) == "+3 points (+2 to +4)"


def test_a_share_that_is_neither_none_nor_all_is_never_written_so():
    """One workplace of 200 was written "0 %", which reads as none of them; 199 of 200 as
    "100 %". Such a share gets the decimals it needs, and beyond two says "under"/"over"."""
    from barometer.formatting import format_estimate, format_share

    with translation.override("nb"):
        assert format_share(1 / 200) == "0,5\xa0%"
        assert format_share(199 / 200) == "99,5\xa0%"
        assert format_share(1 / 3000) == "0,03\xa0%"
        assert format_share(1 / 150_000) == "under 0,01\xa0%"
        assert format_share(1 - 1 / 150_000) == "over 99,99\xa0%"
        # None and all, and every share that rounds to neither, as before.
        assert (format_share(0), format_share(1), format_share(0.884), format_share(0.006)) == (
            "0\xa0%",
            "100\xa0%",
            "88\xa0%",
            "1\xa0%",
        )
        # The value beside its interval: "0,5 %", not "0 %".
        assert format_estimate(Estimate(value=1 / 200, low=0.0009, high=0.028, n=200)) == "0,5\xa0%"
    with translation.override("en"):
        assert format_share(1 / 200) == "0.5%" and format_share(1 / 150_000) == "under 0.01%"


def test_a_value_and_its_interval_are_written_with_the_same_decimals():
    """ "0,5 % (0–3 %)": the value took a decimal so as not to read as none, its interval
    kept none. Both now have the value's, on the page, in a table, in the PDF's lines and in
    the summary; and a table or a column of shares is written with one number of decimals,
    so that "0,5 %" never stands beside "1 %"."""
    from barometer.formatting import (
        estimate_decimals,
        format_estimate,
        format_estimate_interval,
        shares_decimals,
        table_decimals,
    )
    from barometer.templatetags.barometer import column_decimals

    rare = Estimate(value=1 / 200, low=0.0009, high=0.028, n=200)
    common = Estimate(value=0.58, low=0.52, high=0.64, n=200)
    with translation.override("nb"):
        assert estimate_decimals(rare) == 1
        assert (format_estimate(rare), format_estimate_interval(rare)) == ("0,5\xa0%", "0,1–2,8\xa0%")
        assert (format_estimate(common), format_estimate_interval(common)) == ("58\xa0%", "52–64\xa0%")
        # In one table every row takes the decimals the rare share needs.
        decimals = table_decimals([(rare, True), (common, True)])
        assert decimals == 1
        row = render_to_string(
            "barometer/partials/estimate_row.html", {"estimate": common, "is_share": True, "decimals": decimals}
        )
        assert "<td>58,0\xa0%</td>" in row and "52,0–64,0\xa0%" in row, row
        figure = render_to_string("barometer/partials/report_figure.html", {"estimate": rare, "is_share": True})
        assert "0,5\xa0%" in figure and "0,1–2,8\xa0%" in figure, figure
        # An index is a score, never a share: its decimals follow its interval only.
        assert estimate_decimals(Estimate(value=0.004, low=0.0, high=3.1, n=30), as_share=False) == 0
        # Plain shares in a column (the response rate of each group in fieldwork).
        assert shares_decimals([0.005, 0.42, None]) == 1 and shares_decimals([0.42, 0.5]) == 0
        rows = [SimpleNamespace(rate=1 / 200), SimpleNamespace(rate=0.42), SimpleNamespace(rate=None)]
        assert column_decimals(rows, "rate") == 1
        # Two columns read side by side (shares of the population and of the respondents).
        cells = [SimpleNamespace(population=1 / 200, respondents=0.02)]
        cells.append(SimpleNamespace(population=0.3, respondents=0.4))
        assert column_decimals(cells, "respondents") == 0 and column_decimals(cells, "population, respondents") == 1
        table = render_to_string(
            "barometer/staff/_progress_table.html", {"rows": [SimpleNamespace(label="A", invited=200, opened=1,
            started=1, submitted=1, rate=1 / 200, imported=0), SimpleNamespace(label="B", invited=50, opened=21,
            started=21, submitted=21, rate=0.42, imported=0)], "id": "t", "caption": "c", "group_label": "g"},
        )  # fmt: skip
        assert "<td>0,5\xa0%</td>" in table and "<td>42,0\xa0%</td>" in table, table
