"""RoundFigures, the one front door for a round's figures: the same weighting on every
page and file, live figures after every input changes, named strata, bases, published
ranges and verdicts, and the hooks for a suppression decided elsewhere."""

import csv
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import translation

from barometer.engine import cache as cache_module
from barometer.engine.cache import figures_version
from barometer.engine.figures import INNOVATORS, RoundFigures
from barometer.engine.groups import Filter
from barometer.engine.published import (
    NOT_SHOWN,
    OTHER_MEASURE,
    OTHER_SCOPE,
    UNWEIGHTED,
    WIDER_SCOPE,
    PublishedRange,
    UnreadableWording,
    published_range,
    published_verdict,
    range_verdict,
)
from barometer.engine.stats import Estimate, t_critical
from barometer.engine.suppression import GroupDecision, NoSuppression, Suppressed
from barometer.formatting import group_with_base
from barometer.models import ReferenceFigure
from barometer.outputs import exports
from barometer.reports.aggregate import aggregate_report
from barometer.reports.findings import findings
from barometer.reports.workplace import build_workplace_report
from surveys.models import Municipality, PopulationCell, Region, Response, WorkplaceType
from surveys.services.answering import bump_data_version
from surveys.services.population import load_population
from tests.builders import ResponseBuilder, innovator, non_innovator, publish

# --- Exact t quantiles and published ranges (pure) ----------------------------------------


def test_t_quantile_at_31_degrees_of_freedom_is_exact():
    assert round(t_critical(31), 3) == 2.040
    assert round(t_critical(30), 3) == 2.042
    assert round(t_critical(120), 3) == 1.980  # not the normal 1.960 above 30


@pytest.mark.parametrize(
    ("wording", "low", "high"),
    [
        ("6 in 10", 55, 65),
        ("6 av 10", 55, 65),
        ("about 4 in 10", 35, 45),
        ("om lag 4 av 10", 35, 45),
        ("over 7 in 10", 70, 75),
        ("over 7 av 10", 70, 75),
        ("nearly 3 in 10", 25, 30),
        ("nesten 3 av 10", 25, 30),
        ("over half", 50, 100),
        ("over halvparten", 50, 100),
        ("3 %", 2.5, 3.5),
        ("88%", 87.5, 88.5),
        ("7,5 %", 7.45, 7.55),
        # A quarter or a third is read no wider than tenths (half a step of 1/4 would be
        # 12.5-37.5 %: nobody writes "1 in 4" for 13 %); a finer count keeps its own step.
        ("1 av 4", 20, 30),
        ("nearly 1 in 3", 28.3333, 33.3333),
        ("12 in 100", 11.5, 12.5),
    ],
)
def test_the_range_a_wording_allows_follows_one_rule(wording, low, high):
    assert published_range(wording) == PublishedRange(low, high)


def test_a_wording_without_a_figure_is_refused():
    with pytest.raises(UnreadableWording):
        published_range("mange")


@pytest.mark.parametrize("wording", ["150 %", "100,5 %", "over 99999 %", "99999999999999999999 prosent"])
def test_a_percentage_above_a_hundred_is_refused_like_eleven_in_ten(wording):
    """A share is at most 100 %: a larger one is no figure the rule reads (its range would
    not be a share, and a large one does not fit the range's columns)."""
    with pytest.raises(UnreadableWording):
        published_range(wording)
    assert published_range("100 %") == PublishedRange(99.5, 100)


@pytest.mark.parametrize(
    ("low", "high", "wording", "verdict"),
    [
        (0.61, 0.65, "6 in 10", "consistent"),  # 63 % (61-65 %) against "6 in 10"
        (0.030, 0.082, "3 %", "consistent"),  # 5 % (3.0-8.2 %) against "3 %"
        (0.66, 0.70, "6 in 10", "higher"),
        (0.40, 0.54, "6 in 10", "lower"),
        (0.51, 0.60, "over half", "consistent"),
        (0.40, 0.49, "over half", "lower"),
    ],
)
def test_a_verdict_is_consistent_when_the_interval_meets_the_published_range(low, high, wording, verdict):
    assert range_verdict(low, high, published_range(wording)) == verdict


def test_reference_figures_store_the_range_of_their_wording(barometer_data):
    figure = ReferenceFigure.objects.get(key="no2018-external-collaboration")
    assert (float(figure.range_low), float(figure.range_high)) == (55, 65)
    figure.wording_nb = "over 6 av 10"
    figure.save()
    figure.refresh_from_db()
    assert (float(figure.range_low), float(figure.range_high)) == (60, 65)


def test_findings_verdict_against_6_in_10_with_61_to_65_is_consistent(barometer_data):
    from barometer.reports.findings import Verdict, _published_verdict

    figure = ReferenceFigure.objects.get(key="no2018-external-collaboration")
    live = Estimate(n=900, value=0.63, low=0.61, high=0.65)
    assert _published_verdict(live, figure) == Verdict.CONSISTENT
    voluntary = ReferenceFigure.objects.get(key="no2018-collaboration-voluntary")
    assert _published_verdict(Estimate(n=100, value=0.05, low=0.030, high=0.082), voluntary) == Verdict.CONSISTENT


# --- A weighted round with an empty stratum --------------------------------------------------


@pytest.fixture
def analyst(django_user_model):
    user = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Analytikere"))
    return user


@pytest.fixture
def skewed(barometer_data, national_round, register):
    """Twelve eager schools (all innovators, half with employees initiating) and twelve
    reluctant nursing homes (innovators without external collaboration) in one region.
    No population yet: the figures are unweighted until one is loaded."""
    region = Region.objects.get(code="vestlandet")
    municipality = Municipality.objects.filter(county__region=region).first()
    build = ResponseBuilder(national_round)
    for i in range(12):
        build.submitted(
            workplace_type=WorkplaceType.PRIMARY_SCHOOL,
            municipality=municipality,
            answers=innovator(collaborated_with=["users"], initiated_by=["employees"] if i % 2 else ["leaders"]),
        )
        build.submitted(workplace_type=WorkplaceType.NURSING_HOME, municipality=municipality, answers=innovator())
    return national_round


POPULATION = (
    "workplace_type,region,workplaces\n"
    "primary_school,vestlandet,100\n"
    "nursing_home,vestlandet,300\n"
    "kindergarten,nord-norge,30\n"  # nobody answered here
)


def external(report):
    return next(row for row in report.rows if row.indicator.key == "external-collaboration").estimate


