"""Staff reports: aggregates with filters, suppression through every filter and export,
the findings page, raw exports and the import round trip."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from barometer.engine.groups import Filter, centrality_label, size_class_label
from barometer.engine.stats import Estimate
from barometer.models import StaffMembership
from barometer.reports.aggregate import aggregate_report
from barometer.reports.findings import Verdict, combined_verdict, ranking_verdict
from barometer.synthetic import generate_round
from surveys.models import County, Municipality, Response, Round, RoundKind, Workplace, WorkplaceType
from surveys.services.response_files import ResponseFileError, csv_lines, export_rows, import_responses
from tests.builders import ResponseBuilder, innovator, without_identity


@pytest.fixture
def analyst(django_user_model):
    user = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Analytikere"))
    return user


@pytest.fixture
def municipality_staff(django_user_model, municipality):
    user = django_user_model.objects.create_user("kommune", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Kommuneansatte"))
    StaffMembership.objects.create(user=user, municipality=municipality)
    return user


@pytest.fixture
def counties_round(barometer_data, national_round, register):
    """30 innovators: 4 in one county, 7 in another, 19 in a third."""
    build = ResponseBuilder(national_round)
    by_county = {}
    for municipality in Municipality.objects.select_related("county"):
        by_county.setdefault(municipality.county.number, municipality)
    small, medium, large = list(by_county.values())[:3]
    for municipality, count in ((small, 4), (medium, 7), (large, 19)):
        for i in range(count):
            build.submitted(
                workplace_type=WorkplaceType.PRIMARY_SCHOOL,
                municipality=municipality,
                answers=innovator(initiated_by=["employees"] if i % 2 else ["leaders"]),
            )
    return national_round, small.county, medium.county, large.county


def test_a_group_of_four_is_hidden_and_so_is_the_complement_that_reveals_it(counties_round):
    round_, small, medium, large = counties_round
    employees = "employees-initiated-or-implemented"
    four = aggregate_report(round_, Filter(county=small.number))
    assert four.responses is None
    assert not any(row.estimate.shown for row in four.rows)
    seven = aggregate_report(round_, Filter(county=medium.number))
    # 7 is enough on its own, but national - 19 - 7 would reveal the 4: hidden too.
    assert not next(r for r in seven.rows if r.indicator.key == employees).estimate.shown
    nineteen = aggregate_report(round_, Filter(county=large.number))
    assert next(r for r in nineteen.rows if r.indicator.key == employees).estimate.shown
    national = aggregate_report(round_, Filter())
    assert national.responses == 30


def test_a_filter_combination_close_to_a_coarser_group_is_hidden(counties_round):
    round_, _small, _medium, large = counties_round
    # Primary schools in the large county (19) differ from all primary schools (30) by 11: shown.
    shown = aggregate_report(round_, Filter(workplace_type=WorkplaceType.PRIMARY_SCHOOL, county=large.number))
    assert shown.responses == 19
    # A sector filter that differs from the whole by nothing hides nothing; one that leaves
    # out fewer than five does: add 3 kindergartens elsewhere.
    build = ResponseBuilder(round_)
    municipality = Municipality.objects.filter(county=large).first()
    for _ in range(3):
        build.submitted(workplace_type=WorkplaceType.KINDERGARTEN, municipality=municipality, answers=innovator())
    schools = aggregate_report(round_, Filter(workplace_type=WorkplaceType.PRIMARY_SCHOOL))
    assert schools.responses is None  # 33 - 30 = 3 kindergartens could be worked out
    assert not any(row.estimate.shown for row in schools.rows)


def test_the_page_and_every_export_hide_the_same(client, analyst, counties_round):
    round_, _small, medium, _large = counties_round
    client.force_login(analyst)
    query = f"round={round_.pk}&county={medium.number}"
    page = client.get(f"/statistikk/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<span class="not-shown">ikke vist</span>' in html
    export = client.get(f"/statistikk/eksport.csv?{query}").content
    assert export.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, as Excel needs it
    rows = list(csv.DictReader(io.StringIO(export.decode("utf-8-sig"))))
    employees = next(r for r in rows if r["indicator"] == "employees-initiated-or-implemented")
    assert employees["value"] == "" and employees["workplaces"] == "" and employees["hidden"]
    data = json.loads(client.get(f"/statistikk/eksport.json?{query}").content)
    assert data["workplaces"] is None
    assert all(item["value"] is None for item in data["indicators"])
    workbook = load_workbook(io.BytesIO(client.get(f"/statistikk/eksport.xlsx?{query}").content))
    sheet = workbook["indikatorer"]
    header = [cell.value for cell in sheet[1]]
    values = [row[header.index("value")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values and all(value is None for value in values)


def test_bad_filters_get_a_message_not_an_error(client, analyst, counties_round):
    client.force_login(analyst)
    response = client.get("/statistikk/?size_class=9&county=77")
    assert response.status_code == 400
    assert response.context["form"].errors
    assert client.get("/statistikk/eksport.pdf").status_code == 404


def test_change_since_the_previous_round_is_matched_by_indicator_key(client, analyst, barometer_data, question_set,
                                                                     register):  # fmt: skip
    earlier = generate_round(question_set=question_set, slug="r2022", name="2022", workplaces=200, seed=1).round
    later = generate_round(question_set=question_set, slug="r2024", name="2024", workplaces=200, seed=2).round
    two_years = timedelta(days=730)
    Round.objects.filter(pk=earlier.pk).update(
        opens_at=later.opens_at - two_years, closes_at=later.closes_at - two_years
    )
    later.refresh_from_db()
    report = aggregate_report(later, Filter())
    assert report.previous_round == earlier
    row = next(r for r in report.rows if r.indicator.key == "innovated")
    assert row.change is not None
    assert row.change[0] == pytest.approx(row.estimate.value - row.previous.value)


def test_findings_page_sets_each_finding_beside_the_published_statement(client, analyst, barometer_data,
                                                                        question_set, register):  # fmt: skip
    generate_round(question_set=question_set, slug="funn", name="Funn", workplaces=400)
    client.force_login(analyst)
    page = client.get("/statistikk/funn/")
    assert page.status_code == 200
    keys = {finding.key for finding in page.context["findings"]}
    assert {"employees", "voluntary", "external", "municipal-by-type", "quality-outside", "culture",
            "factors-most"} <= keys  # fmt: skip
    factors = next(finding for finding in page.context["findings"] if finding.key == "factors-most")
    assert [c.label for c in factors.comparisons[:2]] == [
        "Medvirkning fra medarbeiderne",
        "Samarbeid internt i virksomheten",
    ]
    assert len(factors.comparisons) == 8 and factors.verdict in set(Verdict)
    by_type = next(finding for finding in page.context["findings"] if finding.key == "municipal-by-type")
    # The published figures in the order of the sentence and of the rows: schools first.
    assert [f.key for f in by_type.published_figures] == [
        "no2018-municipal-collaboration-schools-kindergartens",
        "no2018-municipal-collaboration-nursing-homes-upper-secondary",
    ]
    # ... and each row is set beside its own published figure, not only their difference.
    assert [c.published.key for c in by_type.comparisons] == [f.key for f in by_type.published_figures]
    assert all(c.published_verdict for c in by_type.comparisons)
    assert "Grunnskoler og barnehager mot det publiserte «6 av 10»:" in page.content.decode()
    html = page.content.decode()
    assert "88" in html and "79" in html
    # Each table says what its value is, not just "value": the quality finding's two rows
    # are shares that found better quality, of two bases the rows name.
    quality = html[html.index('id="finding-quality-outside"') :]
    quality = quality[: quality.index("</thead>")]
    assert '<th scope="col">Andel der den nye løsningen ga bedre kvalitet (' in quality, quality
    assert len({finding.measure for finding in page.context["findings"]}) >= 5
    # ... the breakdowns too (they read "Share (weighted)" beside rows naming only the base).
    assert html.count("Andel som hadde en innovasjon (") == 1
    assert html.count("Andel der eksterne aktører var med og satte i gang innovasjonen (") == 2
    assert len(page.context["breakdowns"]) == 5
    # The two claims about medium-sized and medium-central municipalities compare each middle
    # part with each end, every comparison named on the page.
    medium = [b for b in page.context["breakdowns"] if b.differences and len(b.differences) == 4]
    assert len(medium) == 2, [(b.title, b.verdict) for b in page.context["breakdowns"]]
    for breakdown in medium:
        for higher, lower, _difference in breakdown.differences:
            assert f"{higher} minus {lower}:" in html and lower[0].islower(), lower
    # Every difference says what is taken from what (an analyst read "+9" beside 77 % and
    # 67 % and could not tell the order), and that it is of the unrounded figures.
    assert "regnet ut fra tallene før avrunding" in html
    findings_with_difference = [f for f in page.context["findings"] if f.difference]
    assert html.count("Forskjell (første rad minus andre rad):") == len(findings_with_difference) > 0
    for breakdown in page.context["breakdowns"]:
        for higher, lower, _difference in breakdown.differences:
            assert f"<li>{higher} minus {lower}:" in html, (higher, lower)
    # Each breakdown row names its group in full: a bare "2" beside "of workplaces with an
    # innovation" reads as two workplaces.
    labels = {row.label for breakdown in page.context["breakdowns"] for row in breakdown.rows}
    # ... as workplaces (a share beside "Kommuner med ..." reads as one of municipalities); the
    # words are the catalogue's (test_group_labels checks them in English).
    with translation.override("nb"):
        assert {centrality_label(2), size_class_label(2)} <= labels, labels
    assert not any(label.isdigit() for label in labels)
    # A row's label and the words under it never say the same thing twice ("Collaborated with
    # public workplaces outside the municipality, of workplaces with an innovation that
    # collaborated with public workplaces outside the municipality").
    rows = re.findall(r'<th scope="row">(.*?)<br><span class="small fw-normal base">(.*?)</span>', html, re.S)
    # (Only rows whose bases differ within a table name theirs: a shared one is in the caption.)
    assert len(rows) >= 2, rows
    for label, under in rows:
        assert label.strip().lower() not in under.lower(), (label, under)
    culture = html[html.index('id="finding-culture"') :]
    culture = culture[: culture.index("</table>")]
    assert "Virksomheter med en innovasjon<br>" in culture and "som svarte på minst 3 av de 5" in culture, culture


def test_a_claim_needing_several_differences_is_supported_only_when_all_are():
    above, straddling, below = (0.1, 0.02, 0.18), (0.05, -0.01, 0.11), (-0.1, -0.18, -0.02)
    assert combined_verdict([above, above, above]) == Verdict.SUPPORTED
    assert combined_verdict([above, straddling]) == Verdict.UNDECIDED_SOME
    assert combined_verdict([straddling]) == Verdict.UNDECIDED
    assert combined_verdict([above, below, above]) == Verdict.CONTRADICTED
    assert combined_verdict([above, None]) == Verdict.TOO_FEW
    assert combined_verdict([]) == Verdict.TOO_FEW


def test_the_factors_named_as_contributing_most_must_stand_clear_of_every_other():
    def share(value, low, high):
        return Estimate(n=200, value=value, low=low, high=high)

    named = [share(0.8, 0.74, 0.85), share(0.75, 0.69, 0.8)]
    assert ranking_verdict(named, [share(0.5, 0.43, 0.57), share(0.6, 0.53, 0.66)]) == Verdict.SUPPORTED
    # Overlapping intervals are no clear difference: the shares are of the same workplaces.
    assert ranking_verdict(named, [share(0.65, 0.58, 0.71)]) == Verdict.OVERLAPPING
    # ... and when another factor's estimate is even higher, the verdict says which way they point.
    assert ranking_verdict(named, [share(0.77, 0.71, 0.82)]) == Verdict.OVERLAPPING_AGAINST
    assert ranking_verdict(named, [share(0.9, 0.86, 0.93)]) == Verdict.CONTRADICTED
    hidden = Estimate(n=3, value=None, low=None, high=None)
    assert ranking_verdict(named, [hidden]) == Verdict.TOO_FEW


def test_findings_say_plainly_when_the_data_cannot_support_a_claim(client, analyst, counties_round):
    client.force_login(analyst)
    page = client.get("/statistikk/funn/")
    verdicts = {finding.key: finding.verdict for finding in page.context["findings"]}
    assert verdicts["municipal-by-type"] == "too_few"  # no nursing homes at all


def test_raw_export_has_one_column_per_question_and_option_and_no_personal_data(client, analyst, barometer_data,
                                                                                question_set, register):  # fmt: skip
    round_ = generate_round(question_set=question_set, slug="raw", name="Raw", workplaces=25).round
    client.force_login(analyst)
    response = client.get(f"/statistikk/data/svar.csv?round={round_.slug}")
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 25
    assert "initiated_by.employees" in rows[0] and "novelty" in rows[0]
    assert "@" not in text and "Syntetisk" not in text  # no e-mail addresses, no workplace names
    workbook = load_workbook(io.BytesIO(client.get(f"/statistikk/data/svar.xlsx?round={round_.slug}").getvalue()))
    assert workbook.sheetnames == ["svar", "kodebok"]
    assert workbook["svar"].max_row == 26
    codebook = client.get(f"/statistikk/data/kodebok.csv?round={round_.slug}")
    lines = b"".join(codebook.streaming_content).decode()
    assert "initiated_by,employees,option,initiated_by.employees" in lines


def with_workplace_names(rows):
    """The export's rows with a ``workplace`` column added: an imported answer must say
    which workplace gave it, and the export (no personal data) does not."""
    rows = iter(rows)
    yield [*next(rows), "workplace"]
    for number, row in enumerate(rows, start=1):
        yield [*row, f"Importert skole {number}"]


def test_export_and_import_round_trip_gives_identical_aggregates(barometer_data, question_set, register, tmp_path):
    source = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=120).round
    # The full form (manage.py export_responses) names each workplace: it imports as it is.
    exported = tmp_path / "svar.csv"
    call_command("export_responses", "--round", source.slug, "-o", str(exported))
    header = exported.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert {"response", "employees", "organisation_number", "workplace", "source_id"} <= set(header)
    target = Round.objects.create(
        slug="kopi", name="Kopi", kind=RoundKind.NATIONAL, question_set=question_set,
        opens_at=source.opens_at, closes_at=source.closes_at,
    )  # fmt: skip
    out = io.StringIO()
    call_command("import_responses", "--round", target.slug, str(exported), stdout=out)
    assert "120 responses imported" in out.getvalue()
    for filter_ in (Filter(), Filter(workplace_type=WorkplaceType.NURSING_HOME), Filter(size_class=3)):
        original = aggregate_report(source, filter_)
        copy = aggregate_report(target, filter_)
        assert [(r.indicator.key, r.estimate) for r in original.rows] == [
            (r.indicator.key, r.estimate) for r in copy.rows
        ]


def test_one_bad_row_in_ten_thousand_changes_nothing(barometer_data, question_set, register):
    source = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=40).round
    header, *body = without_identity(export_rows(source, full=True))
    rows = [body[i % len(body)] for i in range(10_000)]
    bad = list(rows[7_777])
    bad[header.index("novelty")] = "invented"
    rows[7_777] = bad
    lines = list(csv_lines(with_workplace_names([header, *rows])))
    header, rows = lines[0], lines[1:]
    target = Round.objects.create(
        slug="kopi", name="Kopi", kind=RoundKind.NATIONAL, question_set=question_set,
        opens_at=source.opens_at, closes_at=source.closes_at,
    )  # fmt: skip
    before = Response.objects.count()
    with pytest.raises(ResponseFileError) as excinfo:
        import_responses(target, io.StringIO(header + "".join(rows)))
    assert excinfo.value.errors == ["row 7779, column novelty: 'invented' is not an option of this question"]
    assert Response.objects.count() == before


def test_municipality_staff_list_only_their_own_workplaces(client, municipality_staff, barometer_data, question_set,
                                                           register):  # fmt: skip
    round_ = generate_round(question_set=question_set, slug="liste", name="Liste", workplaces=80).round
    client.force_login(municipality_staff)
    page = client.get("/rapporter/")
    assert page.status_code == 200
    municipalities = {r.municipality_id for r in page.context["responses"]}
    assert municipalities <= {municipality_staff.staff_membership.municipality_id}
    other = (
        Response.objects.filter(round=round_)
        .exclude(municipality=municipality_staff.staff_membership.municipality)
        .first()
    )
    assert client.get(f"/rapporter/{other.pk}/").status_code == 404
    own = Response.objects.filter(round=round_, municipality=municipality_staff.staff_membership.municipality).first()
    if own is not None:
        assert client.get(f"/rapporter/{own.pk}/").status_code == 200
    assert County.objects.exists()


def test_a_workplace_moved_in_the_register_keeps_its_reports_where_it_was_counted(
    client, municipality_staff, barometer_data, question_set, register
):
    """Staff read the reports of the responses counted in their municipality, which is what
    the disclosure check assumes they know: a workplace moved to another municipality later
    (a merger, a correction of the register) takes neither its reports nor its place in the
    list along."""
    round_ = generate_round(question_set=question_set, slug="flytt", name="Flytt", workplaces=30).round
    own_municipality = municipality_staff.staff_membership.municipality
    response = Response.objects.filter(round=round_).exclude(municipality=own_municipality).first()
    counted_in = response.municipality
    Workplace.objects.filter(pk=response.workplace_id).update(municipality=own_municipality)
    client.force_login(municipality_staff)
    assert client.get(f"/rapporter/{response.pk}/").status_code == 404
    assert response.pk not in {r.pk for r in client.get("/rapporter/").context["responses"]}

    Workplace.objects.filter(pk=response.workplace_id).update(municipality=counted_in)
    Response.objects.filter(pk=response.pk).update(municipality=own_municipality)
    assert client.get(f"/rapporter/{response.pk}/").status_code == 200
    assert response.pk in {r.pk for r in client.get("/rapporter/").context["responses"]}


def test_findings_hide_a_group_that_the_national_total_would_give_away(client, analyst, counties_round):
    round_, _small, _medium, large = counties_round
    build = ResponseBuilder(round_)
    municipality = Municipality.objects.filter(county=large).first()
    for _ in range(3):
        build.submitted(workplace_type=WorkplaceType.NURSING_HOME, municipality=municipality, answers=innovator())
    client.force_login(analyst)
    page = client.get("/statistikk/funn/")
    finding = next(f for f in page.context["findings"] if f.key == "municipal-by-type")
    schools, care = (comparison.estimate for comparison in finding.comparisons)
    assert care.suppressed == "too_few"  # three nursing homes
    assert schools.suppressed == "complement"  # 33 - 30 would give the three away
    assert finding.verdict == "too_few"
    # The 30 schools are not "too few answers": both read alike and the text names both reasons.
    assert finding.verdict_text == (
        "Her kan det ikke sies noe: et tall som trengs, vises ikke (det er for få svar, eller det kunne avsløre en "
        "liten gruppe)."
    )
    html = page.content.decode()
    assert html.count('<span class="not-shown">ikke vist</span>') >= 2
    assert "«Ikke vist» betyr at tallet er skjult: det er for få svar, eller det kunne avsløre en liten gruppe." in html


def test_public_workplaces_outside_the_municipality_include_state_ones(question_set, barometer_data):
    """KS 2018: "collaboration with public workplaces outside the own (county) municipality"
    goes with better quality. A workplace that collaborated only with a state agency did
    collaborate with one; the indicator and the finding's two groups count it so."""
    from barometer.engine.figures import resolved_indicators
    from barometer.reports.findings import extra_specs
    from surveys.models import Option

    codes = dict(Option.objects.filter(question__section__question_set=question_set).values_list("id", "code"))
    specs = {item.spec.key: item.spec for item in resolved_indicators(question_set.pk, extra_specs())}
    counted = {codes[i] for i in specs["collaboration-outside-municipality"].counted_option_ids}
    assert counted == {"other_municipalities", "state"}
    assert {codes[i] for i in specs["finding-quality-outside"].required_option_ids} == counted
    assert {codes[i] for i in specs["finding-quality-not-outside"].excluded_option_ids} == counted


