"""The front page and the self-test's first page, rendered once per language and shared by
anonymous visitors (issue 16): no query for a kept copy, a token of each visitor's own that
works, nothing shared with anyone who has a session, and nothing kept after a change."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys import shared_pages
from surveys.models import Response, WorkplaceType

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def get(client: Client, path: str, **headers):
    """The page and the number of SQL statements it took."""
    with CaptureQueriesContext(connection) as captured:
        page = client.get(path, headers=headers)
    return page, len(captured.captured_queries)


def without_token(page) -> str:
    return TOKEN.sub("", page.content.decode())


@pytest.mark.parametrize("path", ["/", "/selvtest/"])
def test_a_second_anonymous_visitor_gets_the_kept_page_without_a_query(self_test_round, path):
    first, first_queries = get(Client(), path)
    second, second_queries = get(Client(), path)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first_queries > 0 and second_queries == 0
    assert without_token(second) == without_token(first)
    if path == "/selvtest/":
        assert TOKEN.search(second.content.decode()), "the kept page has no CSRF token"


def test_the_front_page_makes_a_new_visitor_no_csrf_secret(self_test_round):
    """Its only form is the language switch, which needs no token (config/urls.py): a
    first visit costs no new secret, and sets no cookie."""
    for _ in range(2):  # rendered, then kept
        page, _queries = get(Client(), "/")
        assert page.status_code == 200
        assert "csrfmiddlewaretoken" not in page.content.decode()
        assert not page.cookies, page.cookies


def test_the_language_switch_takes_no_token_from_this_site_s_own_pages(self_test_round):
    """As a browser sends the form from a page of this site: ``Sec-Fetch-Site`` or, where
    the browser sends no such header (plain HTTP), an ``Origin`` naming this site."""
    for headers in ({"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "http://testserver"}):
        visitor = Client(enforce_csrf_checks=True)
        visitor.get("/")
        switched = visitor.post("/i18n/setlang/", {"language": "en", "next": "/selvtest/"}, **headers)
        assert (switched.status_code, switched["Location"]) == (302, "/selvtest/"), headers
        assert switched.cookies["barometer_language"].value == "en"
        assert "Where does your workplace stand?" in visitor.get("/").content.decode()
    # Django's view still sends no one to another site, and a GET changes nothing.
    away = Client(enforce_csrf_checks=True).post(
        "/i18n/setlang/", {"language": "nn", "next": "https://evil.example/"}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert away["Location"] == "/"
    looked = Client().get("/i18n/setlang/?language=nn&next=/")
    assert "barometer_language" not in looked.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://other.testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "http://testserver.evil.example"},
        {"HTTP_SEC_FETCH_SITE": "none", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "https://evil.example/side"},
        {},  # a browser that says nothing of where the form came from
    ],
)
def test_another_site_cannot_choose_a_visitor_s_language(self_test_round, headers):
    """Without a token, a post the browser does not say came from this site gets the CSRF
    check, and so the refusal page: no language cookie, nothing kept for a response."""
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/konto/login/")  # a CSRF cookie, as a visitor of any page with a form has
    forged = visitor.post("/i18n/setlang/", {"language": "en", "next": "/"}, **headers)
    assert forged.status_code == 403 and "csrf_failure.html" in [t.name for t in forged.templates]
    assert "barometer_language" not in forged.cookies
    # With the form's token the check passes, as it did before the token was left out.
    token = visitor.cookies["csrftoken"].value
    with_token = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert with_token.status_code == 302 and with_token.cookies["barometer_language"].value == "en"


@pytest.mark.parametrize(
    "headers",
    [
        # A browser that sends no Sec-Fetch-Site, on a site whose origin is a trusted one
        # behind a proxy that passes another Host (a wildcard entry, as Django reads it).
        {"HTTP_HOST": "app.internal", "HTTP_ORIGIN": "https://www.example.no"},
        # A proxy or an old browser that strips Origin and Sec-Fetch-Site keeps the Referer.
        {"HTTP_REFERER": "http://testserver/metode/"},
    ],
)
def test_the_language_switch_trusts_this_site_as_django_s_csrf_check_does(self_test_round, settings, headers):
    settings.ALLOWED_HOSTS = ["app.internal", "testserver"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.no"]
    switched = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en", "next": "/"}, **headers)
    assert switched.status_code == 302 and switched.cookies["barometer_language"].value == "en"


def test_a_forged_switch_does_not_change_a_response_s_language(national_round, workplace):
    """The language a device chose is also the one a respondent's answers, e-mails and
    report are kept in: another site's form must not choose it (a tester's finding)."""
    from surveys.models import Invitation

    invitation = Invitation.objects.create(round=national_round, workplace=workplace, language="nn")
    victim = Client(enforce_csrf_checks=True)
    assert victim.get(f"/s/{invitation.token}/").status_code == 200
    victim.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/"},
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    victim.get(f"/s/{invitation.token}/")
    assert Response.objects.get(invitation=invitation).language == "nn"
    assert 'lang="nn"' in Client().get(f"/s/{invitation.token}/").content.decode()


def test_the_token_on_a_kept_page_is_the_visitors_own_and_starts_a_self_test(self_test_round, municipality):
    Client().get("/selvtest/")  # someone else's visit keeps the page
    visitor = Client(enforce_csrf_checks=True)
    page, queries = get(visitor, "/selvtest/")
    assert queries == 0
    assert "csrftoken" in page.cookies, "the kept page must set the visitor's CSRF cookie"
    token = TOKEN.search(page.content.decode()).group(1)
    profile = {"workplace_type": WorkplaceType.NURSING_HOME, "municipality": municipality.pk, "employees": "12"}
    started = visitor.post("/selvtest/", {**profile, "csrfmiddlewaretoken": token})
    assert started.status_code == 302, started.content.decode()[:500]
    assert Response.objects.get().employees == 12
    # Without the token the same post is refused: the slot was really filled with a token.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/selvtest/")
    assert stranger.post("/selvtest/", profile).status_code == 403


def test_each_language_has_its_own_kept_page(self_test_round):
    Client().get("/")
    english, queries = get(Client(), "/", **{"Accept-Language": "en"})
    assert queries > 0  # rendered, not the bokmål copy
    assert "Where does your workplace stand?" in english.content.decode()
    nynorsk_cookie = Client()
    nynorsk_cookie.cookies["django_language"] = "nn"
    nynorsk, _ = get(nynorsk_cookie, "/")
    assert 'lang="nn"' in nynorsk.content.decode()


def test_a_visitor_with_a_session_or_a_query_string_gets_the_view_itself(self_test_round, admin_client):
    Client().get("/")
    staff_page, queries = get(admin_client, "/")
    assert queries > 0
    assert "/admin/" in staff_page.content.decode()  # the staff navigation, not the anonymous copy
    _, queries = get(Client(), "/?kilde=epost")
    assert queries > 0


def test_a_change_to_the_round_drops_the_kept_page(self_test_round):
    assert Client().get("/selvtest/").status_code == 200
    self_test_round.closes_at = timezone.now() - timedelta(minutes=1)
    self_test_round.save()
    closed = Client().get("/selvtest/")
    assert closed.status_code == 503
    assert "Start the self-test" not in Client().get("/", headers={"Accept-Language": "en"}).content.decode()


def test_a_kept_page_expires(self_test_round, monkeypatch, settings):
    settings.SHARED_PAGE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(shared_pages.time, "monotonic", lambda: clock[0])
    Client().get("/")
    clock[0] += 9
    assert get(Client(), "/")[1] == 0
    clock[0] += 2
    assert get(Client(), "/")[1] > 0


def test_sharing_can_be_turned_off(self_test_round, settings):
    settings.SHARED_PAGE_SECONDS = 0
    Client().get("/")
    assert get(Client(), "/")[1] > 0


def test_an_error_page_is_never_kept(db):
    unavailable, _ = get(Client(), "/selvtest/")
    assert unavailable.status_code == 503
    again, queries = get(Client(), "/selvtest/")
    assert again.status_code == 503 and queries > 0


def test_the_front_page_kept_in_bokmal_is_dropped_when_the_round_closes(self_test_round):
    assert "/selvtest/" in Client().get("/").content.decode()
    assert get(Client(), "/")[1] == 0  # kept
    self_test_round.closes_at = timezone.now() - timedelta(minutes=1)
    self_test_round.save()
    assert 'href="/selvtest/"' not in Client().get("/").content.decode()


def test_a_corrected_introduction_shows_at_once(self_test_round, question_set):
    Client().get("/")
    question_set.intro_nb = "En innovasjon er noe nytt som er tatt i bruk på arbeidsplassen."
    question_set.save()
    assert question_set.intro_nb in Client().get("/").content.decode()


def test_a_renamed_municipality_shows_at_once_in_the_self_test(self_test_round, municipality):
    Client().get("/selvtest/")
    municipality.name = "Nytt Kommunenavn"
    municipality.save()
    assert "Nytt Kommunenavn" in Client().get("/selvtest/").content.decode()
