"""The note that KS 2018 asked only some workplace types, wherever a round's group is set
beside one of its figures: the statistics page and its files, the findings page, and the
national row of a workplace's report and a self-test's, on the page and in the PDF (a
tester found it on the statistics page only)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from barometer.engine.groups import Filter
from barometer.models import EDITION_COVERAGE, EDITION_PUBLISHER, Edition, ReferenceFigure
from barometer.reports.aggregate import aggregate_report
from barometer.reports.findings import findings
from barometer.reports.scope import (
    claim_note,
    figure_scope,
    national_row_notes,
    unasked_in_words,
    unasked_note,
    unasked_types,
)
from barometer.reports.workplace import build_workplace_report
from surveys.models import Municipality, WorkplaceType
from tests.barometer.conftest import PUBLISHED_MUNICIPALITIES
from tests.builders import ResponseBuilder, innovator

#: The note beside the group shown names the type as the self-test's list names it and the
#: edition by its publisher and year: "andre typer, som ikke var med i denne utgaven" named neither.
GROUP_NOTE_EN = (
    "The group shown also includes workplaces of the type “Other workplace”, which KS did not survey in 2018."
)
#: The findings' note under a claim with no figure of its own: of the groups its table shows.
GROUPS_NOTE_EN = (
    "The groups in the table also include workplaces of the type “Other workplace”, which KS did not survey in 2018."
)
GROUP_IN_TABLE_NOTE_EN = (
    "The group in the table also includes workplaces of the type “Other workplace”, which KS did not survey in 2018."
)
#: What the old notes said instead of naming the type and the edition.
VAGUE = ("andre typer", "denne utgaven", "other types", "this edition", "denne utgåva")
#: The report's note names the national row as its table shows it, and the type as the
#: self-test's list names it ("Other workplace"), in a paragraph of its own under the published figures.
NATIONAL_NOTE_EN = (
    "The row “Nationally” above also includes workplaces of the type “Other workplace”, which KS did not survey "
    "in 2018, so a difference from the 2018 figure may partly come from them."
)


def _figure(key: str) -> ReferenceFigure:
    return ReferenceFigure.objects.get(key=key)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


# --- One rule --------------------------------------------------------------------------------


def test_every_group_that_holds_types_ks_2018_did_not_ask_gets_the_note(barometer_data, register):
    """All workplaces, and any part of them that is not limited by type (a county, a size, a
    centrality class, a band of employees), hold "other" workplaces, which KS 2018 did not
    ask: the note says so whether the figure is compared (all workplaces) or not (a part)."""
    national = _figure("no2018-innovated")
    county = Municipality.objects.first().county.number
    groups = [
        Filter(), Filter(county=county), Filter(size_class=2), Filter(centrality=3), Filter(employees_band=2),
        Filter(workplace_types=("primary_school", "other")),
    ]  # fmt: skip
    with translation.override("en"):
        for filter_ in groups:
            scope = figure_scope(national, filter_)
            assert scope.note == GROUP_NOTE_EN, (filter_, scope)
            assert unasked_types(national, filter_) == ["other"]
        # A group of the types KS asked, or a figure published for named types: no such note.
        for filter_ in (Filter(sector="education"), Filter(workplace_type="nursing_home")):
            assert "did not survey" not in figure_scope(national, filter_).note
        assert "did not survey" not in figure_scope(_figure("no2018-innovated-education"), Filter()).note
        # A Danish figure's edition asked every type (``EDITION_COVERAGE``): nothing to say.
        assert unasked_types(_figure("dk2015-external-collaboration"), Filter()) == []
        assert national_row_notes([national]) == [NATIONAL_NOTE_EN]
        # One sentence per edition, however many of its figures the row lists.
        assert national_row_notes([national, _figure("no2018-employees-initiate-or-implement")]) == [NATIONAL_NOTE_EN]


def test_the_statistics_page_and_its_files_say_it_beside_a_county_too(published_reports):
    """A county holds "other" workplaces as all workplaces do; its row said only "published
    for a wider group", as though the county were a part of KS' group."""
    client, round_ = published_reports["analyst"], published_reports["round"]
    county = Municipality.objects.get(number=PUBLISHED_MUNICIPALITIES[0]).county.number
    query = f"round={round_.pk}&county={county}"
    with translation.override("nb"):
        nb_note = figure_scope(_figure("no2018-innovated"), Filter(county=county)).note
    _assert_names_type_and_edition(nb_note, "nb")
    html = client.get(f"/statistikk/?{query}", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert nb_note in html
    rows = {
        row["indicator"]: row
        for row in csv.DictReader(
            io.StringIO(client.get(f"/statistikk/eksport.csv?{query}", HTTP_ACCEPT_LANGUAGE="nb").content.decode(
                "utf-8-sig"
            ))
        )
    }  # fmt: skip
    # A file words it for a file: nothing in it is "shown" («Gruppen som vises»).
    with translation.override("nb"):
        file_note = unasked_note(_figure("no2018-innovated"), Filter(county=county), in_file=True)
    _assert_names_type_and_edition(file_note, "nb")
    # In a file the note is one part among others: its full stop goes before the "; ".
    assert file_note.rstrip(".") + "; " in rows["innovated"]["published_norway_details"]
    assert nb_note.rstrip(".") not in rows["innovated"]["published_norway_details"]
    assert ".;" not in rows["innovated"]["published_norway_details"]
    data = json.loads(client.get(f"/statistikk/eksport.json?{query}", HTTP_ACCEPT_LANGUAGE="nb").content)
    innovated = next(row for row in data["indicators"] if row["indicator"] == "innovated")
    assert file_note.rstrip(".") + "; " in innovated["published_norway_details"]
    assert "som vises" not in json.dumps(data, ensure_ascii=False)
    with translation.override("en"):
        english = unasked_note(_figure("no2018-innovated"), Filter(county=county), in_file=True)
    assert english == GROUP_NOTE_EN.replace("The group shown", "The group in this file"), english
    with translation.override("en"):
        row = next(r for r in aggregate_report(round_, Filter(county=county)).rows if r.indicator.key == "innovated")
    assert {p.figure.key: p.unasked for p in row.norway}["no2018-innovated"] == GROUP_NOTE_EN


def test_the_statistics_page_says_the_unasked_note_once_under_the_table_not_in_every_cell(published_reports):
    """On ``/statistikk/?county=46`` every KS 2018 cell repeated "The group shown also
    includes ...": the note is the same for every figure of the edition, so it is said once."""
    client, round_ = published_reports["analyst"], published_reports["round"]
    county = Municipality.objects.get(number=PUBLISHED_MUNICIPALITIES[0]).county.number
    client.cookies["barometer_language"] = "en"
    html = _flat(client.get(f"/statistikk/?round={round_.pk}&county={county}").content.decode())
    table, after = html.split("</table>", 1)
    assert GROUP_NOTE_EN not in table, table[-2000:]
    assert after.count(GROUP_NOTE_EN) == 1, after[:2000]


# --- The findings page -----------------------------------------------------------------------


def _assert_names_type_and_edition(note: str, language: str) -> None:
    with translation.override(language):
        assert f"{WorkplaceType.OTHER.label}" in note, note
    assert "KS" in note and "2018" in note, note
    assert not any(words in note for words in VAGUE), note


def test_the_findings_page_says_it_beside_all_in_the_round(published_reports):
    client, round_ = published_reports["analyst"], published_reports["round"]
    with translation.override("nb"):
        nb_note = figure_scope(_figure("no2018-innovated"), Filter()).note
    with translation.override("en"):
        report = findings(round_)
    by_key = {finding.key: finding for finding in report.findings}
    for key in ("employees", "voluntary", "external"):
        notes = {figure.key: note for figure, note in by_key[key].published_with_notes}
        norwegian = [k for k in notes if k.startswith("no2018-")]
        assert norwegian and all(notes[k] == GROUP_NOTE_EN for k in norwegian), notes
        assert all(notes[k] == "" for k in notes if k.startswith("dk")), notes  # Danish: every type asked
    # The rows of named types are each beside the figure published for them: nothing to add.
    assert all(note == "" for _figure_, note in by_key["municipal-by-type"].published_with_notes)
    html = client.get(f"/statistikk/funn/?round={round_.pk}", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    employees = html[html.index('id="finding-employees"') :]
    employees = employees[: employees.index("</table>")]
    assert nb_note in employees, employees
    by_type = html[html.index('id="finding-municipal-by-type"') :]
    assert nb_note not in by_type[: by_type.index("</table>")]


#: The findings that test a claim of KS 2018 on groups that hold "other" workplaces, which KS
#: 2018 did not survey, and have no 2018 figure of their own to carry the note: all in the
#: round split by a subgroup, or by factor; and every breakdown (a size class, a centrality
#: class, a band of employees holds every type).
CLAIMS_ON_ALL_TYPES = ("quality-outside", "culture", "factors-most")
#: Of these, the claims whose table shows one group (all in the round, by factor); the others
#: compare two groups, as every breakdown shows several.
CLAIMS_ON_ONE_GROUP = ("factors-most",)
#: Claims tested on the types KS 2018 asked, or noted beside their own 2018 figure.
CLAIMS_WITHOUT_NOTE = ("education-vs-health", "municipal-by-type", "employees", "voluntary", "external")


def _card(html: str, anchor: str) -> str:
    block = html[html.index(anchor) :]
    return block[: block.index("</section>")]


@pytest.mark.parametrize("language", ["en", "nb", "nn"])
def test_the_findings_page_says_it_beside_every_claim_tested_on_types_ks_did_not_survey(published_reports, language):
    """A claim of KS 2018 tested on the round's workplaces of every type (collaboration
    outside the municipality and quality, culture, the factors, every breakdown) said
    nothing of the "other" workplaces KS did not survey, while /statistikk/ says it beside
    the figure: a sentence of its own, once, under the claim, of the groups its table shows
    (plural for a breakdown's several groups), naming the type as the self-test's list does
    and the edition by publisher and year, as the reports' note does."""
    client, round_ = published_reports["analyst"], published_reports["round"]
    with translation.override(language):
        beside_figure = figure_scope(_figure("no2018-innovated"), Filter()).note  # the statistics page's words
        report = findings(round_, published=True)
    by_key = {finding.key: finding for finding in report.findings}
    assert set(CLAIMS_ON_ALL_TYPES) <= set(by_key) and report.breakdowns
    notes = {key: by_key[key].claim_note for key in CLAIMS_ON_ALL_TYPES}
    notes |= {number: b.claim_note for number, b in enumerate(report.breakdowns, start=1)}
    for key, note in notes.items():
        _assert_names_type_and_edition(note, language)
        assert note != beside_figure, key  # of the table's groups, not "the group shown"
    one_group = {notes[key] for key in CLAIMS_ON_ONE_GROUP}
    several = {note for key, note in notes.items() if key not in CLAIMS_ON_ONE_GROUP}
    assert len(one_group) == 1 and len(several) == 1 and one_group != several
    if language == "en":
        assert one_group == {GROUP_IN_TABLE_NOTE_EN} and several == {GROUPS_NOTE_EN}
    for key in CLAIMS_WITHOUT_NOTE:
        assert by_key[key].claim_note == "", key  # no claim note, nor a second one beside a figure's
    html = _flat(client.get(f"/statistikk/funn/?round={round_.pk}", HTTP_ACCEPT_LANGUAGE=language).content.decode())
    for key in CLAIMS_ON_ALL_TYPES:
        assert _card(html, f'id="finding-{key}"').count(notes[key]) == 1, key
    for number in range(1, len(report.breakdowns) + 1):
        card = _card(html, f'id="breakdown-{number}"')
        assert card.count(notes[number]) == 1, number
        assert not any(words in card for words in VAGUE), number
    for key in ("education-vs-health", "municipal-by-type"):
        assert all(note not in _card(html, f'id="finding-{key}"') for note in notes.values()), key
    assert _card(html, 'id="finding-employees"').count(beside_figure) == 1  # beside its 2018 figure only


# --- The reports: the national row beside the published figures --------------------------------


def _notes_of(report, key: str) -> list[str]:
    return next(r for r in report.rows if r.indicator.key == key).national_notes


def _indicator_html(html: str, key: str) -> str:
    block = html[html.index(f'id="indicator-{key}"') :]
    return block[: block.index('<div class="indicator')] if '<div class="indicator' in block else block


@pytest.mark.parametrize("which", ["workplace", "self_test"])
def test_a_report_says_it_under_the_published_figures_naming_the_national_row(published_reports, admin_client, which):
    """Inside the 2018 figure's own item, "the national figure above" was read as the 2018
    figure, the one that leaves "other" workplaces out: the note stands after the list of
    published figures and names the national row by the words the table shows."""
    response = published_reports[which]
    with translation.override("en"):
        report = build_workplace_report(response)
        assert report.published
        assert _notes_of(report, "innovated") == [NATIONAL_NOTE_EN]
        # The row as its table names it: the base is said once, above the table.
        assert _notes_of(report, "employees-initiated-or-implemented") == [NATIONAL_NOTE_EN]
    url = f"/s/{published_reports['links'][which]}/rapport/"
    respondent = Client()
    respondent.cookies["barometer_language"] = "en"
    admin_client.cookies["barometer_language"] = "en"
    for html in (respondent.get(url).content.decode(), admin_client.get(f"/rapporter/{response.pk}/").content.decode()):
        block = _indicator_html(html, "innovated")
        note = block.index(NATIONAL_NOTE_EN)
        published = block.index('<ul class="published">')
        assert published < block.index("</ul>", published) < note  # after the list, not in the 2018 item
        assert "“Nationally”" in NATIONAL_NOTE_EN and ">Nationally</th>" in block  # the row it names
    pdf = respondent.get(f"{url}rapport.pdf")
    text = _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages))
    note = text.index(_flat(NATIONAL_NOTE_EN))
    # After the 2018 figures about all workplaces, under the indicator's published figures.
    assert text.rindex("Norway, 2018 edition", 0, note) < note
    assert text.index("Nationally: ") < note


