"""A group's name and the base of its figure, composed into one phrase, read as one: a tester
found "Alle i runden av virksomheter med en innovasjon" and "Sentralitetsklasse 3 av ..."
(a screen reader reads the row's header as it stands). Every kind of group (nationally, a
workplace type, a county, a municipality size, a centrality class, a band of employees, a
subgroup) beside every kind of base, in every language; a whole round's share of some of its
workplaces names those first ("Workplaces with an innovation, whole round")."""

from __future__ import annotations

import html
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from barometer.engine.figures import Base, Figure
from barometer.engine.groups import Filter, centrality_label, peer_filters, size_class_label
from barometer.engine.stats import Estimate
from barometer.formatting import among, group_with_base, lower_first
from barometer.reports.findings import findings
from barometer.reports.summary import _figure_sentence
from barometer.reports.workplace import build_workplace_report
from surveys.models import County, WorkplaceType

INNOVATORS = Base("innovators", "workplaces with an innovation")
NON_INNOVATORS = Base("non_innovators", "workplaces without an innovation")
ALL = Base("workplaces", "all workplaces")
STATEMENTS = Base("subgroup", "workplaces that answered at least 3 of the 5 statements")
CULTURE = Base("subgroup", "workplaces with an innovation that answered at least 3 of the 5 culture statements")


def _groups() -> list[str]:
    """A name of every kind of group a row can have, in the active language."""
    from barometer.reports.findings import _label_band

    return [
        str(translation.gettext("Nationally")),
        peer_filters(workplace_type="kindergarten", size_class=1, centrality=3, county=County(number="46", name="X"))[
            0
        ][1],
        "Vestland",
        size_class_label(1),
        centrality_label(3),
        _label_band(10, 19),
        str(translation.gettext("Primary schools and kindergartens")),
        str(translation.gettext("Collaborated with public workplaces outside the municipality")),
    ]


@pytest.mark.parametrize(
    ("group", "base", "expected"),
    [
        ("Nationally", INNOVATORS, "Nationally, among workplaces with an innovation"),
        ("Centrality class 3", INNOVATORS, "Centrality class 3, among workplaces with an innovation"),
        (
            "Municipalities with under 5,000 inhabitants",
            NON_INNOVATORS,
            "Municipalities with under 5,000 inhabitants, among workplaces without an innovation",
        ),
        ("Vestland", STATEMENTS, "Vestland, among workplaces that answered at least 3 of the 5 statements"),
        ("Kindergartens", ALL, "Kindergartens"),  # a share of all the group's workplaces: the group says whom
        ("10–19 employees", ALL, "10–19 employees"),
        (
            "Collaborated with public workplaces outside the municipality",
            "workplaces with an innovation",  # a findings row's wider group, given as words
            "Collaborated with public workplaces outside the municipality, among workplaces with an innovation",
        ),
    ],
)
def test_a_group_and_its_base_read_as_one_phrase_in_english(group, base, expected):
    with translation.override("en"):
        assert group_with_base(group, base) == expected


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_every_kind_of_group_beside_every_base_is_the_group_then_the_base(language):
    """Never "<group> av <base>" (read as the group being of the base) nor the base in
    brackets after a name with brackets of its own; the group, a comma, then the base."""
    with translation.override(language):
        bases = [
            Base("innovators", str(translation.gettext("workplaces with an innovation"))),
            Base("non_innovators", str(translation.gettext("workplaces without an innovation"))),
            Base("subgroup", "x that answered"),
        ]
        for group in _groups():
            for base in bases:
                phrase = group_with_base(group, base)
                assert phrase.startswith(f"{group}, ") and phrase.endswith(base.label), phrase
                assert f"{group} av " not in phrase and f"{group} of " not in phrase and "(" not in phrase[len(group) :]
            assert group_with_base(group, Base("workplaces", str(translation.gettext("all workplaces")))) == group
        assert among(None) == "" and among(Base("workplaces", "alle")) == ""


