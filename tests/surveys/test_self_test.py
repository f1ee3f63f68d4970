"""The open self-test: anonymous, with its own resume link, never counted in any aggregate."""

import pytest

from surveys.models import Response, WorkplaceType
from tests.answering import INNOVATOR_ANSWERS, answer_all


@pytest.fixture
def profile(municipality):
    return {"workplace_type": WorkplaceType.NURSING_HOME, "municipality": municipality.pk, "employees": "55"}


def test_start_page_asks_for_the_profile(client, self_test_round):
    page = client.get("/selvtest/")
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {"workplace_type", "municipality", "employees"}


def test_self_test_creates_an_anonymous_response_with_its_own_link(client, self_test_round, profile):
    started = client.post("/selvtest/", profile)
    response = Response.objects.get()
    assert started["Location"] == f"/s/{response.token}/"
    assert len(response.token) >= 43
    assert (response.workplace, response.invitation) == (None, None)
    assert (response.workplace_type, response.employees) == (WorkplaceType.NURSING_HOME, 55)
    welcome = client.get(started["Location"]).content.decode()
    assert f"/s/{response.token}/" in welcome  # the resume link is shown on screen


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