def test_load_population_changes_the_live_figures_at_once(admin_client, skewed, django_capture_on_commit_callbacks):
    client = admin_client
    query = f"round={skewed.pk}"
    before = client.get(f"/statistikk/?{query}")
    assert not before.context["report"].weighted
    assert external(before.context["report"]).value == pytest.approx(0.5)
    chart_before = client.get(f"/statistikk/figur.svg?{query}").content
    response = Response.objects.filter(round=skewed, workplace_type=WorkplaceType.NURSING_HOME).first()
    report_before = client.get(f"/rapporter/{response.pk}/")

    with django_capture_on_commit_callbacks(execute=True):
        load_population(skewed, io.StringIO(POPULATION))

    after = client.get(f"/statistikk/?{query}")
    assert after.context["report"].weighted
    assert external(after.context["report"]).value == pytest.approx(0.25)
    assert client.get(f"/statistikk/figur.svg?{query}").content != chart_before
    assert client.get(f"/rapporter/{response.pk}/").content != report_before.content


def test_statistics_and_findings_give_the_same_value_for_the_same_indicator_and_weighting(client, analyst, skewed):
    load_population(skewed, io.StringIO(POPULATION))
    client.force_login(analyst)
    for weighting in ("", "&vekting=av"):
        statistics = client.get(f"/statistikk/?round={skewed.pk}{weighting}").context["report"]
        page = client.get(f"/statistikk/funn/?round={skewed.pk}{weighting}")
        finding = next(f for f in page.context["findings"] if f.key == "employees")
        live = finding.comparisons[0].estimate
        row = next(r for r in statistics.rows if r.indicator.key == "employees-initiated-or-implemented")
        assert (live.value, live.low, live.high, live.weighted) == (
            row.estimate.value,
            row.estimate.low,
            row.estimate.high,
            row.estimate.weighted,
        )
        assert live.weighted == (weighting == "")
    weighted = findings(skewed).findings[0].comparisons[0].estimate
    assert weighted.weighted and weighted.effective_n < weighted.n  # unequal weights cost precision


def test_an_empty_stratum_is_named_on_the_analyst_page(client, analyst, skewed):
    load_population(skewed, io.StringIO(POPULATION))
    client.force_login(analyst)
    page = client.get(f"/statistikk/?round={skewed.pk}")
    state = page.context["report"].weighting
    assert [(s.region, s.workplaces) for s in state.left_out] == [("Nord-Norge", 30)]
    assert state.left_out_share == pytest.approx(30 / 430)
    html = page.content.decode()
    assert 'class="strata-left-out"' in html and "Nord-Norge" in html
    # Elsewhere (a workplace's report, from the published snapshot) it is a share of the
    # population, without names.
    publish(skewed)
    response = Response.objects.filter(round=skewed).first()
    report = build_workplace_report(response)
    assert report.weighting.left_out_share == pytest.approx(30 / 430)
    from django.template.loader import render_to_string

    note = render_to_string(
        "barometer/partials/weighting_note.html",
        {"weighted": True, "available": True, "state": report.weighting},
    )
    assert "7" in note and "Nord-Norge" not in note  # 30 of 430 = 7 %
    files = client.get(f"/statistikk/eksport.json?round={skewed.pk}")
    assert json.loads(files.content)["strata_left_out"]


def test_effective_n_is_shown_beside_weighted_intervals_on_staff_pages(client, analyst, skewed):
    load_population(skewed, io.StringIO(POPULATION))
    client.force_login(analyst)
    html = client.get(f"/statistikk/?round={skewed.pk}").content.decode()
    assert 'class="effective-n"' in html
    assert 'class="effective-n"' not in client.get(f"/statistikk/?round={skewed.pk}&vekting=av").content.decode()
    assert 'class="effective-n"' in client.get(f"/statistikk/funn/?round={skewed.pk}").content.decode()


# --- Bases, scope notes and downloads ----------------------------------------------------------


def test_every_share_names_its_base(client, analyst, skewed):
    client.force_login(analyst)
    report = aggregate_report(skewed, Filter())
    row = next(r for r in report.rows if r.indicator.key == "external-collaboration")
    assert row.base.kind == INNOVATORS
    culture = next(r for r in report.rows if r.indicator.key == "culture-index")
    assert "3" in culture.base.label and "5" in culture.base.label  # at least 3 of the 5 statements
    chart = client.get(f"/statistikk/figur.svg?round={skewed.pk}").content.decode()
    assert str(row.base.label).split()[-1] in chart
    response = Response.objects.filter(round=skewed).first()
    workplace = build_workplace_report(response)
    wp_row = next(r for r in workplace.rows if r.indicator.key == "external-collaboration")
    assert str(wp_row.base.label) in wp_row.among_base  # said once, above the table
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/statistikk/eksport.csv?round={skewed.pk}").content.decode("utf-8-sig"))
        )
    )
    assert next(r for r in rows if r["indicator"] == "external-collaboration")["base"] == str(row.base.label)


def test_a_figure_published_for_a_subgroup_carries_its_scope_beside_a_wider_filter(skewed):
    education = aggregate_report(skewed, Filter(sector="education"))
    row = next(r for r in education.rows if r.indicator.key == "municipal-collaboration")
    schools = next(p for p in row.norway if p.figure.key == "no2018-municipal-collaboration-schools-kindergartens")
    assert schools.scope  # published for primary schools and kindergartens only
    assert all(p.scope for p in row.norway if p.figure.workplace_types)
    # ... and about another population than the sector, upper-secondary schools included:
    # no verdict, in the page and in the downloads alike.
    assert schools.verdict == OTHER_SCOPE
    assert all(p.verdict == OTHER_SCOPE for p in row.norway if p.scope)
    assert [p.verdict for p in row.norway if not p.scope] != [OTHER_SCOPE]
    health = aggregate_report(skewed, Filter(workplace_type="nursing_home"))
    row = next(r for r in health.rows if r.indicator.key == "municipal-collaboration")
    assert not any(p.figure.key.endswith("schools-kindergartens") for p in row.norway)  # about other types
    part = aggregate_report(skewed, Filter(workplace_type="primary_school"))
    row = next(r for r in part.rows if r.indicator.key == "municipal-collaboration")
    assert [p.scope for p in row.norway if p.figure.key.endswith("schools-kindergartens")] == [""]
    assert OTHER_SCOPE not in {p.verdict for p in row.norway}