def test_an_index_of_all_workplaces_names_its_base_without_all():
    """ "Nationally, among all workplaces that answered at least 3 of the 5 statements" read as
    though the national figure were of every workplace."""
    from barometer.engine.figures import indicator_base
    from barometer.engine.indicators import IndicatorSpec

    spec = IndicatorSpec(
        key="culture-index", rule="index", question_codes=tuple("abcde"), option_codes=(), min_count=3,
        answered_option_ids=frozenset(), counted_option_ids=frozenset(), scores={},
    )  # fmt: skip
    with translation.override("en"):
        base = indicator_base(SimpleNamespace(population="workplaces"), spec)
        assert base.label == "workplaces that answered at least 3 of the 5 statements"
        assert indicator_base(SimpleNamespace(population="innovators"), spec).label == (
            "workplaces with an innovation that answered at least 3 of the 5 statements"
        )


# --- The findings page: every row's header -------------------------------------------------------


def _row_headers(html: str) -> list[str]:
    """Each table row's header as a screen reader reads it: the text, tags dropped."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", header).split()) for header in re.findall(r'<th scope="row">(.*?)</th>', html)
    ]


def test_the_findings_rows_name_the_group_then_the_base(published_reports):
    client, round_ = published_reports["analyst"], published_reports["round"]
    client.cookies["barometer_language"] = "en"
    html = client.get(f"/statistikk/funn/?round={round_.pk}").content.decode()
    headers = _row_headers(html)
    # The whole round's share of innovators: those first, then the round ("All in the round,
    # among workplaces with an innovation" said "all", then fewer).
    assert "Workplaces with an innovation, whole round" in headers, headers
    assert not [h for h in headers if h.startswith("All in the round, ")], headers
    # A table whose rows all share a base says it once, in its caption, and the rows name
    # the group alone ("..., among workplaces with an innovation" on every row before).
    assert "Workplaces in municipalities in centrality class 3" in headers, headers
    assert "Workplaces in municipalities with under 5,000 inhabitants" in headers, headers
    assert "Collaborated with public workplaces outside the municipality" in headers, headers
    assert "Primary schools and kindergartens" in headers, headers
    assert not [h for h in headers if h.endswith(", among workplaces with an innovation")], headers
    found = re.findall(r"<caption[^>]*>(.*?)</caption>", html)
    captions = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in found]
    assert any(c.endswith(". Among workplaces with an innovation") for c in captions), captions
    # A share of all workplaces: the group alone ("Workplaces with 20–49 employees", not "... of
    # all workplaces"); named as workplaces, since a share beside "20–49 employees" reads as a
    # share of employees.
    assert "Workplaces with 20–49 employees" in headers, headers
    assert not [h for h in headers if re.match(r"(Municipalities|Centrality|\d)", h)], headers
    # Words that complete the label read on from it, with no "among" between.
    assert "Workplaces with an innovation that answered at least 3 of the 5 culture statements" in headers
    assert not [h for h in headers if " of workplaces" in h or " of all workplaces" in h], headers
    for language in ("nb", "nn"):
        client.cookies["barometer_language"] = language
        headers = _row_headers(client.get(f"/statistikk/funn/?round={round_.pk}").content.decode())
        whole = {
            "nb": "Virksomheter med en innovasjon, hele runden",
            "nn": "Verksemder med ein innovasjon, heile runden",
        }
        assert whole[language] in headers, headers
        assert not [h for h in headers if h.startswith("Alle i runden,")], headers
        assert not [h for h in headers if re.search(r"(runden|klasse \d|innbygg\w+|ansatte) av ", h)], headers


def test_the_findings_factor_table_heads_its_rows_as_factors(published_reports):
    """ "New technology, among workplaces with an innovation" is a factor, not a group: its
    column is "Factor (base)"; the other tables' rows are groups."""
    client, round_ = published_reports["analyst"], published_reports["round"]
    client.cookies["barometer_language"] = "en"
    html = client.get(f"/statistikk/funn/?round={round_.pk}").content.decode()
    sections = re.findall(
        r'<section class="card mb-3" aria-labelledby="(finding-[\w-]+|breakdown-\d+)">(.*?)</section>', html, re.S
    )
    headings = {key: re.search(r'<thead><tr><th scope="col">([^<]*)</th>', body).group(1) for key, body in sections}
    assert headings.pop("finding-factors-most") in ("Factor (base)", "Factor"), headings
    assert set(headings.values()) <= {"Group (base)", "Group"}, headings


