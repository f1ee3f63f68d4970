"""The statistics pages and files show the latest round whose figures are final by default.

/statistikk/ showed the newest round, one still in fieldwork, by default: its figures and
its change since the previous round came from a round still taking answers, and nothing
said so. Now the default is the latest round whose figures are final for the reader
(closed or published for analysts, published for municipality staff); a round in fieldwork
can still be chosen, and says that its figures are preliminary on the page and in the files.
"""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from barometer.models import StaffMembership
from barometer.synthetic import generate_round
from surveys.models import Municipality
from tests.builders import publish

ANSWERED = 60


@pytest.fixture
def rounds(barometer_data, question_set, register):
    """An older round, closed and published; a later one closed but not published; and the
    national round still in fieldwork, each with answers."""
    now = timezone.now()
    published = generate_round(
        question_set=question_set, slug="runde-2024", name="Runde 2024", workplaces=ANSWERED,
        opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=340),
    ).round  # fmt: skip
    publish(published)
    closed = generate_round(
        question_set=question_set, slug="runde-2025", name="Runde 2025", workplaces=ANSWERED, seed=7,
        opens_at=now - timedelta(days=100), closes_at=now - timedelta(days=40),
    ).round  # fmt: skip
    open_ = generate_round(
        question_set=question_set, slug="runde-2026", name="Runde 2026", workplaces=ANSWERED, seed=11,
        opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20),
    ).round  # fmt: skip
    return published, closed, open_


@pytest.fixture
def analyst_client(client, django_user_model):
    user = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Analytikere"))
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("kommune", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Kommuneansatte"))
    StaffMembership.objects.create(user=user, municipality=Municipality.objects.first())
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def selected_option(html: str) -> str:
    """The value of the round list's selected option."""
    select = html[html.index('name="round"') : html.index("</select>", html.index('name="round"'))]
    return re.search(r'<option value="(\d+)"[^>]*selected', select).group(1)


def test_the_statistics_page_shows_the_latest_final_round_by_default(analyst_client, rounds):
    _published, closed, open_ = rounds
    page = analyst_client.get("/statistikk/")
    assert page.status_code == 200
    assert page.context["report"].round == closed
    html = page.content.decode()
    assert selected_option(html) == str(closed.pk), "the list must show the round the page shows"
    assert "preliminary-note" not in html
    # The round in fieldwork can still be chosen, and the list says what it is.
    assert re.search(rf'<option value="{open_.pk}"[^>]*>Preliminary – Runde 2026</option>', html)
    # The chart and the files of the page name the round shown.
    assert f"eksport.csv?round={closed.pk}" in html and f"figur.svg?round={closed.pk}" in html


def test_a_round_in_fieldwork_chosen_says_its_figures_are_preliminary(analyst_client, rounds):
    _published, closed, open_ = rounds
    page = analyst_client.get(f"/statistikk/?round={open_.pk}")
    html = page.content.decode()
    assert page.context["report"].round == open_ and selected_option(html) == str(open_.pk)
    note = html[html.index("preliminary-note") : html.index("</p>", html.index("preliminary-note"))]
    assert "Preliminary figures." in note and "is still open" in note and "may change" in note
    assert "change since the previous round" in note and page.context["report"].previous_round == closed
    findings = analyst_client.get(f"/statistikk/funn/?round={open_.pk}").content.decode()
    assert "preliminary-note" in findings


def test_the_findings_chart_and_files_default_to_the_same_round(analyst_client, rounds):
    _published, closed, open_ = rounds
    assert analyst_client.get("/statistikk/funn/").context["round"] == closed
    data = json.loads(analyst_client.get("/statistikk/eksport.json").content)
    assert data["round"] == closed.slug and data["preliminary"] is False
    assert data["round_status"].startswith("Final")
    file = analyst_client.get("/statistikk/eksport.csv")
    assert f"barometer-{closed.slug}" in file["Content-Disposition"]
    assert (
        analyst_client.get("/statistikk/figur.svg").content
        == analyst_client.get(f"/statistikk/figur.svg?round={closed.pk}").content
    )
    # Chosen, the round in fieldwork says so in every file, on every row of a CSV.
    data = json.loads(analyst_client.get(f"/statistikk/eksport.json?round={open_.pk}").content)
    assert data["preliminary"] is True and data["round_status"].startswith("Preliminary")
    rows = list(
        csv.DictReader(
            io.StringIO(analyst_client.get(f"/statistikk/eksport.csv?round={open_.pk}").content.decode("utf-8-sig"))
        )
    )
    assert rows and all(row["round_status"].startswith("Preliminary") for row in rows)


def test_municipality_staff_get_the_latest_published_round_by_default(staff_client, rounds):
    published, closed, _open = rounds
    page = staff_client.get("/statistikk/")
    assert page.status_code == 200
    assert page.context["report"].round == published
    assert selected_option(page.content.decode()) == str(published.pk)
    # The closed round is not published yet: chosen, it says so, as before.
    assert staff_client.get(f"/statistikk/?round={closed.pk}").context["unpublished"] == closed
    # The list says so before it is chosen: "Preliminary" promised figures these readers never see.
    html = page.content.decode()
    assert f'<option value="{closed.pk}">Not published yet – {closed.name}</option>' in html
    assert f"Preliminary – {_open.name}" not in html and f"Not published yet – {_open.name}" in html
    assert f"selected>{published.name}</option>" in html


def test_with_no_final_round_the_round_in_fieldwork_is_shown_and_called_preliminary(
    analyst_client, barometer_data, question_set, register
):
    now = timezone.now()
    only = generate_round(
        question_set=question_set, slug="forste", name="Første", workplaces=ANSWERED,
        opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20),
    ).round  # fmt: skip
    page = analyst_client.get("/statistikk/")
    assert page.context["report"].round == only
    assert "preliminary-note" in page.content.decode()


