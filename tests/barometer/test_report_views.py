"""The workplace report as a respondent and an admin see it."""

import html as htmlmod
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from barometer.engine.figures import comparison_round
from barometer.engine.snapshots import latest_published_round
from barometer.reports.workplace import report_round
from barometer.synthetic import generate_round
from surveys import option_masks
from surveys.models import Invitation, Municipality, Response, Round, RoundKind, Workplace, WorkplaceType
from surveys.questionnaire import Questionnaire
from tests.builders import ResponseBuilder, innovator, publish, submitted_by_invitation


@pytest.fixture
def submitted(barometer_data, national_round, workplace):
    """One invited workplace that has submitted, in a round with few other answers."""
    return submitted_by_invitation(Invitation.objects.create(round=national_round, workplace=workplace))


def test_report_names_its_sources_and_waits_for_the_published_results(client, submitted):
    page = client.get(f"/s/{submitted.token}/rapport/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "KS: Innovasjonsbarometeret for kommunal sektor 2018" in html
    assert "COI: Innovationsbarometeret" in html
    report = page.context["report"]
    rows = {row.indicator.key: row for row in report.rows}
    # The round's results are not published: no figure of the round and no peer group, and
    # the page says when they come (no live figure during fieldwork).
    assert not report.published and not report.peer_labels
    assert not rows["employees-initiated-or-implemented"].national.shown
    assert 'class="alert alert-info pending-results"' in html
    assert "Nasjonalt</th>" not in html and "Nationally</th>" not in html  # no national row yet
    assert rows["employees-initiated-or-implemented"].own.value == 1.0


@pytest.mark.parametrize("language", ["nn", "en"])
def test_the_report_and_its_pdf_come_in_the_response_s_language_unless_the_device_chose(
    client, submitted, language, settings
):
    """A link opened on a device with no language chosen shows the report and the PDF in
    the language the response was answered in, as the questionnaire does; a language
    chosen on the device wins."""
    Response.objects.filter(invitation=submitted).update(language=language)
    page = client.get(f"/s/{submitted.token}/rapport/")
    html = page.content.decode()
    assert f'<html lang="{language}"' in html
    pdf = client.get(f"/s/{submitted.token}/rapport/rapport.pdf")
    assert pdf.status_code == 200 and pdf["Content-Language"] == language
    with translation.override(language):
        title = gettext("Innovation Barometer: your report")
    assert PdfReader(io.BytesIO(pdf.content)).metadata.title == title
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    assert '<html lang="nb"' in client.get(f"/s/{submitted.token}/rapport/").content.decode()


def test_report_is_available_only_after_submitting(client, barometer_data, national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    client.get(f"/s/{invitation.token}/")  # creates the draft response
    assert client.get(f"/s/{invitation.token}/rapport/")["Location"] == f"/s/{invitation.token}/"


def test_unknown_tokens_get_404_and_ids_send_the_signed_out_to_log_in(client, submitted):
    assert client.get("/s/guessed-token-123/rapport/").status_code == 404
    response_id = Response.objects.get().pk
    # Every id alike, real or guessed: the login page, then the report for those who may read it.
    for guess in (response_id, response_id + 1000):
        assert client.get(f"/rapporter/{guess}/")["Location"] == f"/konto/login/?next=/rapporter/{guess}/"


def test_an_admin_can_open_any_workplace_report(admin_client, submitted):
    response_id = Response.objects.get().pk
    page = admin_client.get(f"/rapporter/{response_id}/")
    assert page.status_code == 200
    assert page.context["report"].response.pk == response_id


@pytest.fixture
def demo_round(barometer_data, question_set, register):
    def make(workplaces):
        return generate_round(question_set=question_set, slug=f"demo-{workplaces}", name="Demo", workplaces=workplaces)

    return make


def report_queries(admin_client, round_) -> int:
    # Cold on both counts: the shared cache and this process's questionnaire cache.
    cache.clear()
    Questionnaire.clear_cache()
    option_masks.clear_cache()
    response = Response.objects.filter(round=round_).order_by("pk").first()
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(f"/rapporter/{response.pk}/")
    assert page.status_code == 200
    return len(queries)


def test_report_query_count_does_not_grow_with_the_number_of_responses(admin_client, demo_round):
    small = report_queries(admin_client, demo_round(10).round)
    large = report_queries(admin_client, demo_round(1000).round)
    assert small == large


def test_synthetic_rounds_are_labelled(admin_client, demo_round):
    round_ = demo_round(30).round
    response = Response.objects.filter(round=round_).first()
    admin_client.cookies["barometer_language"] = "en"
    html = admin_client.get(f"/rapporter/{response.pk}/").content.decode()
    assert "synthetic-banner" in html
    assert "The comparison round is generated to resemble the published figures" in html
    # A staff page about the round itself says that round is generated, not "the comparison round".
    pages = {
        "statistics": f"/statistikk/?round={round_.pk}",
        "findings": f"/statistikk/funn/?round={round_.pk}",
        "dashboard": f"/statistikk/runder/{round_.slug}/",
    }
    for name, address in pages.items():
        page = admin_client.get(address)
        assert page.status_code == 200, (name, page.status_code)
        text = page.content.decode()
        assert "The round shown is generated; it contains no real answers." in text, name
        assert "comparison round" not in text, name


def _invitation_to_a_published_report(question_set, slug: str) -> Invitation:
    """A generated round of 60 workplaces, published, and an invitation link to the report of
    one of its responses."""
    round_ = generate_round(question_set=question_set, slug=slug, name=slug.title(), workplaces=60).round
    publish(round_)
    response = Response.objects.filter(round=round_).first()
    invitation = Invitation.objects.create(round=round_, workplace=response.workplace)
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    return invitation


def test_chart_is_svg_with_text_kept_as_text(client, barometer_data, question_set, register):
    invitation = _invitation_to_a_published_report(question_set, "charts")
    chart = client.get(f"/s/{invitation.token}/rapport/figur/shares.svg", HTTP_ACCEPT_LANGUAGE="nb")
    assert chart.status_code == 200
    assert chart["Content-Type"].startswith("image/svg+xml")
    svg = chart.content.decode()
    assert svg.startswith("<svg") and "<text" in svg
    assert "Har innovert de siste to årene" in svg  # an indicator every workplace has
    assert "%" in svg and "<path" in svg
    # The chart says whether its figures are weighted, as the page and the files do.
    page = client.get(f"/s/{invitation.token}/rapport/")
    weighted = page.context["report"].weighting.weighted
    assert ("(vektet)" if weighted else "(uvektet)") in svg
    # "n = 60" stays on one line in a narrow table cell (a phone user saw "n =" and "60" apart).
    html = page.content.decode()
    assert "n\xa0=\xa0" in html and not re.search(r"n = \d", html)
    again = client.get(f"/s/{invitation.token}/rapport/figur/shares.svg", HTTP_ACCEPT_LANGUAGE="nb")
    assert again.content == chart.content  # stable ids: the same chart twice is byte-identical
    assert client.get(f"/s/{invitation.token}/rapport/figur/nope.svg").status_code == 404


def test_pdf_download(client, barometer_data, question_set, register):
    round_ = generate_round(question_set=question_set, slug="pdf", name="PDF", workplaces=40).round
    response = Response.objects.filter(round=round_).first()
    invitation = Invitation.objects.create(round=round_, workplace=response.workplace)
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    pdf = client.get(f"/s/{invitation.token}/rapport/rapport.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_self_test_is_compared_with_the_latest_national_round(client, barometer_data, question_set, register,
                                                                  self_test_round):  # fmt: skip
    national = generate_round(question_set=question_set, slug="national", name="Nasjonal", workplaces=50).round
    publish(national)
    builder = ResponseBuilder(self_test_round)
    response = builder.submitted(
        workplace_type=WorkplaceType.KINDERGARTEN, municipality=Municipality.objects.first(), answers=innovator()
    )
    response.workplace, response.token = None, "selvtest-token-1234567890"
    response.save()
    page = client.get("/s/selvtest-token-1234567890/rapport/")
    assert page.status_code == 200
    assert page.context["report"].round == national
    assert page.context["report"].responses_nationally == 50


def test_a_report_compared_with_another_round_drops_an_answer_deleted_since(
    client, barometer_data, question_set, register, self_test_round, django_capture_on_commit_callbacks
):
    """The report of a response compared with another round is cached under both rounds'
    versions: an answer the admin deletes (a name in a free text) is gone from the page and
    from its charts' addresses at once, not after a day."""
    from surveys.models import Answer, Question
    from surveys.services.retention import delete_answers

    publish(generate_round(question_set=question_set, slug="national", name="Nasjonal", workplaces=50).round)
    response = ResponseBuilder(self_test_round).submitted(
        workplace_type=WorkplaceType.KINDERGARTEN, municipality=Municipality.objects.first(), answers=innovator()
    )
    response.workplace, response.token = None, "selvtest-token-1234567890"
    response.save()
    question = Question.objects.get(question_set=question_set, code="newest_description")
    Answer.objects.create(response=response, question=question, text_value="Ola Nordmann ringte oss")
    first = client.get("/s/selvtest-token-1234567890/rapport/")
    assert "Ola Nordmann ringte oss" in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        delete_answers(Answer.objects.filter(response=response, question=question))
    again = client.get("/s/selvtest-token-1234567890/rapport/")
    assert "Ola Nordmann ringte oss" not in again.content.decode()
    # A chart is drawn from what the server holds when asked: its address names no version.
    chart_addresses = [re.findall(r'src="([^"]*\.svg[^"]*)"', page.content.decode()) for page in (first, again)]
    assert chart_addresses[0] and chart_addresses[0] == chart_addresses[1]
    assert not any("utgave" in address for address in chart_addresses[0])


def test_a_report_tells_nothing_of_other_workplaces_submitting(client, submitted, national_round, question_set):
    """Reloading one's own report during fieldwork must not show how often the round's
    data changed: no counter, digest or anything else in the page moves when another
    workplace submits (the chart addresses once carried the round's data version)."""
    from surveys.services.answering import bump_data_version

    publish(generate_round(question_set=question_set, slug="published", name="Published", workplaces=60).round)
    url = f"/s/{submitted.token}/rapport/"
    first = client.get(url).content.decode()
    assert ".svg?" in first  # compared with the published round: charts are shown
    other_workplace = Workplace.objects.create(
        name="Nabobarnehagen", workplace_type=submitted.workplace.workplace_type,
        municipality=submitted.workplace.municipality, employees=14,
    )  # fmt: skip
    submitted_by_invitation(Invitation.objects.create(round=national_round, workplace=other_workplace))
    bump_data_version(national_round.pk)
    again = client.get(url).content.decode()
    assert again == first


def test_a_self_test_finds_its_round_in_one_query_as_published_then_closed_then_opened(
    question_set, municipality, self_test_round
):
    """``report_round`` ranks the national rounds in one query; it names the same round as
    ``latest_published_round() or comparison_round()`` at every stage of a round's life."""
    now = timezone.now()

    def national(slug, opened_days_ago, closes_in_days, published=False):
        return Round.objects.create(
            slug=slug, name=slug, kind=RoundKind.NATIONAL, question_set=question_set,
            opens_at=now - timedelta(days=opened_days_ago), closes_at=now + timedelta(days=closes_in_days),
            results_published_at=now if published else None,
        )  # fmt: skip

    response = Response.objects.create(
        round=self_test_round, question_set=question_set, workplace_type=WorkplaceType.KINDERGARTEN,
        municipality=municipality, employees=20,
    )  # fmt: skip

    def found():
        with CaptureQueriesContext(connection) as captured:
            round_ = report_round(response)
        assert len(captured) == 1
        assert round_ == (latest_published_round() or comparison_round(response))
        return round_

    assert found() is None
    national("future", -10, 40)  # not opened yet: never compared with
    assert found() is None
    national("early-open", 30, 20)
    late = national("late-open", 5, 60)
    assert found() == late  # none has closed: the latest opened
    national("older-closed", 400, -300)
    newer = national("newer-closed", 200, -100)
    assert found() == newer  # the latest closed, though others opened later
    published = national("published", 500, -400, published=True)
    assert found() == published  # published results win over a later closed round
    national("published-earlier", 900, -800, published=True)
    assert found() == published  # the latest published


def test_the_summary_sums_up_the_headline_indicators_only(client, submitted):
    report = client.get(f"/s/{submitted.token}/rapport/").context["report"]
    headlines = [row.indicator.key for row in report.headlines]
    assert headlines == [
        "innovated", "employees-initiated-or-implemented", "external-collaboration", "municipal-collaboration",
        "collaboration-outside-municipality", "value-quality", "culture-index",
    ]  # fmt: skip
    assert len(report.rows) > len(headlines)


def test_the_report_and_its_pdf_name_the_edition_they_compare_with(client, barometer_data, question_set, register):
    """A correction is a new edition with other figures: the report says which one it shows,
    on the page and in the PDF, as the staff pages do."""
    invitation = _invitation_to_a_published_report(question_set, "utgave")
    page = client.get(f"/s/{invitation.token}/rapport/", HTTP_ACCEPT_LANGUAGE="nb")
    assert page.context["report"].edition == 1
    assert "Publiserte resultater, utgave 1: kontrollert for avsløring." in page.content.decode()
    pdf = client.get(f"/s/{invitation.token}/rapport/rapport.pdf", HTTP_ACCEPT_LANGUAGE="nb")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Publiserte resultater, utgave 1: kontrollert for avsløring." in re.sub(r"\s+", " ", text)


def test_the_sources_name_the_round_whose_published_figures_the_report_shows(published_reports):
    """ "Tallene for runden" read as the respondent's own round, which may still be in
    fieldwork while the report compares with an earlier, published one."""
    from django.test import Client

    round_ = published_reports["round"]
    token = published_reports["links"]["self_test"]
    page = Client().get(f"/s/{token}/rapport/", HTTP_ACCEPT_LANGUAGE="nb")
    assert page.status_code == 200
    text = htmlmod.unescape(page.content.decode())
    assert f"Tallene for {round_.name}: de publiserte resultatene" in text
    assert "Tallene for runden" not in text