def test_a_figure_published_for_a_wider_group_gets_no_verdict_beside_a_part_of_it(client, analyst, skewed):
    """An analyst found nursing homes alone judged against "4 av 10", which KS published for
    nursing homes and upper-secondary schools together, and one workplace type against the
    74 % of all workplaces: a part may differ from its whole without contradicting KS. Such a
    figure is shown, says why it is not compared, and is not marked on the chart; the group
    it was published for still gets its verdict, as on the findings page."""
    from barometer.views.staff import share_bars

    load_population(skewed, io.StringIO(POPULATION))  # weighted, as the published figures are
    client.force_login(analyst)

    def verdicts(filter_, key):
        row = next(r for r in aggregate_report(skewed, filter_).rows if r.indicator.key == key)
        return {p.figure.key: p.verdict for p in row.norway}

    care = verdicts(Filter(workplace_type="nursing_home"), "municipal-collaboration")
    assert care["no2018-municipal-collaboration-nursing-homes-upper-secondary"] == WIDER_SCOPE
    schools = verdicts(Filter(workplace_type="primary_school"), "innovated")
    assert schools["no2018-innovated"] == schools["no2018-innovated-education"] == WIDER_SCOPE
    county = Municipality.objects.filter(county__region__code="vestlandet").first().county.number
    assert verdicts(Filter(county=county), "innovated")["no2018-innovated"] == WIDER_SCOPE
    # The groups the figures were published for keep their verdicts.
    assert verdicts(Filter(), "innovated")["no2018-innovated"] in {"consistent", "higher", "lower"}
    health = verdicts(Filter(sector="health_care"), "innovated")
    assert health["no2018-innovated-health-care"] in {"consistent", "higher", "lower"}
    assert health["no2018-innovated"] == WIDER_SCOPE
    assert not any(bar.published for bar in share_bars(aggregate_report(skewed, Filter(workplace_type="nursing_home"))))
    query = f"round={skewed.pk}&group=type:nursing_home"
    html = client.get(f"/statistikk/?{query}").content.decode()
    assert "Ikke sammenlignet: publisert for en større gruppe, som gruppen som vises, bare er en del av." in html
    assert "4 av 10" in html  # still shown, for context
    exported = client.get(f"/statistikk/eksport.csv?{query}").content.decode("utf-8-sig")
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert rows["municipal-collaboration"]["published_norway_verdict"] == WIDER_SCOPE
    assert not {"higher", "lower", "consistent"} & set(rows["innovated"]["published_norway_verdict"].split("; "))
    data = json.loads(client.get(f"/statistikk/eksport.json?{query}").content)
    assert "wider_scope" in json.dumps(data, ensure_ascii=False)


def test_a_figure_published_for_some_types_gets_no_verdict_beside_all_workplaces(client, analyst, skewed):
    load_population(skewed, io.StringIO(POPULATION))  # weighted, as the published figures are
    client.force_login(analyst)
    everyone = aggregate_report(skewed, Filter())
    row = next(r for r in everyone.rows if r.indicator.key == "innovated")
    verdicts = {p.figure.key: p.verdict for p in row.norway}
    assert verdicts["no2018-innovated-education"] == verdicts["no2018-innovated-health-care"] == OTHER_SCOPE
    assert verdicts["no2018-innovated"] in {"consistent", "higher", "lower"}
    html = client.get(f"/statistikk/?round={skewed.pk}").content.decode()
    assert "Ikke sammenlignet: gruppen som vises, har også andre virksomhetstyper." in html
    # A verdict follows a sentence (a scope's "Publisert bare for ...") or the figure's
    # brackets: it is a sentence too, never "... for grunnskoler. ikke sammenlignet".
    verdicts_shown = re.findall(r'<span class="verdict small">([^<]*)</span>', html)
    assert verdicts_shown and all(text[0].isupper() and text.endswith(".") for text in verdicts_shown)
    assert not re.search(r"\.</em></span> <span class=\"verdict small\">[a-zæøå]", html)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/statistikk/eksport.csv?round={skewed.pk}").content.decode("utf-8-sig"))
        )
    )
    exported = next(r for r in rows if r["indicator"] == "innovated")["published_norway_verdict"].split("; ")
    assert exported.count(OTHER_SCOPE) == 2 and len(exported) == 3


def test_the_2018_figures_are_not_set_beside_workplaces_the_2018_barometer_did_not_ask(skewed):
    # KS 2018 asked education and health and care only (BAROMETER.md): a group of "other"
    # workplaces alone, and an "other" workplace's own report, get no 2018 figure; all
    # workplaces, which also hold them, keep the comparison (the method page says so).
    municipality = Municipality.objects.filter(county__region__code="vestlandet").first()
    build = ResponseBuilder(skewed)
    others = [
        build.submitted(workplace_type=WorkplaceType.OTHER, municipality=municipality, answers=innovator())
        for _ in range(6)
    ]

    def norway(filter_):
        row = next(r for r in aggregate_report(skewed, filter_).rows if r.indicator.key == "innovated")
        return {p.figure.key: p.verdict for p in row.norway}

    assert not any(key.startswith("no2018-") for key in norway(Filter(workplace_type=WorkplaceType.OTHER)))
    assert not any(key.startswith("no2018-") for key in norway(Filter(sector="other")))
    assert norway(Filter())["no2018-innovated"] != OTHER_SCOPE
    assert "no2018-innovated" in norway(Filter(workplace_type=WorkplaceType.NURSING_HOME))
    report = build_workplace_report(others[0])
    assert not any(f.key.startswith("no2018-") for row in report.rows for f in row.norway)
    nursing_home = build_workplace_report(Response.objects.filter(round=skewed, workplace_type="nursing_home").first())
    assert any(f.key.startswith("no2018-") for row in nursing_home.rows for f in row.norway)


