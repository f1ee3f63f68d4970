"""Wording a reader meets on the report and statistics pages: no toggle that does nothing,
plural forms, group names inside sentences, no base named twice (found by a new user
walking the demo)."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation

from barometer.engine.figures import Base, NamedStratum, WeightingState
from barometer.engine.stats import Estimate
from barometer.formatting import format_change, format_count, format_interval, format_number, in_sentence
from barometer.reports.workplace import IndicatorRow
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


def test_a_national_row_label_holds_no_colon_of_its_own():
    """The PDF writes "label: value"; a label with a colon made "Nationally: all workplaces: 71 %"."""
    row = SimpleNamespace(national=SimpleNamespace(base=Base(kind="workplaces", label="alle virksomheter")))
    with translation.override("nb"):
        assert IndicatorRow.national_label.fget(row) == "Nasjonalt (alle virksomheter)"


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
    from barometer.engine.figures import Base
    from barometer.formatting import group_of_base

    with translation.override("nb"):
        assert group_of_base("Alders- og sykehjem", Base("innovators", "virksomheter med en innovasjon")) == (
            "alders- og sykehjem (virksomheter med en innovasjon)"
        )
        assert group_of_base("Alders- og sykehjem", Base("workplaces", "alle virksomheter")) == "alders- og sykehjem"
        # Never two pairs of brackets in a row (a fresh reader found "(klasse 3 av 6 ...) (virksomheter ...)").
        assert group_of_base(
            "Alders- og sykehjem i kommuner (klasse 3 av 6)", Base("innovators", "med en innovasjon")
        ) == ("alders- og sykehjem i kommuner (klasse 3 av 6; med en innovasjon)")


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