def test_the_findings_heading_says_base_only_over_rows_that_carry_one(published_reports):
    """A table whose caption states the base every row shares heads its rows "Group", not
    "Group (base)": the rows carry no base. The same for the factors' table."""
    client, round_ = published_reports["analyst"], published_reports["round"]
    client.cookies["barometer_language"] = "en"
    html = client.get(f"/statistikk/funn/?round={round_.pk}").content.decode()
    sections = re.findall(
        r'<section class="card mb-3" aria-labelledby="(finding-[\w-]+|breakdown-\d+)">(.*?)</section>', html, re.S
    )
    seen = set()
    for key, body in sections:
        heading = re.search(r'<thead><tr><th scope="col">([^<]*)</th>', body).group(1)
        shared = 'class="small base"' in body.split("</caption>")[0]
        rows = re.findall(r'<th scope="row">(.*?)</th>', body, re.S)
        carried = any(
            ", among " in row or "whole round" in row or 'class="small fw-normal base"' in row for row in rows
        )
        if shared or not carried:
            assert "(base)" not in heading, (key, heading, rows)
        seen.add(heading)
    assert "Group" in seen, seen
    with translation.override("en"):
        report = findings(round_)
        for item in [*report.findings, *report.breakdowns]:
            if item.among_all:
                assert "(base)" not in item.rows_heading, item.title


def test_the_findings_keep_a_qualifier_and_a_wider_group_apart_from_the_base(published_reports):
    with translation.override("en"):
        report = findings(published_reports["round"])
        quality = next(f for f in report.findings if f.key == "quality-outside")
        assert [c.among for c in quality.comparisons] == ["among workplaces with an innovation"] * 2
        culture = next(f for f in report.findings if f.key == "culture")
        assert [c.among for c in culture.comparisons] == ["", ""]  # the qualifier completes the label


# --- The reports: the national and the peer rows, the PDF, the sentences ----------------------------