def test_downloads_carry_sources_edition_population_notes_and_weighting(client, analyst, skewed):
    client.force_login(analyst)
    query = f"round={skewed.pk}&sector=education"
    download = client.get(f"/statistikk/eksport.csv?{query}")
    exported = download.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    row = next(r for r in rows if r["indicator"] == "municipal-collaboration")
    # A CSV for a group says so on every row and in its name (an analyst saved one over the
    # national file, and its "base" read as the whole round).
    assert {r["group"] for r in rows} == {"alle virksomheter"}  # "sector=" is not a filter of the form
    education = client.get(f"/statistikk/eksport.csv?round={skewed.pk}&group=sector:education")
    grouped = list(csv.DictReader(io.StringIO(education.content.decode("utf-8-sig"))))
    # The group is named as workplaces, as on the page.
    assert {r["group"] for r in grouped} == {"Virksomheter i sektoren oppvekst og utdanning"}
    assert "-oppvekst-og-utdanning" in education["Content-Disposition"]
    assert "-oppvekst" not in download["Content-Disposition"]
    figure = ReferenceFigure.objects.get(key="no2018-municipal-collaboration-schools-kindergartens")
    details = row["published_norway_details"]
    assert figure.source_title in details and figure.get_edition_display() in details
    assert figure.population_label in details and figure.note in details
    # Its note no longer says whom it was published for; the details still do (a part
    # among others: no full stop before the "; ").
    assert "Publisert bare for grunnskoler og barnehager; " in details, details
    assert "55-65 %" in row["published_norway_range"].split("; ") and row["weighting"]
    data = json.loads(client.get(f"/statistikk/eksport.json?{query}").content)
    assert data["sources"] and data["weighting"]


def test_the_findings_page_says_that_it_ignores_a_chosen_group(client, analyst, skewed):
    client.force_login(analyst)
    page = client.get(f"/statistikk/funn/?round={skewed.pk}&group=sector:education")
    assert page.context["ignored_filter"]
    assert "filters-ignored" in page.content.decode()
    plain = client.get(f"/statistikk/funn/?round={skewed.pk}")
    assert not plain.context["ignored_filter"]
    # Its form offers the round only: a group to choose would be one it ignores.
    html = plain.content.decode()
    form = html[html.index('<form method="get" class="filters') :]
    form = form[: form.index("</form>")]
    assert 'name="round"' in form and 'name="group"' not in form and 'name="county"' not in form, form


# --- The figures version -------------------------------------------------------------------------


def test_every_input_of_a_figure_changes_the_rounds_version(
    skewed, self_test_round, django_capture_on_commit_callbacks
):
    version = figures_version(skewed.pk)
    municipality = Municipality.objects.first()
    municipality.size_class = 1 if municipality.size_class != 1 else 2
    with django_capture_on_commit_callbacks(execute=True):
        municipality.save()
    assert figures_version(skewed.pk) != version
    version = figures_version(skewed.pk)
    with override_settings(BAROMETER_MIN_GROUP_SIZE=7):
        assert figures_version(skewed.pk) != version
    with override_settings(BAROMETER_WEIGHTING_STRATA=["workplace_type"]):
        assert figures_version(skewed.pk) != version
    with override_settings(BAROMETER_MIN_STRATUM_RESPONDENTS=9):
        assert figures_version(skewed.pk) != version
    with django_capture_on_commit_callbacks(execute=True):
        PopulationCell.objects.create(
            round=skewed, workplace_type="primary_school", region=Region.objects.first(), workplaces=5
        )
    assert figures_version(skewed.pk) != version
    version = figures_version(skewed.pk)
    bump_data_version(self_test_round.pk)  # a self-test submitted
    assert figures_version(skewed.pk) == version
    with django_capture_on_commit_callbacks(execute=True):
        ReferenceFigure.objects.filter(key="no2018-innovated").first().save()
    assert figures_version(skewed.pk) != version


def test_new_code_changes_every_rounds_version(skewed, tmp_path, monkeypatch):
    """A deploy with a fixed rule or a corrected translation must not serve what the
    earlier code cached (for up to a day, or until the next answer)."""
    for name in ("barometer/engine/rule.py", "templates/report.html", "locale/nb/LC_MESSAGES/django.mo"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"one")
    before = cache_module.digest_of_files(tmp_path)
    (tmp_path / "templates/report.html").write_bytes(b"two")
    after = cache_module.digest_of_files(tmp_path)
    (tmp_path / "templates/notes.md").write_bytes(b"not code")
    assert before != after == cache_module.digest_of_files(tmp_path)
    version = figures_version(skewed.pk)
    monkeypatch.setattr(cache_module, "code_digest", lambda: after)
    assert figures_version(skewed.pk) != version


def test_a_workplace_type_change_changes_the_version(skewed, django_capture_on_commit_callbacks):
    from surveys.models import Workplace

    version = figures_version(skewed.pk)
    workplace = Workplace.objects.first()
    workplace.workplace_type = WorkplaceType.KINDERGARTEN
    with django_capture_on_commit_callbacks(execute=True):
        workplace.save()
    assert figures_version(skewed.pk) != version


# --- Hooks for a suppression decided elsewhere -----------------------------------------------------


def test_unsuppressed_figures_carry_their_counts_for_an_audit(skewed):
    figures = RoundFigures(skewed, weighted=False)
    raw = figures.unsuppressed(Filter(county="99"))  # no such county: empty, nothing to hide
    assert raw.responses == 0
    national = figures.unsuppressed(Filter())
    counts = national["external-collaboration"].counts
    assert (counts.n, counts.numerator) == (24, 12)
    assert figures.group(Filter())["external-collaboration"].counts is None  # never on a page


def test_a_suppression_policy_and_a_decision_can_come_from_outside(skewed):
    small = Filter(workplace_type=WorkplaceType.PRIMARY_SCHOOL, county="nope")
    assert RoundFigures(skewed, suppression=NoSuppression()).group(Filter()).responses == 24
    decision = GroupDecision(group=None, indicators={"external-collaboration": Suppressed.COMPLEMENT})
    figures = RoundFigures(skewed).with_decision(Filter(), decision)
    assert figures["external-collaboration"].suppressed == Suppressed.COMPLEMENT
    assert figures["innovated"].shown
    assert RoundFigures(skewed).group(small).responses == 0


# --- The registry of export formats ------------------------------------------------------------------


def test_a_new_export_format_is_one_class(client, analyst, skewed):
    @exports.register
    class TabSeparated(exports.ExportFormat):
        name, extension, content_type = "tsv", "tsv", "text/tab-separated-values; charset=utf-8"

        def render(self, report):
            return "\n".join("\t".join(str(self.cell(row[c])) for c in exports.COLUMNS) for row in exports.rows(report))

    try:
        client.force_login(analyst)
        response = client.get(f"/statistikk/eksport.tsv?round={skewed.pk}")
        assert response.status_code == 200 and "external-collaboration" in response.content.decode()
    finally:
        exports.FORMATS.pop("tsv")


