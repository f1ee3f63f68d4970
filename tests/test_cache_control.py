"""Private pages are not cacheable (issue 13, item 4): reports, PDFs, statistics, exports
and questionnaire pages carry ``Cache-Control: private, no-store``."""

import pytest
from django.contrib.auth.models import Group

from barometer.synthetic import generate_round
from surveys.models import Invitation, Response
from tests.builders import publish


@pytest.fixture
def analyst_client(client, django_user_model):
    user = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Analytikere"))
    client.force_login(user)
    return client


@pytest.fixture
def report_token(barometer_data, question_set, register):
    round_ = generate_round(question_set=question_set, slug="rund", name="Rund", workplaces=30).round
    response = Response.objects.filter(round=round_).first()
    invitation = Invitation.objects.create(round=round_, workplace=response.workplace)
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    publish(round_)  # the report's charts draw the published figures
    return invitation.token


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def _assert_private(response):
    assert response.status_code in {200, 302}, response.status_code
    assert {"private", "no-store"} <= _directives(response)


def test_a_workplace_report_its_charts_and_pdf_are_not_stored(client, report_token):
    for path in ("rapport/", "rapport/figur/shares.svg", "rapport/rapport.pdf", ""):
        _assert_private(client.get(f"/s/{report_token}/{path}"))


def test_questionnaire_pages_are_not_stored(client, national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    _assert_private(client.get(f"/s/{invitation.token}/"))
    _assert_private(client.get(f"/s/{invitation.token}/oppsummering/"))


def test_statistics_and_exports_are_not_stored(analyst_client, report_token):
    round_ = Response.objects.first().round
    for path in (
        "/statistikk/",
        f"/statistikk/figur.svg?round={round_.pk}",
        f"/statistikk/eksport.csv?round={round_.pk}",
        f"/statistikk/eksport.xlsx?round={round_.pk}",
        "/statistikk/funn/",
        f"/statistikk/runder/{round_.slug}/",
        f"/statistikk/data/svar.csv?round={round_.slug}",
        f"/statistikk/data/svar.xlsx?round={round_.slug}",
        f"/statistikk/data/kodebok.csv?round={round_.slug}",
    ):
        _assert_private(analyst_client.get(path))


def test_admin_pages_and_error_pages_are_not_stored(admin_client, db):
    _assert_private(admin_client.get("/admin/"))
    assert {"private", "no-store"} <= _directives(admin_client.get("/s/unknown/"))
