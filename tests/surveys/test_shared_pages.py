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


def test_the_language_switch_works_without_a_csrf_token_and_only_towards_this_site(self_test_round):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/")
    switched = visitor.post("/i18n/setlang/", {"language": "en", "next": "/selvtest/"})
    assert (switched.status_code, switched["Location"]) == (302, "/selvtest/")
    assert switched.cookies["barometer_language"].value == "en"
    assert "Where does your workplace stand?" in visitor.get("/").content.decode()
    # Django's view still sends no one to another site, and a GET changes nothing.
    away = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "nn", "next": "https://evil.example/"})
    assert away["Location"] == "/"
    looked = Client().get("/i18n/setlang/?language=nn&next=/")
    assert "barometer_language" not in looked.cookies


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
