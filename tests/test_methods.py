"""Methods a page does not take get 405 and its page, before the CSRF check.

A tester's PUT to /selvtest/ with a token in the form body got the CSRF failure page,
which said the answers were saved: the CSRF check ran before the view could say that it
takes no PUT. Every address is tried here with the methods no page of the site takes, and
every page without a form with a POST, as a browser with CSRF checks on sends them; and
every page that takes a POST, refused by the CSRF check, must not speak of answers (the
respondent's own pages are in tests/surveys/test_refused_forms.py).
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from config.methods import declares_methods, view_methods
from tests.test_permissions import _world, concrete_url, url_names, world  # noqa: F401 - fixtures

NEVER_TAKEN = ("put", "patch", "delete")


def browser():
    """A client that checks CSRF as a browser's requests are checked, with the CSRF cookie
    a visit to a page with a form leaves (the login page), and the form token that goes with it."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    return client, client.cookies["csrftoken"].value


def every_address(world):  # noqa: F811
    """Every address of the site and the admin, with the respondent's token and ids that
    exist (the method is checked before any view looks them up)."""
    for name, pattern in url_names():
        regex = pattern.pattern.regex
        if regex.groups and not regex.groupindex:  # only unnamed groups (an admin history entry)
            yield name, pattern, reverse(name, args=["1"] * regex.groups)
        else:
            yield name, pattern, concrete_url(name, pattern, world, "respondent")


def test_every_page_of_ours_declares_the_methods_it_takes():
    undeclared = [
        name for name, pattern in url_names() if name.split(":")[0] in {"surveys", "barometer"}
        and not declares_methods(pattern.callback)
    ]  # fmt: skip
    assert not undeclared, f"views without allow_methods(...): {undeclared}"


@pytest.mark.parametrize("method", NEVER_TAKEN)
def test_a_method_no_page_takes_gets_405_not_the_csrf_page(world, method):  # noqa: F811
    client, token = browser()
    wrong = []
    for name, pattern, url in every_address(world):
        assert method.upper() not in view_methods(pattern.callback), name
        answer = getattr(client, method)(url, f"csrfmiddlewaretoken={token}", "application/x-www-form-urlencoded")
        templates = [t.name for t in answer.templates]
        if answer.status_code != 405 or "405.html" not in templates or method.upper() in answer["Allow"]:
            wrong.append(f"{name} {url}: {answer.status_code} {templates[:1]}")
    assert not wrong, wrong


def test_a_post_to_a_page_without_a_form_gets_405_not_the_csrf_page(world):  # noqa: F811
    client, _token = browser()
    wrong = []
    for name, pattern, url in every_address(world):
        if "POST" in view_methods(pattern.callback):
            continue
        answer = client.post(url, {"answer": "1"})  # no token: the CSRF check would refuse it
        if answer.status_code != 405 or "405.html" not in [t.name for t in answer.templates]:
            wrong.append(f"{name} {url}: {answer.status_code}")
    assert not wrong, wrong


def test_the_405_keeps_the_pages_allow_header(db):
    client, token = browser()
    answer = client.put("/selvtest/", f"csrfmiddlewaretoken={token}", "application/x-www-form-urlencoded")
    assert answer.status_code == 405 and answer["Allow"] == "GET, HEAD, POST"
    login = client.put("/konto/login/", f"csrfmiddlewaretoken={token}", "application/x-www-form-urlencoded")
    assert login.status_code == 405 and "PUT" not in login["Allow"] and "POST" in login["Allow"]


SAVED_CLAIMS = ("are saved", "still saved")


def strict_client(with_cookie: bool) -> Client:
    """A browser in English with CSRF checks on, with the CSRF cookie of an earlier visit or none."""
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if with_cookie:
        client.get("/konto/login/")
    return client


def main_text(answer) -> str:
    main = answer.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("with_cookie", [True, False])
def test_a_refused_form_claims_nothing_about_answers_but_on_a_respondents_page(world, with_cookie):  # noqa: F811
    """Every page that takes a POST, as a browser sends it without the form's token. The
    respondent's own pages are in tests/surveys/test_refused_forms.py."""
    wrong = []
    for name, pattern, url in every_address(world):
        if name.startswith("admin:") and name not in {"admin:login", "admin:index", "admin:surveys_round_add"}:
            continue
        if "POST" not in view_methods(pattern.callback) or name in {"surveys:section", "surveys:review"}:
            continue
        answer = strict_client(with_cookie).post(url, {"x": "1"})
        assert answer.status_code == 403 and "csrf_failure.html" in [t.name for t in answer.templates], name
        page = main_text(answer)
        if any(claim in page for claim in SAVED_CLAIMS) or "answer" in page.lower():
            wrong.append(f"{name}: {page[:300]}")
        elif "nothing was changed" not in page and "was not started" not in page:
            wrong.append(f"{name}: says nothing of what became of the form: {page[:300]}")
    assert not wrong, wrong


def test_only_the_language_switch_is_exempt_from_the_csrf_check():
    """The one exemption is argued in config/language_switch.py (which still checks a post
    the browser does not say came from this site); any other needs its own argument."""
    exempt = sorted(name for name, pattern in url_names() if getattr(pattern.callback, "csrf_exempt", False))
    assert exempt == ["set_language"]