def test_non_innovators_are_not_in_the_innovators_base(skewed):
    build = ResponseBuilder(skewed)
    for _ in range(6):
        build.submitted(
            workplace_type=WorkplaceType.KINDERGARTEN,
            municipality=Municipality.objects.first(),
            answers=non_innovator(),
        )
    figure = RoundFigures(skewed, weighted=False).figure("external-collaboration")
    assert figure.n == 24 and figure.base.kind == INNOVATORS


def test_the_admin_shows_the_range_and_refuses_an_unreadable_wording(admin_client, barometer_data):
    figure = ReferenceFigure.objects.get(key="no2018-external-collaboration")
    url = f"/admin/barometer/referencefigure/{figure.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert any(shown in page.content.decode() for shown in ("55,000", "55.000"))
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(figure).items() if v is not None and k not in ("range_low", "range_high")}
    data.update(wording_nb="mange", workplace_types="[]")
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and "wording_nb" in refused.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.wording_nb == "6 av 10"


def test_a_source_address_typed_without_a_scheme_is_read_as_https(admin_client, barometer_data):
    figure = ReferenceFigure.objects.get(key="no2018-external-collaboration")
    url = f"/admin/barometer/referencefigure/{figure.pk}/change/"
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(figure).items() if v is not None and k not in ("range_low", "range_high")}
    data.update(source_url="www.ks.no/innovasjonsbarometeret", workplace_types=[])
    saved = admin_client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    figure.refresh_from_db()
    assert figure.source_url == "https://www.ks.no/innovasjonsbarometeret"


@pytest.mark.parametrize("key", ["workplaces", "innovators", "non_innovators", "innovations"])
def test_an_indicator_may_not_be_keyed_like_a_population(barometer_data, key):
    """Bases are named after their population, else after their first indicator's key: an
    indicator keyed "innovators" would give two bases one name and stop publishing. The admin
    (and anything else that validates) refuses it with a sentence, naming the field."""
    from django.core.exceptions import ValidationError

    from barometer.models import Indicator

    indicator = Indicator.objects.filter(rule="share").first()
    indicator.key = key
    with pytest.raises(ValidationError) as raised:
        indicator.full_clean()
    assert raised.value.message_dict["key"] == [
        "En nøkkel kan ikke være navnet på en populasjon (workplaces, innovators, non_innovators, innovations)."
    ]


def test_a_figure_that_measures_something_else_gets_no_verdict(client, analyst, skewed):
    """A Danish share of innovations, or a Norwegian "key role" beside "initiated or
    implemented", is shown with its note but not judged; nor is it marked on the chart."""
    load_population(skewed, io.StringIO(POPULATION))  # weighted, as the published figures are
    client.force_login(analyst)
    report = aggregate_report(skewed, Filter())
    rows = {row.indicator.key: row for row in report.rows}
    employees = rows["employees-initiated-or-implemented"]
    verdicts = {p.figure.key: p.verdict for p in employees.norway + employees.denmark}
    assert verdicts["no2020-employees-key-role"] == verdicts["dk2015-employees-key-role"] == OTHER_MEASURE
    assert verdicts["no2018-employees-initiate-or-implement"] in {"consistent", "higher", "lower"}
    assert all(p.verdict == OTHER_MEASURE for row in report.rows for p in row.denmark)
    assert rows["political-leadership-initiated"].benchmark is None  # "an important cause" is not "initiated"
    html = client.get(f"/statistikk/?round={skewed.pk}").content.decode()
    assert "Ikke sammenlignet: tallet måler noe annet (se merknaden)." in html
    exported = list(
        csv.DictReader(
            io.StringIO(client.get(f"/statistikk/eksport.csv?round={skewed.pk}").content.decode("utf-8-sig"))
        )
    )
    row = next(r for r in exported if r["indicator"] == "external-collaboration")
    assert row["published_denmark_verdict"] == OTHER_MEASURE and row["published_norway_verdict"] != OTHER_MEASURE


def test_the_chart_marks_the_figure_published_for_the_groups_own_types(skewed):
    """Health and care is marked at 7 in 10 (published for health and care), not at the 74 %
    of all workplaces; all workplaces at 74 %, not at a sector's figure; kindergartens at
    neither, since no figure was published for them alone (the table says "not compared")."""

    def benchmark(filter_):
        row = next(r for r in aggregate_report(skewed, filter_).rows if r.indicator.key == "innovated")
        return row.benchmark.key if row.benchmark else None

    assert benchmark(Filter(sector="health_care")) == "no2018-innovated-health-care"
    assert benchmark(Filter(workplace_type="kindergarten")) is None
    assert benchmark(Filter()) == "no2018-innovated"


def test_a_figure_for_some_types_is_not_said_to_be_about_all_workplaces(barometer_data):
    """ "8 av 10 (Norway, 2018 edition; all workplaces; applies to the education sector)"
    contradicted itself."""
    with translation.override("en"):
        # ... nor just "workplaces": whose workplaces (an analyst could not tell which sector).
        assert (
            ReferenceFigure.objects.get(key="no2018-innovated-education").population_label
            == "workplaces in the education and childhood sector"
        )
        assert ReferenceFigure.objects.get(key="no2018-innovated").population_label == "all workplaces"
        assert (
            ReferenceFigure.objects.get(key="no2018-external-collaboration").population_label
            == "workplaces with an innovation"
        )


def test_the_chart_names_the_group_inside_its_title_and_each_base_once(client, analyst, skewed):
    client.force_login(analyst)
    client.cookies["barometer_language"] = "en"
    chart = client.get(f"/statistikk/figur.svg?round={skewed.pk}&group=sector:health_care").content.decode()
    # A sector's workplaces, in lower case inside a sentence.
    wording = r"[Ss]hare of workplaces in the health and care sector for which each measure holds \((un)?weighted\)\. "
    assert re.search(wording, chart)
    # Whom each bar is of, said with "among" as the tables say it (it read "each bar is a
    # share of the workplaces in brackets", the bars "(of ...)": "av" beside "blant"), in
    # words a reader follows (not "among those a bar names"), with one colon at most.
    assert "Where a bar names a group of workplaces, the share is among those." in chart
    assert "among those a bar names" not in chart
    assert "(of " not in chart and "in brackets" not in chart
    client.cookies["barometer_language"] = "nb"
    html = client.get(f"/statistikk/?round={skewed.pk}&group=sector:health_care").content.decode()
    assert "Indikatorer for virksomheter i sektoren helse og omsorg" in html
    # Each bar names its base once: "(among workplaces without an innovation)" in a name is
    # not followed by ", among workplaces without an innovation".
    with translation.override("nb"):
        labels = [
            (group_with_base(row.indicator.name, row.base), str(row.base.label))
            for row in aggregate_report(skewed, Filter()).rows
        ]
    assert all(label.count(base) == 1 for label, base in labels if base != "alle virksomheter"), labels
    assert any(label.endswith(", blant virksomheter med en innovasjon") for label, _base in labels)
    assert not any(" (av " in label for label, _base in labels), labels


