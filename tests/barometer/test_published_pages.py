"""The real pages and downloads of the public and municipality tiers show the published
snapshot and nothing else (docs/disclosure.md); analysts and admins read live figures,
marked internal. One test per kind of leak, tried through the pages."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from barometer.models import PublishedSnapshot, StaffMembership
from surveys.models import Municipality, Response, ResponseStatus, WorkplaceType
from tests.builders import ResponseBuilder, innovator, non_innovator, publish

TYPES = [WorkplaceType.PRIMARY_SCHOOL, WorkplaceType.KINDERGARTEN, WorkplaceType.NURSING_HOME]
# Counties of the sample register with several municipalities: 11 (9903, 9914, 9930),
# 15 (9908, 9920, 9929), 18 (9905, 9916, 9923); county 46 holds 9902, 9913 and 9925.
LARGE = ["9903", "9914", "9930", "9908", "9920", "9929", "9905", "9916", "9923"]


@pytest.fixture
def world(barometer_data, national_round, register, self_test_round, django_user_model):
    """A round of 60 workplaces in large groups, plus a county group of 6 of which 5 are in
    one municipality (9902) and 1 in another (9913); published, with a municipality user of
    9902 and an analyst."""
    builder = ResponseBuilder(national_round)
    municipalities = {m.number: m for m in Municipality.objects.all()}
    for i in range(54):
        answers = innovator(initiated_by=["employees"]) if i % 3 else non_innovator()
        builder.submitted(
            workplace_type=TYPES[i % 3], municipality=municipalities[LARGE[i % len(LARGE)]], answers=answers
        )
    for _own in range(5):
        builder.submitted(
            workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipalities["9902"], answers=innovator()
        )
    sixth = builder.submitted(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL,
        municipality=municipalities["9913"],
        answers=innovator(collaborated_with=["other_municipalities"]),
    )
    snapshot = publish(national_round)

    def user(name, group, place=None):
        account = django_user_model.objects.create_user(name, password="correct-horse-battery")
        account.groups.add(Group.objects.get(name=group))
        if place:
            StaffMembership.objects.create(user=account, municipality=place)
        client = Client()
        client.force_login(account)
        return client

    return {
        "round": national_round,
        "snapshot": snapshot,
        "builder": builder,
        "sixth": sixth,
        "municipalities": municipalities,
        "staff": user("kommune", "Kommuneansatte", municipalities["9902"]),
        "analyst": user("analytiker", "Analytikere"),
        "self_test_round": self_test_round,
    }


def _self_test_report(client, world, token="selvtest-token-abcdefghij"):
    round_ = world["self_test_round"]
    Response.objects.create(
        round=round_, question_set=round_.question_set, workplace_type=WorkplaceType.KINDERGARTEN,
        municipality=world["municipalities"]["9903"], employees=20, status=ResponseStatus.SUBMITTED,
        submitted_at=timezone.now(), token=token,
    )  # fmt: skip
    return f"/s/{token}/rapport/"


def _csv(client, url):
    return list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))


def _figures(report):
    return [
        (row.indicator.key, row.national.estimate, [(peer.label, peer.estimate.estimate) for peer in row.peers])
        for row in report.rows
    ]


def test_a_submit_after_publishing_changes_no_figure_on_the_self_test_or_workplace_report(client, admin_client, world):
    """Live before/after: fetching a group before and after one workplace submits gave its
    answers; the pages now read the frozen snapshot."""
    url = _self_test_report(client, world)
    before = client.get(url).context["report"]
    assert before.published and before.round == world["round"]
    assert any(peer.estimate.shown for row in before.rows for peer in row.peers)
    workplace_report = admin_client
    own = Response.objects.filter(round=world["round"]).order_by("pk").first()
    before_own = workplace_report.get(f"/rapporter/{own.pk}/").context["report"]
    # One more workplace submits (a late paper answer saved directly); the cache is bumped.
    world["builder"].submitted(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=world["municipalities"]["9903"], answers=innovator()
    )
    after = client.get(url).context["report"]
    assert _figures(after) == _figures(before)
    assert after.responses_nationally == before.responses_nationally == 60
    assert _figures(workplace_report.get(f"/rapporter/{own.pk}/").context["report"]) == _figures(before_own)


def test_a_municipality_user_cannot_derive_the_sixth_workplace_of_a_county_group(world):
    """What the viewer already knows: 5 of the county's 6 workplaces are the user's own, so
    the county group would give the sixth away; it is hidden on the page and in the file."""
    staff = world["staff"]
    round_id = world["round"].pk
    for query in (f"county=46&round={round_id}", f"group=type:primary_school&county=46&round={round_id}"):
        page = staff.get(f"/statistikk/?{query}")
        assert page.status_code == 200
        report = page.context["report"]
        assert report.edition == world["snapshot"].edition and not report.internal
        assert report.responses is None
        assert not any(row.estimate.shown for row in report.rows)
        rows = list(
            csv.DictReader(io.StringIO(staff.get(f"/statistikk/eksport.csv?{query}").content.decode("utf-8-sig")))
        )
        assert rows and all(row["value"] == "" and row["workplaces"] == "" for row in rows)
    # The county next to it is published as usual.
    shown = staff.get(f"/statistikk/?county=11&round={round_id}").context["report"]
    assert shown.responses == 18


def test_municipality_staff_can_choose_only_the_fixed_set_combinations(world):
    staff, round_id = world["staff"], world["round"].pk
    # Linked tables: a size class crossed with a centrality class is not in the fixed set.
    refused = staff.get(f"/statistikk/?size_class=3&centrality=3&round={round_id}")
    assert refused.status_code == 400 and refused.context["report"] is None
    assert staff.get(f"/statistikk/eksport.csv?size_class=3&centrality=3&round={round_id}").status_code == 400
    # The same group described twice (a sector with one of its types) is the type itself.
    twice = staff.get(f"/statistikk/?group=type:primary_school&county=11&round={round_id}").context["report"]
    assert twice.edition is not None
    # An analyst may combine anything: live figures, marked internal.
    live = world["analyst"].get(f"/statistikk/?size_class=3&centrality=3&round={round_id}")
    assert live.status_code == 200 and live.context["report"].internal
    assert "internal-note" in live.content.decode()
    # It says what the hiding does not do, and does not call it mere readability beside a
    # legend that speaks of protecting small groups.
    assert "et skjult tall kan ofte regnes ut fra andre" in live.content.decode()
    assert "lesbarhet" not in live.content.decode()
    file = world["analyst"].get(f"/statistikk/eksport.csv?round={round_id}").content.decode("utf-8-sig")
    assert all(row["disclosure"].startswith("Intern") for row in csv.DictReader(io.StringIO(file)))


def test_hidden_and_zero_read_the_same_everywhere(world):
    """Zero versus hidden: a base with no workplaces and a base hidden by the rule say the
    same words on the page and in the file's hidden column, and those words name both
    reasons a figure may be hidden, never "too few answers" alone (a figure hidden by
    secondary suppression may rest on many)."""
    staff, round_id = world["staff"], world["round"].pk
    # Every nursing home of the round innovated: the non-innovators' figures have a base of 0.
    query = f"group=type:nursing_home&round={round_id}"
    page = staff.get(f"/statistikk/?{query}")
    report = page.context["report"]
    not_shown = [row for row in report.rows if not row.estimate.shown]
    assert not_shown
    assert {row.estimate.n for row in not_shown} == {0}  # no count leaks through n
    rows = _csv(staff, f"/statistikk/eksport.csv?{query}")
    words = {row["hidden"] for row in rows if row["value"] == ""}
    assert words == {"ikke vist: det er for få svar, eller det kunne avsløre en liten gruppe"}
    html = page.content.decode()
    assert html.count('<span class="not-shown">ikke vist</span>') == len(not_shown)
    legend = "«Ikke vist» betyr at tallet er skjult: det er for få svar, eller det kunne avsløre en liten gruppe."
    assert html.count(legend) == 1
    # "Too few answers" only ever comes with the other reason, never alone.
    assert html.count("for få svar") == html.count("det er for få svar, eller det kunne avsløre en liten gruppe") > 0


def test_every_row_of_every_file_names_its_round(world):
    """The CSV named the round only in its file name: its rows did not say which round,
    nor that a demo round's answers are generated, while the JSON and XLSX did."""
    round_ = world["round"]
    round_.is_synthetic = True
    round_.save(update_fields=["is_synthetic"])
    for client in (world["staff"], world["analyst"]):
        rows = _csv(client, f"/statistikk/eksport.csv?round={round_.pk}")
        assert rows
        for row in rows:
            assert (row["round"], row["round_name"], row["synthetic"]) == (round_.slug, round_.name, "true")
        listed = json.loads(client.get(f"/statistikk/eksport.json?round={round_.pk}").content)
        assert listed["round"] == round_.slug and listed["synthetic"] is True
        assert {(row["round"], row["round_name"], row["synthetic"]) for row in listed["indicators"]} == {
            (round_.slug, round_.name, True)
        }
        workbook = load_workbook(io.BytesIO(client.get(f"/statistikk/eksport.xlsx?round={round_.pk}").content))
        sheet = list(workbook["indikatorer"].iter_rows(values_only=True))
        assert sheet[0][:3] == ("round", "round_name", "synthetic")
        assert {row[:3] for row in sheet[1:]} == {(round_.slug, round_.name, True)}