@pytest.mark.parametrize("which", ["workplace", "self_test"])
def test_a_report_names_each_group_then_the_base(published_reports, which):
    response = published_reports[which]
    type_name = {"workplace": "Nursing homes", "self_test": "Kindergartens"}[which]
    with translation.override("en"):
        report = build_workplace_report(response)
        rows = {row.indicator.key: row for row in report.rows}
        external = rows["external-collaboration"]
        assert external.among_base == "Among workplaces with an innovation"
        assert external.peers[0].label == type_name
        assert rows["innovated"].among_base == ""  # of all workplaces: nothing to add
        assert rows["culture-index"].among_base == "Among workplaces that answered at least 3 of the 5 statements"
        # A note under the published figures names the national row as the table does.
        for row in report.rows:
            for note in row.national_notes:
                assert note.startswith("The row “Nationally” above"), note
    client = Client()
    client.cookies["barometer_language"] = "en"
    url = f"/s/{published_reports['links'][which]}/rapport/"
    page = client.get(url).content.decode()
    headers = _row_headers(page)
    # Every group of an indicator's table has the same base: said once, in its caption, and
    # each row names the group alone (not "..., among workplaces with an innovation" on each).
    found = re.findall(r"<caption[^>]*>(.*?)</caption>", page)
    captions = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in found]
    assert any(c.endswith(". Among workplaces with an innovation") for c in captions), captions
    assert any(c.endswith(". Among workplaces that answered at least 3 of the 5 statements") for c in captions)
    assert "Nationally" in headers and type_name in headers, headers
    assert not [h for h in headers if ", among " in h], headers
    assert any(re.fullmatch(r"Workplaces in municipalities in centrality class \d", h) for h in headers), headers
    assert any(re.fullmatch(r"Workplaces in municipalities with .+ inhabitants( or more)?", h) for h in headers)
    county = response.municipality.county.name
    assert f"Workplaces in {county}" in headers, headers
    assert not [h for h in headers if h.startswith((county, "Municipalities", "Centrality"))], headers
    assert not [h for h in headers if " of workplaces" in h or "(workplaces" in h], headers
    pdf = client.get(f"{url}rapport.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Among workplaces with an innovation " in text
    assert f"{type_name}: " in text
    assert "Nationally, among workplaces with an innovation: " not in text
    assert f"{type_name}, among workplaces with an innovation: " not in text


def _figure(value, low, high, base, n=200):
    return Figure("x", Estimate(n=n, value=value, low=low, high=high), base, True, True)


#: An indicator as the summary's sentences use it: what its share counts, and its name.
EXTERNAL = SimpleNamespace(
    share_clause_en="collaborated with actors outside the workplace on their newest innovation",
    name="Collaborated with someone outside the workplace",
)


def test_a_summary_sentence_names_the_group_then_whom_the_share_is_of():
    """ "Among nursing homes nationally, 80% of workplaces with an innovation answered yes" is
    no sentence in Norwegian («Blant alders- og sykehjem på landsbasis svarte 66 % av
    virksomheter med en innovasjon ja»), and "answered yes" says nothing of what the share
    counts: the share of the group, then what it counts, and whom it is of (the base) in the
    parenthesis with the interval."""
    with translation.override("en"):
        figure = _figure(0.8, 0.7, 0.9, INNOVATORS)
        sentence = _figure_sentence(EXTERNAL, "You answered no.", "nursing homes nationally", figure)
        assert sentence == (
            "You answered no. 80% of nursing homes nationally collaborated with actors outside the workplace on "
            "their newest innovation (base: workplaces with an innovation; 95% interval 70–90%, 200 answers)."
        )
        sentence = _figure_sentence(
            EXTERNAL, "You answered no.", "all workplaces nationally", _figure(0.8, 0.7, 0.9, ALL)
        )
        assert sentence == (
            "You answered no. 80% of all workplaces nationally collaborated with actors outside the workplace on "
            "their newest innovation (95% interval 70–90%, 200 answers)."
        )
        # All workplaces nationally, of whom a share of innovators: the base names the group
        # ("all workplaces nationally" then a narrower base would contradict itself).
        sentence = _figure_sentence(EXTERNAL, "You answered no.", "all workplaces nationally", figure, nationally=True)
        assert sentence == (
            "You answered no. 80% of workplaces with an innovation nationally collaborated with actors outside the "
            "workplace on their newest innovation (95% interval 70–90%, 200 answers)."
        )
        # An indicator without the words (an admin's own) is named, never "answered yes".
        unnamed = SimpleNamespace(share_clause_en="", name="Leaders initiated")
        sentence = _figure_sentence(unnamed, "You answered no.", "nursing homes nationally", figure)
        assert sentence.startswith("You answered no. For 80% of nursing homes nationally, “Leaders initiated” holds (")


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_no_summary_sentence_puts_an_indefinite_base_between_the_share_and_yes(language):
    """Every group the summary compares with, beside every base, in every language: the share
    of the group is followed by what it counts at once, never by "of <base>" after the
    group's name (an indefinite base after a group reads as another group), and the base is
    named once."""
    from barometer.reports.summary import comparison_groups

    with translation.override(language):
        of = {"nb": "av", "nn": "av", "en": "of"}[language]
        bases = [
            Base("innovators", str(translation.gettext("workplaces with an innovation"))),
            Base("non_innovators", str(translation.gettext("workplaces without an innovation"))),
            Base("workplaces", str(translation.gettext("all workplaces"))),
        ]
        indicator = SimpleNamespace(**{f"share_clause_{language}": "COUNTED"}, name="NAME")
        for workplace_type in WorkplaceType.values:
            for group in comparison_groups(workplace_type=workplace_type, centrality=3):
                for base in bases:
                    sentence = _figure_sentence(
                        indicator, "X.", group.name, _figure(0.8, 0.7, 0.9, base), nationally=group.kind == "national"
                    )
                    assert re.search(rf"^X\. 80\s?% {of} .*\S COUNTED \(", sentence), sentence
                    assert not re.search(rf"(\)|\w) {of} {re.escape(base.label)}", sentence), sentence
                    # The base is named once: in the group's name (nationally) or in the parenthesis.
                    if base.kind != "workplaces":
                        assert sentence.count(base.label) == 1, sentence


def test_a_summary_compared_nationally_names_the_base_as_the_group(published_reports):
    response = published_reports["self_test"]
    with translation.override("en"):
        summary = build_workplace_report(response).summary
    sentences = [item.sentence for item in summary.less + summary.more]
    assert sentences, summary
    assert not [s for s in sentences if "all workplaces nationally, " in s and " of workplaces with" in s], sentences


def test_a_report_row_sentence_names_whom_the_national_share_is_of_in_brackets(published_reports):
    """nn «Nasjonalt svarte 88 % av verksemder med ein innovasjon ja» is no sentence, and
    "answered yes" said nothing of what the share counts: the share of the national group,
    named by whom it is of (a share of all workplaces of all of them), then what it counts."""
    with translation.override("en"):
        rows = {row.indicator.key: row for row in build_workplace_report(published_reports["workplace"]).rows}
        external, innovated = rows["external-collaboration"].sentence, rows["innovated"].sentence
    assert re.search(
        r" \d+% of workplaces with an innovation nationally collaborated with actors outside the workplace on "
        r"their newest innovation \([\d,]+ answers\)\.$",
        external,
    ), external
    assert re.search(
        r" \d+% of all workplaces nationally have introduced at least one innovation in the last two years "
        r"\([\d,]+ answers\)\.$",
        innovated,
    ), innovated
    for language in ("nb", "nn"):
        with translation.override(language):
            report = build_workplace_report(published_reports["workplace"])
        for row in report.rows:
            sentence = str(row.sentence)
            assert not re.search(r"\bja\b", sentence), sentence
            if row.indicator.is_share and row.national.shown:
                # The national group, then at once what the share counts.
                clause = getattr(row.indicator, f"share_clause_{language}")
                assert f" på landsbasis {clause} (" in sentence, sentence


def test_a_factor_names_the_group_then_whom_the_shares_are_of(published_reports):
    from barometer.reports.workplace import report_blocks
    from surveys.questionnaire import AnswerValues, Questionnaire

    response = published_reports["workplace"]
    with translation.override("en"):
        report = build_workplace_report(response)
        answers = Questionnaire.for_response(response).answer_summary(AnswerValues.for_response(response))
        factors = [factor for block in report_blocks(report, answers) for factor in block.factors if factor.group]
    assert factors
    for factor in factors:
        # Of the same type, the base after the group; nationally, the base names the group.
        assert (factor.group, factor.base) in {
            ("nursing homes", "workplaces with an innovation"),
            ("workplaces with an innovation", ""),
        }, factor
    client = Client()
    client.cookies["barometer_language"] = "en"
    html = " ".join(client.get(f"/s/{published_reports['links']['workplace']}/rapport/").content.decode().split())
    promoted = r"Among (nursing homes|workplaces with an innovation): \d+% say it promoted"
    assert re.search(promoted, html), html
    # Whom the shares are of after the sentence, not between the share and "say".
    # A group of a type names whom the shares are of after the sentence, not between share and "say".
    for sentence in re.findall(r"Among nursing homes: [^<]*", html):
        assert re.search(r"that it hindered it \(1–2\)\. Base: workplaces with an innovation; n = \d+\.", sentence)
    assert " of workplaces with an innovation say" not in html
    assert "(workplaces with an innovation):" not in html and "Among all workplaces: " not in html


def test_the_peer_group_of_a_workplace_type_is_named_in_the_plural():
    county = County(number="46", name="Vestland")
    with translation.override("en"):
        labels = [label for _kind, label, _filter in peer_filters(
            workplace_type=WorkplaceType.PRIMARY_SCHOOL, size_class=1, centrality=3, county=county
        )]  # fmt: skip
    # Each names workplaces: "Municipalities with under 5,000 inhabitants 71%" read as 71% of
    # the municipalities, "Vestland 71%" as 71% of the county.
    assert labels == [
        "Primary and lower-secondary schools", "Workplaces in municipalities with under 5,000 inhabitants",
        "Workplaces in municipalities in centrality class 3", "Workplaces in Vestland",
    ]  # fmt: skip


# --- A group that names municipalities, a county or employees reads as workplaces ------------------


def test_a_chosen_group_is_named_as_workplaces():
    """ "Kommuner med 5 000–19 999 innbyggere 71 %" read as 71 % of the municipalities; the
    share is of the workplaces in them. The statistics page, its chart and its files name the
    chosen group with ``describe``."""
    from barometer.engine.groups import Filter
    from barometer.reports.aggregate import describe

    with translation.override("en"):
        assert describe(Filter()) == "all workplaces"
        assert describe(Filter(size_class=2)) == "Workplaces in municipalities with 5,000–19,999 inhabitants"
        assert describe(Filter(centrality=3)) == "Workplaces in municipalities in centrality class 3"
        assert describe(Filter(workplace_type="kindergarten")) == "Kindergartens"
        assert (
            describe(Filter(workplace_type="kindergarten", size_class=1))
            == "Kindergartens in municipalities with under 5,000 inhabitants"
        )
        assert describe(Filter(centrality=1)) == "Workplaces in municipalities in centrality class 1 (most central)"
        assert describe(Filter(sector="health_care", centrality=6)) == (
            "Workplaces in the health and care sector, in municipalities in centrality class 6 (least central)"
        )


@pytest.mark.django_db
def test_a_county_is_named_as_its_workplaces(register):
    from barometer.engine.groups import Filter
    from barometer.reports.aggregate import describe

    county = County.objects.order_by("number").first()
    with translation.override("en"):
        assert describe(Filter(county=county.number)) == f"Workplaces in {county.name}"
        nursing_homes = describe(Filter(workplace_type="nursing_home", county=county.number))
        assert nursing_homes == f"Nursing homes in {county.name}"
        # A sector's name has a place of its own ("in the ... sector"): the county follows a comma.
        health = describe(Filter(sector="health_care", county=county.number))
        assert health == f"Workplaces in the health and care sector, in {county.name}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nb",
            "Barnehager i {county}, i kommuner med under 5 000 innbyggere og sentralitetsklasse 1 (mest sentral)",
        ),
        (
            "en",
            "Kindergartens in {county}, in municipalities with under 5,000 inhabitants and centrality class 1 "
            "(most central)",
        ),
    ],
)
def test_a_group_of_several_filters_names_the_municipalities_once(register, language, expected):
    """ "Barnehager i kommuner med under 5 000 innbyggere, i kommuner i sentralitetsklasse 1 –
    mest sentral, i Vestland" said "i kommuner" twice and read the dash as an aside: the
    county first, then the municipalities once, the class's end in brackets."""
    from barometer.engine.groups import Filter
    from barometer.reports.aggregate import describe

    county = County.objects.order_by("number").first()
    chosen = Filter(workplace_type="kindergarten", size_class=1, centrality=1, county=county.number)
    with translation.override(language):
        name = describe(chosen).replace("\u00a0", " ")
    # nb's size label is translated in the catalogue; the words around it are checked in English.
    if language == "nb" and "innbyggere og" not in name:
        pytest.skip("the new msgids are not yet translated")
    assert name == expected.format(county=county.name)
    assert name.count("kommuner" if language == "nb" else "municipalities") == 1


