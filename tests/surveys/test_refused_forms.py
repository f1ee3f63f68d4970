"""The page for a form the CSRF check refused says only what is true of that request.

It said "The answers on the pages you completed before are saved" to everyone: to a PUT,
to a self-test that was never started, to a staff member's login, to a respondent who had
saved nothing, and to one whose answers were already submitted.
"""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings

from surveys.models import Invitation, Response, ResponseStatus
from tests.answering import INNOVATOR_ANSWERS, answer_all, post_data

SAVED_CLAIMS = ("are saved", "still saved")


@pytest.fixture
def invitation(national_round, workplace):
    return Invitation.objects.create(round=national_round, workplace=workplace)


def browser(*, language="en", with_cookie=True) -> Client:
    """A client that checks CSRF as a browser's requests are checked: with the CSRF cookie a
    visit leaves (but never the form's token, as a form from before the cookie changed), or
    with none."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if with_cookie:
        client.get("/konto/login/")
        assert "csrftoken" in client.cookies
    return client


def text(answer) -> str:
    """The page's main text, without tags."""
    main = answer.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def refused(answer) -> str:
    assert answer.status_code == 403, answer.status_code
    assert "csrf_failure.html" in [t.name for t in answer.templates]
    return text(answer)


def test_a_refused_self_test_start_says_it_was_not_started_and_nothing_is_saved(self_test_round):
    for with_cookie in (True, False):
        page = refused(browser(with_cookie=with_cookie).post("/selvtest/", {"employees": "12"}))
        assert "The self-test was not started." in page
        assert not any(claim in page for claim in SAVED_CLAIMS)
        assert "personal link" not in page