def test_published_files_name_no_weighting_stratum(world):
    """A merged stratum had few answers: the staff's files say how strata are merged, not
    which; the analysts' live files name them."""
    round_id = world["round"].pk
    published = json.loads(world["staff"].get(f"/statistikk/eksport.json?round={round_id}").content)
    assert "strata_merged" not in published and "strata_left_out" not in published
    assert published["strata"]
    live = json.loads(world["analyst"].get(f"/statistikk/eksport.json?round={round_id}").content)
    assert isinstance(live["strata_merged"], list) and "strata" not in live


def test_findings_of_municipality_staff_come_from_the_snapshot(world):
    staff, round_id = world["staff"], world["round"].pk
    page = staff.get(f"/statistikk/funn/?round={round_id}")
    assert page.status_code == 200
    report = page.context["report"]
    assert report.edition == world["snapshot"].edition
    # Published figures are not called "live" ("løpende"): they are the round's, frozen.
    assert "løpende" not in page.content.decode().lower()
    assert "De publiserte funnene, kontrollert mot dataene fra runden" in page.content.decode()
    entries = {entry["key"]: entry for entry in PublishedSnapshot.objects.get().figures["groups"]}
    union = entries["workplace_type=nursing_home+upper_secondary"]
    assert "finding-quality-outside" in union["indicators"]  # the findings' specs are published
    compared = [
        comparison for finding in report.findings for comparison in finding.comparisons if comparison.estimate.shown
    ]
    published_values = {
        value["value"] for entry in entries.values() for value in entry["indicators"].values() if not value["hidden"]
    }
    assert compared and all(c.estimate.value in published_values for c in compared)
    # A submit afterwards changes nothing on the page.
    world["builder"].submitted(
        workplace_type=WorkplaceType.NURSING_HOME, municipality=world["municipalities"]["9903"], answers=innovator()
    )
    again = staff.get(f"/statistikk/funn/?round={round_id}").context["report"]
    assert [(f.title, [c.estimate for c in f.comparisons]) for f in again.findings] == [
        (f.title, [c.estimate for c in f.comparisons]) for f in report.findings
    ]