def test_every_note_names_the_types_and_the_edition_by_publisher_and_year_from_one_helper(barometer_data):
    """The edition is named by its publisher and year as the reference data give them
    (``EDITION_PUBLISHER``), for every edition that did not survey every type; several types
    are named in the plural, each as the self-test's list names it."""
    assert set(EDITION_COVERAGE) <= set(EDITION_PUBLISHER)
    with translation.override("en"):
        words = unasked_in_words(Edition.NO_2018, ["nursing_home", "other"])
        assert (words["count"], words["types"]) == (2, "“Nursing home” and “Other workplace”")
        assert (words["publisher"], words["year"]) == ("KS", "2018")
        several = claim_note(Edition.NO_2018, [Filter(workplace_type="other"), Filter(workplace_type="primary_school")])
        assert several == GROUPS_NOTE_EN
        assert claim_note(Edition.NO_2018, [Filter()]) == GROUP_IN_TABLE_NOTE_EN
        assert claim_note(Edition.NO_2018, [Filter(sector="education"), Filter(sector="health_care")]) == ""


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_report_note_names_the_type_as_the_self_test_list_does(barometer_data, language):
    """Not "andre typer": the type as the self-test's list names it, quoted."""
    with translation.override(language):
        (note,) = national_row_notes([_figure("no2018-innovated")])
        assert str(WorkplaceType.OTHER.label) in note


def test_a_report_before_its_round_is_published_shows_no_national_row_and_no_note(
    barometer_data, national_round, register
):
    municipality = Municipality.objects.get(number=PUBLISHED_MUNICIPALITIES[0])
    response = ResponseBuilder(national_round).submitted(
        workplace_type=WorkplaceType.NURSING_HOME, municipality=municipality, answers=innovator()
    )
    with translation.override("en"):
        report = build_workplace_report(response)
    assert not report.published
    assert all(row.national_notes == [] for row in report.rows)