def test_a_hidden_figure_gets_a_verdict_code_that_names_no_reason(barometer_data):
    """Downloads said "too_few" beside every hidden figure, also one hidden because it could
    reveal a small group; the code says only that it is not shown."""
    figure = ReferenceFigure.objects.get(key="no2018-external-collaboration")
    hidden = SimpleNamespace(shown=False, low=None, high=None)
    assert published_verdict(hidden, figure) == NOT_SHOWN == "not_shown"
    assert published_verdict(SimpleNamespace(shown=True, low=0.5, high=0.6), figure) == "consistent"


def test_unweighted_figures_are_not_judged_against_the_weighted_published_ones(client, analyst, skewed):
    """KS weighted its 2018 figures by workplace type and region; the unweighted view shows
    them beside the round's shares without a verdict, on the page, in the downloads and in
    the findings. The weighted view still judges."""
    load_population(skewed, io.StringIO(POPULATION))
    client.force_login(analyst)
    unweighted = aggregate_report(skewed, Filter(), weighted=False)
    row = next(r for r in unweighted.rows if r.indicator.key == "external-collaboration")
    assert [p.verdict for p in row.norway] == [UNWEIGHTED]
    weighted = aggregate_report(skewed, Filter())
    row = next(r for r in weighted.rows if r.indicator.key == "external-collaboration")
    assert [p.verdict for p in row.norway] != [UNWEIGHTED] and weighted.weighted
    html = client.get(f"/statistikk/?round={skewed.pk}&vekting=av").content.decode()
    assert "Ikke sammenlignet: disse tallene er uvektet, mens det publiserte er vektet." in html
    exported = client.get(f"/statistikk/eksport.csv?round={skewed.pk}&vekting=av").content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(exported)) if r["indicator"] == "external-collaboration")
    assert row["published_norway_verdict"] == UNWEIGHTED
    judged = {"employees", "voluntary", "external"}  # the findings set beside a published figure
    assert {f.verdict for f in findings(skewed, weighted=False).findings if f.key in judged} == {"unweighted"}
    assert "unweighted" not in {f.verdict for f in findings(skewed).findings}


def test_the_workplace_chart_marks_only_a_published_figure_of_the_same_measure(skewed):
    from barometer.reports.workplace import _published_share

    response = Response.objects.filter(round=skewed, workplace__isnull=False).first()
    rows = {row.indicator.key: row for row in build_workplace_report(response).rows}
    assert _published_share(rows["employees-initiated-or-implemented"]) == 0.88  # 2018, not the 2020 "key role"
    assert _published_share(rows["political-leadership-initiated"]) is None  # "an important cause" only


def test_the_workplace_chart_marks_no_figure_for_one_type_on_the_national_bar(skewed):
    """A school's national bar (all workplaces) carried the "8 in 10" published for the
    education sector: a figure for a part drawn on the whole."""
    from barometer.reports.workplace import _published_share

    response = Response.objects.filter(round=skewed, workplace_type="primary_school").first()
    row = next(r for r in build_workplace_report(response).rows if r.indicator.key == "innovated")
    assert any(figure.workplace_types for figure in row.norway)  # a sector's figure is listed
    assert _published_share(row) == next(float(f.value) / 100 for f in row.norway if not f.workplace_types)


def test_a_scope_note_names_whole_sectors_and_plural_types():
    from barometer.formatting import types_in_words

    with translation.override("nb"):
        assert types_in_words(["primary_school", "kindergarten"]) == "grunnskoler og barnehager"
        assert types_in_words(["nursing_home", "upper_secondary"]) == "alders- og sykehjem og videregående skoler"
        assert types_in_words(["primary_school", "kindergarten", "upper_secondary"]) == "sektoren oppvekst og utdanning"
    with translation.override("nn"):
        assert types_in_words(["primary_school", "kindergarten"]) == "grunnskular og barnehagar"


def test_a_hidden_figure_says_not_shown_whatever_else_holds(skewed):
    """A hidden figure beside a Danish figure said "other_measure" in the downloads, and
    beside a figure of other types "other_scope"; every hidden figure says the same."""
    hidden = SimpleNamespace(shown=False, low=None, high=None)
    for key in ("dk2015-external-collaboration", "no2018-municipal-collaboration-schools-kindergartens"):
        figure = ReferenceFigure.objects.get(key=key)
        assert published_verdict(hidden, figure, weighted=True, scope="scope") == NOT_SHOWN
        assert published_verdict(hidden, figure, weighted=False) == NOT_SHOWN


def test_downloads_give_each_rows_unit_and_the_unweighted_chart_marks_nothing(client, analyst, skewed):
    from barometer.views.staff import share_bars

    load_population(skewed, io.StringIO(POPULATION))
    client.force_login(analyst)
    exported = client.get(f"/statistikk/eksport.csv?round={skewed.pk}").content.decode("utf-8-sig")
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert rows["external-collaboration"]["scale"].startswith("andel 0–1")
    assert "prosentpoeng" in rows["external-collaboration"]["scale"]
    assert rows["culture-index"]["scale"].startswith("indeks 0–100")
    assert any(bar.published for bar in share_bars(aggregate_report(skewed, Filter(sector="education"))))
    assert not any(bar.published for bar in share_bars(aggregate_report(skewed, Filter(), weighted=False)))


def test_a_danish_source_title_is_danish_only(barometer_data):
    """The title is marked ``lang="da"``: "..., gjengitt av KS" in it was bokmål read with a
    Danish voice, and Norwegian on the English pages (found by a screen-reader user). That
    KS quoted a figure is said in its translated note."""
    for figure in ReferenceFigure.objects.filter(country="DK"):
        assert figure.source_language == "da"
        assert not {"gjengitt", "av", "KS"} & set(figure.source_title.replace(",", " ").split()), figure.source_title
    quoted = ReferenceFigure.objects.get(key="dk2015-external-collaboration")
    assert "As quoted by KS" in quoted.note_en and "Attgjeve av KS" in quoted.note_nn
    assert "innovasjonar gjort i samarbeid" in quoted.statement_nn  # a participle, not "gjorde"