def test_the_analysts_raw_download_has_no_direct_identifiers(world):
    analyst, round_ = world["analyst"], world["round"]
    raw = b"".join(analyst.get(f"/statistikk/data/svar.csv?round={round_.slug}").streaming_content)
    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[0] == "row" and not {"response", "employees", "workplace", "organisation_number"} & set(header)
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
    submitted, band = header.index("submitted"), header.index("employees_band")
    assert all(len(row[submitted]) == 10 and row[band] == "20-49" for row in rows)  # dates; 20 employees


def test_a_report_during_fieldwork_compares_with_the_latest_published_round_and_names_it(world):
    """A workplace answering next year's round sees the published peer groups of the last
    published round at once, named, and nothing of its own round before that is published."""
    from datetime import timedelta

    from barometer.reports.workplace import build_workplace_report
    from surveys.models import Round, RoundKind

    published = world["round"]
    now = timezone.now()
    fieldwork = Round.objects.create(
        slug="neste", name="Neste runde", kind=RoundKind.NATIONAL, question_set=published.question_set,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=20),
    )  # fmt: skip
    answering = ResponseBuilder(fieldwork).submitted(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=world["municipalities"]["9903"], answers=innovator()
    )
    report = build_workplace_report(answering)
    assert report.round == published and report.published
    assert any(peer.estimate.shown for row in report.rows for peer in row.peers)
    assert {row.national.n for row in report.rows if row.national.shown} <= {
        entry["indicators"][key]["n"]
        for entry in world["snapshot"].figures["groups"]
        if entry["key"] == "national"
        for key in entry["indicators"]
    }


