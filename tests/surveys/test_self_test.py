"""The open self-test: anonymous, with its own resume link, never counted in any aggregate."""

import pytest
from django.utils import translation

from surveys.models import Response, WorkplaceType
from tests.answering import INNOVATOR_ANSWERS, answer_all


@pytest.fixture
def profile(municipality):
    return {"workplace_type": WorkplaceType.NURSING_HOME, "municipality": municipality.pk, "employees": "55"}


def test_start_page_asks_for_the_profile(client, self_test_round):
    page = client.get("/selvtest/")
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {"workplace_type", "municipality", "employees"}
    assert client.head("/selvtest/").status_code == 200  # link checkers and uptime monitors


def test_an_empty_or_forged_profile_is_told_what_to_do_in_its_language(client, self_test_round, profile):
    """Not Django's "Feltet er påkrevd": each message says what to do, as the questionnaire's do."""
    empty = client.post("/selvtest/", {}, HTTP_ACCEPT_LANGUAGE="nb").context["form"].errors
    assert empty["workplace_type"] == ["Velg virksomhetstype."]
    assert empty["municipality"] == ["Velg kommunen fra listen."]
    assert empty["employees"] == ["Skriv antall medarbeidere, for eksempel 25."]
    forged = client.post("/selvtest/", {**profile, "municipality": "999999"}).context["form"].errors
    assert forged["municipality"] == ["Velg kommunen fra listen."]
    for language, message in (
        ("en", "Write a number from 1 to 100,000."),
        ("nn", "Skriv eit tal frå 1 til 100\xa0000."),
    ):
        client.cookies.clear()  # the language comes from the browser, not an earlier page
        page = client.post("/selvtest/", {**profile, "employees": "100001"}, HTTP_ACCEPT_LANGUAGE=language)
        with translation.override(language):
            assert [str(error) for error in page.context["form"].errors["employees"]] == [message]


def test_self_test_creates_an_anonymous_response_with_its_own_link(client, self_test_round, profile):
    started = client.post("/selvtest/", profile)
    response = Response.objects.get()
    assert started["Location"] == f"/s/{response.token}/"
    assert len(response.token) >= 43
    assert (response.workplace, response.invitation) == (None, None)
    assert (response.workplace_type, response.employees) == (WorkplaceType.NURSING_HOME, 55)
    welcome = client.get(started["Location"]).content.decode()
    assert f"/s/{response.token}/" in welcome  # the resume link is shown on screen


def test_the_self_test_starts_the_questionnaire_from_one_button(client, self_test_round, profile):
    """The profile's button said "Start spørreskjemaet" and led to the welcome page, whose
    button said it again: the first one now says "Neste", as every page's does."""
    start = client.get("/selvtest/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Start spørreskjemaet" not in start and ">Neste</button>" in start
    welcome = client.get(client.post("/selvtest/", profile)["Location"], HTTP_ACCEPT_LANGUAGE="nb")
    assert welcome.content.decode().count("Start spørreskjemaet") == 1


def test_a_completed_self_test_never_counts(client, self_test_round, profile, question_set):
    client.post("/selvtest/", profile)
    response = Response.objects.get()
    answer_all(client, response.token, question_set, INNOVATOR_ANSWERS)
    assert client.post(f"/s/{response.token}/oppsummering/")["Location"].endswith("/rapport/")
    assert Response.objects.submitted().count() == 1
    assert not Response.objects.countable().exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("employees", "0"), ("employees", "1000000"), ("employees", "many"), ("workplace_type", "prison"),
     ("municipality", "999999"), ("employees", "٣"), ("employees", "５５")],
)  # fmt: skip
def test_bad_profiles_are_refused_with_a_message(client, self_test_round, profile, field, value):
    response = client.post("/selvtest/", {**profile, field: value})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()
    assert not Response.objects.exists()


def test_without_an_open_self_test_round_the_page_says_so(client, db):
    response = client.get("/selvtest/")
    assert response.status_code == 503
    assert response.templates[0].name == "surveys/self_test_unavailable.html"