def _chart_figure(html: str) -> str:
    """The statistics page's chart: its image with its text alternative, and its caption."""
    start = html.index('<figure class="chart')
    return html[start : html.index("</figure>", start)]


def test_the_chart_of_a_round_in_fieldwork_says_its_figures_are_preliminary(analyst_client, rounds):
    """The page and the files said "preliminary"; the chart, its text alternative and its
    caption did not, and a chart is saved and shared without the page."""
    _published, closed, open_ = rounds
    chart = analyst_client.get(f"/statistikk/figur.svg?round={open_.pk}").content.decode()
    # After the mark's colon, the title goes on in lower case: one colon, no capital after it.
    assert (
        "<title>Preliminary figures: share of all workplaces for which each measure holds (unweighted). Where" in chart
    )
    assert re.search(r"<text[^>]*>Preliminary figures: share", chart)
    figure = _chart_figure(analyst_client.get(f"/statistikk/?round={open_.pk}").content.decode())
    assert 'alt="Preliminary figures. Bar chart' in figure
    assert "<figcaption" in figure and "<strong>Preliminary figures.</strong>" in figure
    # A round whose fieldwork is over is not marked.
    assert "Preliminary" not in analyst_client.get(f"/statistikk/figur.svg?round={closed.pk}").content.decode()
    assert "Preliminary" not in _chart_figure(analyst_client.get(f"/statistikk/?round={closed.pk}").content.decode())


def test_a_cached_preliminary_chart_is_not_served_once_the_fieldwork_is_over(analyst_client, rounds):
    """Closing moves no figure (no answer comes in), so the figures version stays: the
    chart's cache key holds whether its figures are preliminary."""
    _published, _closed, open_ = rounds
    address = f"/statistikk/figur.svg?round={open_.pk}"
    assert "Preliminary figures" in analyst_client.get(address).content.decode()
    type(open_).objects.filter(pk=open_.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert "Preliminary" not in analyst_client.get(address).content.decode()