def test_a_refused_first_page_says_nothing_was_saved(client, invitation, question_set):
    client.get(f"/s/{invitation.token}/")  # started: the response exists, with no answers
    page = refused(
        browser().post(f"/s/{invitation.token}/del/profile/", post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    )
    assert "The answers on this page were not saved." in page
    assert not any(claim in page for claim in SAVED_CLAIMS)


def test_a_refused_later_page_says_the_earlier_answers_are_saved(client, invitation, question_set):
    client.post(f"/s/{invitation.token}/del/profile/", post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    assert Response.objects.get().answers.exists()
    answers = post_data(question_set, ["inc_services"], INNOVATOR_ANSWERS)
    page = refused(browser().post(f"/s/{invitation.token}/del/incidence/", answers))
    assert "The answers on the pages you completed before are saved." in page
    # In bokmål as before: the usual case keeps its outcome, "dere" and all.
    nb = refused(browser(language="nb").post(f"/s/{invitation.token}/del/incidence/", answers))
    assert "sidene dere fylte ut før, er lagret" in nb and "Hvis dere brukte" in nb


def test_a_refused_submission_says_the_answers_were_not_submitted(client, invitation, question_set):
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    page = refused(browser().post(f"/s/{invitation.token}/oppsummering/"))
    assert "Your answers were not submitted. The answers you saved before are still saved." in page
    assert "submit your answers again" in page
    assert Response.objects.get().status != ResponseStatus.SUBMITTED


def test_a_refused_form_of_a_submitted_response_says_nothing_changed(client, invitation, question_set):
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    client.post(f"/s/{invitation.token}/oppsummering/")
    for path in ("del/profile/", "oppsummering/"):
        page = refused(browser().post(f"/s/{invitation.token}/{path}", {"role": "x"}))
        assert "Your answers were submitted before. Nothing was changed." in page
        assert "answer it again" not in page and "submit your answers again" not in page


def test_without_the_cookie_the_page_says_so_not_that_the_page_expired(client, invitation, question_set):
    client.post(f"/s/{invitation.token}/del/profile/", post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    answer = browser(with_cookie=False).post(f"/s/{invitation.token}/del/incidence/", {"inc_services": "x"})
    page = refused(answer)
    assert "did not send the cookie" in page and "expired" not in page
    assert "The answers on this page were not saved. The answers on the pages you completed before are saved." in page


def test_a_refused_form_with_an_unknown_link_is_not_found_as_the_link_is(db):
    answer = browser().post("/s/made-up-token-0123456789/del/profile/", {"role": "x"})
    assert answer.status_code == 404


def test_a_refused_form_comes_in_the_responses_language(client, national_round, workplace, question_set):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace, language="nn")
    client.get(f"/s/{invitation.token}/")
    strict = Client(enforce_csrf_checks=True)  # no language chosen on this device
    strict.get("/konto/login/")
    answer = strict.post(f"/s/{invitation.token}/del/profile/", {"role": "x"})
    assert answer.status_code == 403 and '<html lang="nn">' in answer.content.decode()


@override_settings(TOKEN_FAILURE_RATE="2/h")
def test_a_refused_form_from_an_address_over_its_link_limit_gets_the_429_page(invitation):
    from django.core.cache import cache

    cache.clear()
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.20")
    for attempt in range(2):
        assert client.post(f"/s/wrong-{attempt}/del/profile/", {"role": "x"}).status_code == 404
    assert client.post("/s/wrong-again/del/profile/", {"role": "x"}).status_code == 429
    limited = client.post(f"/s/{invitation.token}/del/profile/", {"role": "x"})
    assert limited.status_code == 429 and limited["Retry-After"]


#: What the page said of every refused form and is not true: Django's CSRF cookie is shared
#: by the browser's tabs (another tab's form is accepted) and lasts a year
#: (``CSRF_COOKIE_AGE``), so neither another tab nor time alone refuses a form.
UNTRUE_CAUSES = ("another browser tab", "open for a long time", "expired")


def test_a_refused_later_page_says_this_pages_answers_were_not_saved(client, invitation, question_set):
    """The usual case (the cookie changed) said the earlier answers were saved, and never
    that this page's were not, as the cookie-missing case does."""
    client.post(f"/s/{invitation.token}/del/profile/", post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    answers = post_data(question_set, ["inc_services"], INNOVATOR_ANSWERS)
    page = refused(browser().post(f"/s/{invitation.token}/del/incidence/", answers))
    assert "The answers on this page were not saved. The answers on the pages you completed before are saved." in page
    nb = refused(browser(language="nb").post(f"/s/{invitation.token}/del/incidence/", answers))
    assert "Svarene på denne siden ble ikke lagret." in nb


def test_a_refused_form_gives_the_causes_that_refuse_a_form_and_no_others(client, invitation, question_set):
    client.post(f"/s/{invitation.token}/del/profile/", post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    strict = browser()
    pages = [
        strict.post(f"/s/{invitation.token}/del/incidence/", {"inc_services": "x"}),
        strict.post(f"/s/{invitation.token}/oppsummering/"),
        strict.post("/selvtest/", {"employees": "12"}),
        strict.post("/konto/login/", {"username": "x", "password": "y"}),
    ]
    for answer in pages:
        page = refused(answer)
        assert "The form could not be used" in page
        assert "logs in" in page and "cookies are deleted" in page
        assert not any(cause in page for cause in UNTRUE_CAUSES), page


def test_what_the_page_says_of_the_csrf_cookie_is_what_django_does(db, django_user_model):
    """A form from another tab of the same browser, opened before a later page, is accepted;
    one opened before logging in is refused after it (``rotate_token``). Logging out does not
    change the cookie (``CSRF_USE_SESSIONS`` is off), so the page does not name it."""
    assert settings.CSRF_COOKIE_AGE >= 60 * 60 * 24 * 7 and not settings.CSRF_USE_SESSIONS
    django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    client = browser()
    first_tab = client.get("/konto/login/").context["csrf_token"]
    client.get("/konto/login/")  # another tab opened later
    form = {"username": "analytiker", "password": "correct-horse-battery", "csrfmiddlewaretoken": first_tab}
    assert client.post("/konto/login/", form).status_code == 302  # accepted, and now logged in
    form["csrfmiddlewaretoken"] = first_tab  # the form opened before logging in
    assert client.post("/konto/login/", form).status_code == 403
    before_logout = client.get("/konto/logout/").context["csrf_token"]
    assert client.post("/konto/logout/", {"csrfmiddlewaretoken": before_logout}).status_code == 302
    assert client.post("/konto/login/", {**form, "csrfmiddlewaretoken": before_logout}).status_code == 302