def test_the_report_list_pages_through_every_report_says_how_many_and_searches(
    admin_client, barometer_data, question_set, register, monkeypatch
):
    """The list stopped at 500 of 3,062 without a word: the rest could not be reached."""
    from barometer.views import staff

    round_ = generate_round(question_set=question_set, slug="mange", name="Mange", workplaces=25).round
    monkeypatch.setattr(staff, "REPORTS_PER_PAGE", 10)
    seen = []
    for number in (1, 2, 3):
        page = admin_client.get(f"/rapporter/?side={number}", HTTP_ACCEPT_LANGUAGE="nb")
        seen += [response.pk for response in page.context["responses"]]
    html = page.content.decode()
    assert "Viser 21–25 av 25 innsendte svar, etter virksomhetens navn." in html
    assert "Side 3 av 3" in html and 'rel="prev"' in html and 'rel="next"' not in html
    assert sorted(seen) == sorted(Response.objects.filter(round=round_).values_list("pk", flat=True))
    # A page beyond the last shows the last; one that is no number, the first.
    assert admin_client.get("/rapporter/?side=99").context["page"].number == 3
    assert admin_client.get("/rapporter/?side=x").context["page"].number == 1
    Workplace.objects.filter(pk=Response.objects.filter(round=round_).first().workplace_id).update(
        name="Solsikken barnehage"
    )
    found = admin_client.get("/rapporter/", {"sok": " SOLSIKKEN "}, HTTP_ACCEPT_LANGUAGE="nb")
    assert [response.workplace.name for response in found.context["responses"]] == ["Solsikken barnehage"]
    none = admin_client.get("/rapporter/", {"sok": "finnes ikke"}, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Ingen virksomhet med «finnes ikke» i navnet har sendt inn svar." in none