# --- One table, one rounding ------------------------------------------------------------------


def _figure(value, low, high, n=300, *, is_share=True):
    from barometer.engine.figures import Base, Figure
    from barometer.engine.stats import Estimate

    return Figure("test", Estimate(n=n, value=value, low=low, high=high), Base("workplaces", "alle"), True, is_share)


def test_every_row_of_a_table_has_the_tables_decimals(client, analyst, skewed, monkeypatch):
    """An analyst found the culture finding's table written "77,9 | 77,5–78,3" beside
    "58 | 57–59", each row rounded by its own interval, and the difference with one decimal
    whatever the rows had. A table now has one number of decimals, the most any of its rows
    needs, for every row, its interval and the difference: on the findings page, the
    statistics page and the report's tables and PDF."""
    from django.template.loader import render_to_string

    from barometer.engine.figures import WeightingState
    from barometer.formatting import format_change, table_decimals
    from barometer.outputs.pdf import _value
    from barometer.reports import findings as findings_module
    from barometer.reports.summary import _figure_sentence
    from barometer.reports.workplace import IndicatorRow, PeerEstimate
    from barometer.views import staff

    narrow, wide = _figure(77.93, 77.52, 78.31, is_share=False), _figure(58.0, 57.0, 59.0, is_share=False)
    assert table_decimals([(narrow, False), (wide, False)]) == 1
    assert table_decimals([(wide, False), (None, False)]) == 0
    with translation.override("nb"):
        # A difference that rounds to zero at the table's decimals is neither "−0" nor "+0".
        assert format_change((-0.001, -0.05, 0.04), decimals=0) == "0 prosentpoeng (−5 til +4)"
    culture = findings_module.Finding(
        key="culture", title="Kultur", measure="Kulturindeks", published="", source="",
        comparisons=[findings_module.Comparison("Med", narrow), findings_module.Comparison("Uten", wide)],
        difference=(19.93, 18.84, 21.02), verdict=findings_module.Verdict.SUPPORTED, is_share=False,
    )  # fmt: skip
    sizes = findings_module.Breakdown(
        title="Etter størrelse", measure="Andel", claim="",
        rows=[findings_module.Comparison("Små", _figure(0.4, 0.3, 0.5)),
              findings_module.Comparison("Store", _figure(0.801, 0.797, 0.805, n=9000))],
        differences=[("Store", "små", (0.401, 0.29, 0.51))], verdict=findings_module.Verdict.SUPPORTED,
    )  # fmt: skip
    weighting = WeightingState(weighted=True, available=True, source="table")
    report = findings_module.FindingsReport([culture], [sizes], weighting)
    monkeypatch.setattr(staff, "findings", lambda *args, **kwargs: report)
    client.force_login(analyst)
    html = client.get(f"/statistikk/funn/?round={skewed.pk}").content.decode()
    assert "<td>77,9</td>" in html and "<td>58,0</td>" in html and "57,0–59,0" in html, html
    assert "+19,9 poeng (+18,8 til +21,0)" in html
    assert "<td>40,0\u00a0%</td>" in html and "30,0–50,0\u00a0%" in html and "79,7–80,5\u00a0%" in html
    assert "+40,1 prosentpoeng (+29,0 til +51,0)" in html

    real = staff.aggregate_report

    def with_one_narrow_row(*args, **kwargs):
        report = real(*args, **kwargs)
        for row in report.rows:
            if row.indicator.key == "innovated":
                row.estimate = _figure(0.58, 0.38, 0.76, n=24)
            if row.indicator.key == "culture-index":
                row.estimate = _figure(77.93, 77.52, 78.31, n=2145, is_share=False)
        return report

    monkeypatch.setattr(staff, "aggregate_report", with_one_narrow_row)
    html = client.get(f"/statistikk/?round={skewed.pk}").content.decode()
    assert "<td>58,0\u00a0%</td>" in html and "38,0–76,0\u00a0%" in html and "<td>77,9</td>" in html, html

    with translation.override("nb"):
        row = IndicatorRow(
            indicator=SimpleNamespace(rule="share"), own=SimpleNamespace(value=1.0, unsure=""),
            national=_figure(0.5803, 0.5781, 0.5826, n=3000),
            peers=[PeerEstimate("workplace_type", "Barnehager", _figure(0.4, 0.3, 0.5, n=40))],
            norway=[], denmark=[], sentence="", suggestion="",
        )  # fmt: skip
        assert row.decimals == 1
        assert _value(row, row.peers[0].estimate) == "40,0\u00a0% (30,0–50,0\u00a0%, n = 40)"
        cell = render_to_string(
            "barometer/partials/report_figure.html",
            {"estimate": row.peers[0].estimate, "is_share": True, "decimals": row.decimals},
        )
        assert "<strong>40,0\u00a0%</strong>" in cell and "30,0–50,0\u00a0%" in cell, cell
        # A figure on its own (the summary): its value as precise as its interval.
        indicator = SimpleNamespace(share_clause_nb="har innført minst én innovasjon", name="")
        sentence = _figure_sentence(indicator, "Dere svarte ja.", "alle virksomheter", row.national)
        assert "58,0\u00a0%" in sentence and "57,8–58,3\u00a0%" in sentence, sentence