def test_the_workplace_report_of_a_published_round_has_no_toggle(client, world):
    html = client.get(_self_test_report(client, world), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert 'class="weighting small"' in html  # the weighting note is there
    assert "Vis uvektede tall" not in html


def test_findings_name_the_base_once(world):
    page = world["analyst"].get(f"/statistikk/funn/?round={world['round'].pk}", HTTP_ACCEPT_LANGUAGE="nb")
    html = page.content.decode()
    assert "Virksomheter med en innovasjon, hele runden" in html and "Alle i runden: " not in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "hele runden, blant virksomheter" not in text and "Alle i runden, blant" not in text


def test_files_state_the_rule_of_their_tier(world):
    """Published files state the published rule (6); live files the display threshold
    alone, and no claim that derivable groups are hidden."""
    round_id = world["round"].pk
    published = json.loads(world["staff"].get(f"/statistikk/eksport.json?round={round_id}").content)
    assert "færre enn 6 virksomheter" in published["note"] and "regnes ut" in published["note"]
    live = json.loads(world["analyst"].get(f"/statistikk/eksport.json?round={round_id}").content)
    assert "ingenting annet er kontrollert" in live["note"] and "regnes ut" not in live["note"]
    # The live rule as it is applied: a group whose rest in a larger group is small goes too
    # (an analyst found sector groups of 15 hidden under a note that named only the 5-rule).
    assert "resten av en større gruppe" in live["note"] and "kan ofte finnes ut" in live["note"]


@pytest.mark.parametrize(
    ("language", "heading"),
    [("nb", "Rapport fra en selvtest: barnehage"), ("nn", "Rapport frå ein sjølvtest: barnehage"),
     ("en", "Self-test report: kindergarten")],
)  # fmt: skip
def test_a_staff_report_of_a_self_test_is_named_as_one(admin_client, world, language, heading):
    """An admin opening a self-test's report by id read "Your report" in the <title>,
    "How Kindergarten is doing" above it and "How Self-test is doing" in the PDF."""
    from pypdf import PdfReader

    _self_test_report(Client(), world)
    response = Response.objects.get(token="selvtest-token-abcdefghij")
    admin_client.cookies["barometer_language"] = language
    html = admin_client.get(f"/rapporter/{response.pk}/").content.decode()
    title = html[html.index("<title>") + len("<title>") : html.index("</title>")]
    h1 = html[html.index("<h1") : html.index("</h1>")]
    assert title.startswith(heading) and h1.endswith(heading)
    pdf = admin_client.get(f"/rapporter/{response.pk}/rapport.pdf")
    first_page = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert heading in " ".join(first_page.split())
