"""Switching language on a questionnaire page keeps what is on the page (issue 14, item 7).

The language buttons on a questionnaire page submit the page's own form (HTML's ``form``
attribute, no JavaScript), so the page comes back in the new language with the ticks in
place; answers not valid yet come back with their error, never dropped.
"""

import re

import pytest
from django.conf import settings

from surveys.models import Invitation, Response
from tests.answering import INNOVATOR_ANSWERS, option_id, post_data


@pytest.fixture
def invitation(national_round, workplace):
    return Invitation.objects.create(round=national_round, workplace=workplace, email="rektor@example.invalid")


def section_url(invitation, code):
    return f"/s/{invitation.token}/del/{code}/"


def _until_initiation(client, invitation, question_set):
    for code, fields in [("profile", ["role"]), ("incidence", ["inc_services", "inc_processes", "inc_communication"])]:
        assert (
            client.post(section_url(invitation, code), post_data(question_set, fields, INNOVATOR_ANSWERS)).status_code
            == 302
        )
    newest = ["newest_description", "newest_type", "newest_break", "newest_technology", "novelty"]
    client.post(section_url(invitation, "newest"), post_data(question_set, newest, INNOVATOR_ANSWERS))
    return section_url(invitation, "initiation")


def checked_values(html: str, name: str) -> set[str]:
    inputs = re.findall(r"<input[^>]*>", html)
    return {
        re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if f'name="{name}"' in tag and "checked" in tag
    }


def test_the_language_buttons_submit_the_page_form(client, invitation, question_set):
    page = client.get(section_url(invitation, "profile")).content.decode()
    buttons = re.findall(r'<button[^>]*name="language"[^>]*>', page)
    assert buttons and all('form="answers"' in button for button in buttons)
    form = re.search(r'<form method="post" action="([^"]*)" novalidate id="answers">', page)
    assert form and form.group(1) == section_url(invitation, "profile")  # never a fragment


def test_valid_ticks_are_kept_when_switching_language(client, invitation, question_set):
    target = _until_initiation(client, invitation, question_set)
    data = post_data(question_set, ["initiated_by"], {"initiated_by": ["employees", "leaders"]})
    data.pop("action")
    data["language"] = "en"
    switched = client.post(target, data)
    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(switched["Location"])
    html = page.content.decode()
    assert '<html lang="en"' in html
    assert checked_values(html, "initiated_by") == {
        option_id(question_set, "initiated_by", "employees"),
        option_id(question_set, "initiated_by", "leaders"),
    }
    assert Response.objects.get().language == "en"


def test_four_choices_where_three_are_allowed_come_back_in_english_with_their_error(client, invitation, question_set):
    target = _until_initiation(client, invitation, question_set)
    chosen = ["employees", "leaders", "users", "private"]
    data = post_data(question_set, ["initiated_by"], {"initiated_by": chosen})
    data.pop("action")
    data["language"] = "en"
    page = client.post(target, data)
    html = page.content.decode()
    assert page.status_code == 400
    assert '<html lang="en"' in html
    assert "Choose at most 3 options; you chose 4." in html
    assert checked_values(html, "initiated_by") == {option_id(question_set, "initiated_by", c) for c in chosen}
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_self_test_profile_keeps_what_was_entered_when_switching(client, self_test_round, register):
    from surveys.models import Municipality

    municipality = Municipality.objects.order_by("number").first()
    page = client.post(
        "/selvtest/",
        {"workplace_type": "nursing_home", "municipality": municipality.pk, "employees": "0", "language": "nn"},
    )
    html = page.content.decode()
    assert '<html lang="nn"' in html
    assert 'value="nursing_home"' in html and re.search(r'value="nursing_home"[^>]*checked', html)
    assert re.search(rf'<option value="{municipality.pk}"[^>]*selected', html)
    assert page.status_code == 400  # "0 employees" is not valid yet: it comes back with its error
    assert 'name="employees" value="0"' in html or 'value="0"' in html
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nn"
