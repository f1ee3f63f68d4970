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


class StaleFormBrowser(Client):
    """A browser whose forms carry the token of a page opened before its CSRF cookie was
    replaced (by logging in, or deleted cookies): Django's "CSRF token from POST incorrect."."""

    stale_token = ""

    def post(self, path, data=None, **extra):
        return super().post(path, {"csrfmiddlewaretoken": self.stale_token, **(data or {})}, **extra)


def browser(*, language="en", with_cookie=True) -> Client:
    """A client that checks CSRF as a browser's requests are checked: with the CSRF cookie a
    visit leaves and a form opened before the cookie was replaced, or with no cookie."""
    client = StaleFormBrowser(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if with_cookie:
        client.stale_token = client.get("/konto/login/").context["csrf_token"]
        del client.cookies[settings.CSRF_COOKIE_NAME]  # deleted cookies: the next page sets a new one
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
        assert "The form was refused" in page and "could not be used" not in page
        assert "logged in on this browser" in page and "cookies were deleted" in page
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


# Django refuses a form for reasons besides a replaced cookie: a form without a valid token,
# a form sent from another address (Origin, Referer), a browser that withholds where a form
# came from (Referer, checked on HTTPS only) and a damaged cookie. The page said for every one
# of them that the cookie had been replaced by a login or deleted cookies.
REPLACED_COOKIE = ("logged in on this browser", "cookies were deleted")


def fresh_browser() -> tuple[Client, str]:
    """A client with the CSRF cookie of a page it opened and that page's token."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    token = client.get("/konto/login/").context["csrf_token"]
    return client, token


def later_page(client, invitation, question_set) -> tuple[str, dict]:
    """A respondent's second page, with the first page's answers saved."""
    client.post(f"/s/{invitation.token}/del/profile/", post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    return f"/s/{invitation.token}/del/incidence/", post_data(question_set, ["inc_services"], INNOVATOR_ANSWERS)


def assert_nothing_saved_beyond(page_text: str) -> None:
    assert "The answers on this page were not saved. The answers on the pages you completed before are saved." in (
        page_text
    )


@pytest.mark.parametrize(
    "token",
    [None, "x" * 12, "!" * 64],  # missing; the wrong length; characters a token never has
)
def test_a_form_without_a_valid_token_is_not_said_to_have_a_replaced_cookie(client, invitation, question_set, token):
    url, answers = later_page(client, invitation, question_set)
    strict, _token = fresh_browser()
    if token is not None:
        answers["csrfmiddlewaretoken"] = token
    page = refused(strict.post(url, answers))
    assert "without the check code this site puts in its forms, or with a damaged one" in page
    assert not any(claim in page for claim in REPLACED_COOKIE), page
    assert "did not send the cookie" not in page
    assert_nothing_saved_beyond(page)
    assert "Go back, reload the page and answer it again." in page
    assert Response.objects.get().answers.count() == 1


def test_a_token_in_the_header_that_is_damaged_is_a_damaged_token(db):
    strict, _token = fresh_browser()
    page = refused(strict.post("/konto/login/", {"username": "x"}, headers={"X-CSRFToken": "short"}))
    assert "or with a damaged one" in page and "logged in on this browser" not in page


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://translate.example.net"},  # REASON_BAD_ORIGIN
        {"Referer": "https://translate.example.net/s/page/"},  # REASON_BAD_REFERER (HTTPS)
        {"Referer": "http://testserver/s/page/"},  # REASON_INSECURE_REFERER (HTTPS)
    ],
)
def test_a_form_from_another_address_says_so_and_where_to_open_the_site(client, invitation, question_set, headers):
    url, answers = later_page(client, invitation, question_set)
    strict, token = fresh_browser()
    page = refused(strict.post(url, {**answers, "csrfmiddlewaretoken": token}, secure=True, headers=headers))
    assert "reported that the form came from another address than this site's" in page
    # The same refusal comes of a deployment fault (CSRF_TRUSTED_ORIGINS, a proxy's
    # X-Forwarded-Proto): the page does not say that the respondent sent it from elsewhere,
    # says it may be the site's fault, and whom to tell if it keeps happening.
    assert "The form was sent from a page at another address" not in page
    assert "a fault in how this site is set up" in page
    contact = settings.ACCESSIBILITY_CONTACT
    assert f"If it keeps happening, tell us at {contact}" in page
    # The site's front page does not lead back to the questionnaire: the personal link does.
    assert "Open your personal link again, straight in the browser, and answer this page once more." in page
    assert "Open this site at" not in page
    assert "saved copy" not in page
    assert not any(claim in page for claim in REPLACED_COOKIE), page
    assert "privacy setting" not in page and "Go back, reload" not in page
    assert_nothing_saved_beyond(page)
    assert Response.objects.get().answers.count() == 1


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "null"}],  # REASON_NO_REFERER (HTTPS); an Origin a privacy setting blanks
)
def test_a_form_whose_browser_withheld_where_it_came_from_says_so(client, invitation, question_set, headers):
    url, answers = later_page(client, invitation, question_set)
    strict, token = fresh_browser()
    page = refused(strict.post(url, {**answers, "csrfmiddlewaretoken": token}, secure=True, headers=headers))
    assert "Your browser did not say which page the form was sent from" in page
    assert "privacy setting or a browser extension" in page
    # A saved copy of a page sends "Origin: null": it belongs here, not under another address.
    assert "a page opened from a saved copy does not say it" in page
    assert "allow it" not in page  # nothing a manager can act on
    assert not any(claim in page for claim in REPLACED_COOKIE), page
    assert "another address" not in page
    assert_nothing_saved_beyond(page)
    # Reloading a saved copy would fail again: the personal link leads back.
    assert "Open your personal link again, straight in the browser, and answer this page once more." in page
    assert "Go back, reload" not in page


def test_a_form_with_an_unreadable_referer_says_so(db):
    strict, token = fresh_browser()
    form = {"username": "x", "password": "y", "csrfmiddlewaretoken": token}
    page = refused(strict.post("/konto/login/", form, secure=True, headers={"Referer": "not an address"}))
    assert "in a way that could not be read" in page
    assert not any(claim in page for claim in REPLACED_COOKIE), page
    assert "The form was not accepted, so nothing was changed." in page
    assert "Go back, reload the page and try again." in page


def test_a_self_test_from_another_address_is_not_started_and_no_link_is_mentioned(self_test_round):
    strict, token = fresh_browser()
    answer = strict.post(
        "/selvtest/", {"employees": "12", "csrfmiddlewaretoken": token}, headers={"Origin": "https://elsewhere.example"}
    )
    page = refused(answer)
    assert "another address" in page and "The self-test was not started." in page
    assert "personal link" not in page


def test_a_damaged_cookie_says_so_and_a_new_one_is_sent(db):
    strict, token = fresh_browser()
    strict.cookies[settings.CSRF_COOKIE_NAME] = "damaged"
    answer = strict.post("/konto/login/", {"username": "x", "csrfmiddlewaretoken": token})
    page = refused(answer)
    assert "damaged copy of the cookie" in page and "logged in on this browser" not in page
    assert len(answer.cookies[settings.CSRF_COOKIE_NAME].value) == 32  # the new one


def test_a_form_from_before_the_cookie_was_replaced_keeps_the_replaced_cookie_text(client, invitation, question_set):
    url, answers = later_page(client, invitation, question_set)
    page = refused(browser().post(url, answers))
    assert all(claim in page for claim in REPLACED_COOKIE)
    assert "check code" not in page and "another address" not in page and "privacy" not in page


def test_every_reason_django_gives_has_its_own_cause():
    from django.middleware import csrf

    from surveys.views import refusal_cause

    assert refusal_cause(csrf.REASON_NO_CSRF_COOKIE) == "cookie_missing"
    assert refusal_cause("CSRF cookie has incorrect length.") == "cookie_damaged"
    assert refusal_cause("CSRF token from POST incorrect.") == "cookie_replaced"
    assert refusal_cause("CSRF token from the 'X-Csrftoken' HTTP header incorrect.") == "cookie_replaced"
    assert refusal_cause(csrf.REASON_CSRF_TOKEN_MISSING) == "token_invalid"
    assert refusal_cause("CSRF token from POST has invalid characters.") == "token_invalid"
    assert refusal_cause(csrf.REASON_BAD_ORIGIN % "https://a.example") == "other_address"
    assert refusal_cause(csrf.REASON_BAD_REFERER % "https://a.example/") == "other_address"
    assert refusal_cause(csrf.REASON_INSECURE_REFERER) == "other_address"
    assert refusal_cause(csrf.REASON_NO_REFERER) == "origin_withheld"
    assert refusal_cause(csrf.REASON_BAD_ORIGIN % "null") == "origin_withheld"
    assert refusal_cause(csrf.REASON_MALFORMED_REFERER) == "origin_unreadable"