def test_an_other_workplaces_report_says_why_it_has_no_2018_figure(client, skewed):
    """A self-test of an "other" workplace listed no Norwegian figure for "Har innovert" and
    did not say why (KS 2018 did not ask such workplaces, ``EDITION_COVERAGE``), and its
    summary said it compared with the 2018 barometer, then found nothing; the report, the
    PDF and the method page now say why, in every language."""
    municipality = Municipality.objects.filter(county__region__code="vestlandet").first()
    build = ResponseBuilder(skewed)
    other = build.submitted(workplace_type=WorkplaceType.OTHER, municipality=municipality, answers=innovator())
    other.token = "annen-virksomhet-token-1234567890"
    other.save()
    expected = {
        "nb": "Her er det ikke noe norsk tall fra 2018: barometeret til KS spurte det året bare virksomheter i "
        "oppvekst og utdanning og i helse og omsorg, ikke virksomheter av typen «Annen virksomhet».",
        "nn": "Her er det ikkje noko norsk tal frå 2018: barometeret til KS spurde det året berre verksemder i "
        "oppvekst og utdanning og i helse og omsorg, ikkje verksemder av typen «Anna verksemd».",
        "en": "There is no Norwegian figure from 2018 here: KS' barometer that year asked only workplaces in "
        "education and in health and care, not workplaces of the type “Other workplace”.",
    }
    for language, sentence in expected.items():
        with translation.override(language):
            report = build_workplace_report(other)
            row = next(r for r in report.rows if r.indicator.key == "innovated")
            assert row.not_asked == [sentence]
            assert not any(f.key.startswith("no2018-") for f in row.norway)
            assert "(2018)" in report.summary_not_asked and report.summary.source == "published"
    page = client.get(f"/s/{other.token}/rapport/").content.decode()
    assert "ikke virksomheter av typen «Annen virksomhet»" in page
    assert 'class="small summary-not-asked"' in page and 'class="summary-none"' not in page
    assert "så her sammenligner vi med det publiserte nasjonale barometeret" not in page
    assert client.get(f"/s/{other.token}/rapport/rapport.pdf").status_code == 200
    # A workplace the 2018 barometer asked gets its figures, and no such sentence.
    nursing_home = build_workplace_report(Response.objects.filter(round=skewed, workplace_type="nursing_home").first())
    assert not any(row.not_asked for row in nursing_home.rows) and not nursing_home.summary_not_asked
    with translation.override("nb"):
        method = client.get("/metode/").content.decode()
    assert "rapporten til en slik virksomhet sier at barometeret for 2018 ikke har noe tall for den" in method


def test_all_workplaces_beside_ks_2018_are_compared_and_the_row_says_other_types_are_in(skewed):
    """KS 2018 asked four workplace types; all workplaces are still compared with its
    figures (the method page says so), and each such figure says so (``unasked``, said once under the table)
    (found by a fresh helper: "lower" read as like for like)."""
    with translation.override("en"):
        row = next(r for r in aggregate_report(skewed, Filter()).rows if r.indicator.key == "innovated")
    national = next(p for p in row.norway if p.figure.key == "no2018-innovated")
    assert national.verdict not in {OTHER_SCOPE, WIDER_SCOPE}  # compared (unweighted here: no population)
    assert "workplaces of the type “Other workplace”, which KS did not survey in 2018" in national.unasked
    schools = next(
        r for r in aggregate_report(skewed, Filter(sector="education")).rows if r.indicator.key == "innovated"
    )
    assert all("did not survey" not in p.unasked for p in schools.norway)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Virksomheter i kommuner med 5 000–19 999 innbyggere, i Vestland", "5000-19999-innbyggere-i-vestland"),
        ("Verksemder i kommunar med 5\u00a0000\u202f–\u202f19\u00a0999 innbyggjarar", "5000-19999-innbyggjarar"),
        ("Kindergartens in municipalities with 5,000–19,999 inhabitants", "with-5000-19999-inhabitants"),
        ("Barnehager i Trøndelag – Trööndelage, Bø", "barnehager-i-trondelag-troondelage-bo"),
    ],
)
def test_a_download_names_its_group_with_numbers_and_ranges_kept_whole(name, expected):
    """slugify alone made "5-00019-999" of "5 000–19 999": one number where there were two."""
    from barometer.views.staff import file_name_part

    assert file_name_part(name).endswith(expected)


def test_a_cached_value_is_read_with_its_version_in_one_round_trip_and_never_served_stale(db):
    """``cached``: a hit is one ``get_many`` (the counters and the value); a value stored for
    an older figures version is computed again and replaces it; another round's data
    version, or a value stored in another shape, changes nothing it should not."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from barometer.engine.cache import cached
    from surveys.services.answering import bump_data_version

    cache.clear()
    computed = []

    def compute():
        computed.append(len(computed) + 1)
        return {"figure": len(computed)}

    assert cached(7, "probe", ("nb",), compute) == {"figure": 1}
    with CaptureQueriesContext(connection) as captured:
        assert cached(7, "probe", ("nb",), compute) == {"figure": 1}
    assert len(captured) == 1  # the database cache: one SELECT for counters and value
    assert computed == [1]
    bump_data_version(8)  # another round's answers
    assert cached(7, "probe", ("nb",), compute) == {"figure": 1}
    bump_data_version(7)  # this round's answers: the stored value is for an older version
    assert cached(7, "probe", ("nb",), compute) == {"figure": 2}
    assert cached(7, "probe", ("nb",), compute) == {"figure": 2}
    assert cached(7, "probe", ("en",), compute) == {"figure": 3}  # other parts, another key
    # A value another round's data goes into moves with that round too (``also``).
    assert cached(7, "probe", ("nb",), compute, also=(8,)) == {"figure": 4}
    bump_data_version(8)
    assert cached(7, "probe", ("nb",), compute, also=(8,)) == {"figure": 5}
    # Whatever else stands under the key (an entry of another shape) is never returned.
    cache.set(f"barometer:probe:{cache_module._fixed_version()}:7:de", {"figure": "old"})
    assert cached(7, "probe", ("de",), compute) == {"figure": 6}
    assert computed == [1, 2, 3, 4, 5, 6]


def test_processes_with_other_code_keep_cached_values_of_their_own(db, monkeypatch):
    """During a rolling deploy two codes read the same cache: each keeps its own entry (the
    code is in the key), rather than each replacing the other's on every request."""
    from django.core.cache import cache

    from barometer.engine.cache import cached

    cache.clear()
    computed = []

    def compute():
        computed.append(cache_module.code_digest())
        return len(computed)

    assert cached(7, "probe", ("nb",), compute) == 1
    old_code = cache_module.code_digest()
    monkeypatch.setattr(cache_module, "code_digest", lambda: "newer-code")
    assert cached(7, "probe", ("nb",), compute) == 2  # new code: its own value
    monkeypatch.setattr(cache_module, "code_digest", lambda: old_code)
    assert cached(7, "probe", ("nb",), compute) == 1  # the old code's entry is still there
    monkeypatch.setattr(cache_module, "code_digest", lambda: "newer-code")
    assert cached(7, "probe", ("nb",), compute) == 2
    assert computed == [old_code, "newer-code"]