def test_the_statistics_page_chart_and_files_name_a_size_class_as_workplaces(published_reports):
    client, round_ = published_reports["analyst"], published_reports["round"]
    client.cookies["barometer_language"] = "en"
    query = f"round={round_.pk}&size_class=1"
    group = "Workplaces in municipalities with under 5,000 inhabitants"
    html = client.get(f"/statistikk/?{query}").content.decode()
    assert f": {group}</h2>" in html
    assert f"Indicators for {lower_first(group)}" in html
    chart = client.get(f"/statistikk/figur.svg?{query}").content.decode()
    assert f"<title>Share of {lower_first(group)} for which each measure holds (unweighted). Where a bar names" in chart
    data = json.loads(client.get(f"/statistikk/eksport.json?{query}").content)
    assert data["group"] == group, data["group"]


# --- The charts word a share's base as the tables do ------------------------------------------------


def _chart_text(svg: str) -> str:
    """A chart's drawn text, its lines (each a text element) joined by spaces."""
    return " ".join(html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def test_the_report_charts_name_each_base_with_among_as_the_tables_do(published_reports):
    """The charts said "(of workplaces with an innovation)" and "each bar is a share of the
    workplaces in brackets", the tables "..., among workplaces with an innovation": in
    Norwegian "av" beside "blant" for the same base."""
    client = Client()
    url = f"/s/{published_reports['links']['workplace']}/rapport/"
    shares = _chart_text(client.get(f"{url}figur/shares.svg?sprak=en").content.decode())
    assert "Improved quality, among workplaces with an innovation" in shares, shares
    assert "Where a bar names a group of workplaces, the share is among those." in shares, shares
    assert "among those a bar names" not in shares and "(of " not in shares and "in brackets" not in shares, shares
    # The culture chart: every bar has the same base, said once in the title ("(0–100,
    # unweighted)", one pair of brackets), not on each bar as "Nationally, among ...".
    culture_svg = client.get(f"{url}figur/culture.svg?sprak=en").content.decode()
    culture = _chart_text(culture_svg)
    base = "among workplaces that answered at least 3 of the 5 statements"
    title = re.search(r"<title>([^<]*)</title>", culture_svg).group(1)
    assert html.unescape(title).endswith(f"(0–100, unweighted), {base}"), title
    assert ") (" not in title, title
    assert culture.count("statements") == 1, culture  # in the title only
    assert "Nationally" in culture and f"Nursing homes, {base}" not in culture, culture
    client.cookies["barometer_language"] = "en"
    page = client.get(url).content.decode()
    # The caption names the chart; the sentence about bars is in its drawn title and its
    # text alternative, not said a third time under it.
    assert "Share of workplaces for which each measure holds, nationally and in your peer group. The sections" in page
    alt = re.search(r'<img src="[^"]*shares\.svg[^"]*"[^>]* alt="([^"]*)"', page).group(1)
    assert "Where a bar names a group of workplaces, the share is among those." in html.unescape(alt), alt
    assert page.count("Where a bar names a group of workplaces") == 1
    assert "share of the workplaces named in its label" not in page


# --- A name that ends in brackets takes its weighting inside them ---------------------------------


def test_a_name_in_brackets_takes_the_weighting_inside_them():
    """ "Kulturindeks for nye ideer (0–100) (vektet)" had two pairs of brackets."""
    from barometer.formatting import with_weighting

    with translation.override("en"):
        assert (
            with_weighting("Culture index for new ideas (0–100)", True)
            == "Culture index for new ideas (0–100, weighted)"
        )
        assert with_weighting("Share with external collaboration", False) == (
            "Share with external collaboration (unweighted)"
        )
        # Brackets holding a comma already: the word after a semicolon, not as one more item.
        assert with_weighting("Share (5–6 on the scale from 1, hindered, to 6, promoted)", True) == (
            "Share (5–6 on the scale from 1, hindered, to 6, promoted; weighted)"
        )


def test_the_findings_columns_and_the_statistics_base_column_read_as_the_tables_do(published_reports):
    client, round_ = published_reports["analyst"], published_reports["round"]
    client.cookies["barometer_language"] = "en"
    findings = client.get(f"/statistikk/funn/?round={round_.pk}").content.decode()
    headers = re.findall(r'<th scope="col">([^<]*)</th>', findings)
    assert headers, findings[:500]
    assert not [h for h in headers if re.search(r"\) \((un)?weighted\)", h)], headers
    page = client.get(f"/statistikk/?round={round_.pk}").content.decode()
    # "Andel eller skår av (grunnlag)" headed a column that holds only the base.
    assert '<th scope="col">Base</th>' in page
    assert "Share or score of (base)" not in page and "Share or score among (base)" not in page


def test_a_groups_table_and_file_say_all_the_groups_workplaces_not_all_workplaces(published_reports):
    """Beside "Kindergartens in Vestland", a base of "all workplaces" read as a national figure."""
    client, round_ = published_reports["analyst"], published_reports["round"]
    client.cookies["barometer_language"] = "en"
    grouped = client.get(f"/statistikk/?round={round_.pk}&group=type:kindergarten").content.decode()
    assert '<td class="base">all the group&#x27;s workplaces</td>' in grouped
    assert '<td class="base">all workplaces</td>' not in grouped
    everyone = client.get(f"/statistikk/?round={round_.pk}").content.decode()
    assert '<td class="base">all workplaces</td>' in everyone
    exported = client.get(f"/statistikk/eksport.json?round={round_.pk}&group=type:kindergarten")
    bases = {row["base"] for row in json.loads(exported.content)["indicators"]}
    assert "all the group's workplaces" in bases and "all workplaces" not in bases


def test_a_centrality_class_at_either_end_is_named_so_in_every_group_name():
    """A report's peer row, a findings breakdown and a summary named class 1 and 6 bare
    ("centrality class 6") while filters and files said "(least central)"."""
    from barometer.reports.aggregate import describe

    with translation.override("en"):
        assert centrality_label(1) == "Workplaces in municipalities in centrality class 1 (most central)"
        assert centrality_label(6) == "Workplaces in municipalities in centrality class 6 (least central)"
        assert centrality_label(3) == "Workplaces in municipalities in centrality class 3"
        assert centrality_label(6) == describe(Filter(centrality=6))
    with translation.override("nb"):
        assert centrality_label(1).endswith("(mest sentral)"), centrality_label(1)
        assert centrality_label(6).endswith("(minst sentral)"), centrality_label(6)
