"""The page frame kept per language and login state (``{% kept %}``, issue 16).

A kept fragment must give every page exactly what rendering it afresh gives, for every
language and login state, and never carry one visitor's values to another.
"""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, override_settings

from surveys.models import Invitation

LANGUAGES = ("nb", "nn", "en")
# Every CSRF token differs; everything else must be the same byte for byte.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page(client: Client, url: str, language: str) -> str:
    client.cookies["barometer_language"] = language
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return TOKEN.sub('name="csrfmiddlewaretoken" value="-"', answer.content.decode())


@pytest.fixture
def respondent_pages(national_round, workplace):
    token = Invitation.objects.create(round=national_round, workplace=workplace).token
    return [f"/s/{token}/", f"/s/{token}/del/profile/", f"/s/{token}/del/incidence/"]


@override_settings(SHARED_PAGE_SECONDS=0)
def test_kept_frames_are_the_pages_rendered_afresh_in_every_language_and_login_state(
    barometer_data, respondent_pages, self_test_round, admin_user
):
    anonymous = ["/", "/selvtest/", "/tilgjengelighet/", "/metode/", "/konto/login/", *respondent_pages]
    staff = ["/", "/metode/", "/statistikk/", "/rapporter/", *respondent_pages]
    visitor, analyst = Client(), Client()
    analyst.force_login(admin_user)
    for client, urls in ((visitor, anonymous), (analyst, staff)):
        for language in LANGUAGES:
            for url in urls:
                with override_settings(KEPT_FRAGMENTS=False):
                    fresh = page(client, url, language)
                first, kept = page(client, url, language), page(client, url, language)
                assert first == fresh, (url, language)
                assert kept == fresh, (url, language)


@override_settings(SHARED_PAGE_SECONDS=0)
def test_a_staff_frame_never_reaches_a_visitor_nor_a_visitor_s_the_staff(barometer_data, admin_user):
    visitor, analyst = Client(), Client()
    analyst.force_login(admin_user)
    for _ in range(2):
        staff_page = analyst.get("/metode/").content.decode()
        public_page = visitor.get("/metode/").content.decode()
        assert 'href="/admin/"' in staff_page and "/konto/login/" not in staff_page
        assert 'href="/admin/"' not in public_page and "/konto/login/" in public_page


@override_settings(SHARED_PAGE_SECONDS=0)
def test_the_language_switch_keeps_each_visitor_s_own_return_address_and_token(barometer_data, respondent_pages):
    client = Client()
    for url in respondent_pages:
        html = client.get(url).content.decode()
        assert f'<input name="next" type="hidden" value="{url}">' in html
    # The switch itself carries no CSRF token (config/urls.py); a form that needs one gets
    # each visitor's own, also on a page the kept frame serves.
    switch = re.compile(r'<form class="language-switch".*?</form>', re.S)
    assert "csrfmiddlewaretoken" not in switch.search(client.get("/tilgjengelighet/").content.decode()).group()
    tokens = {TOKEN.search(Client().get("/konto/login/").content.decode()).group() for _ in range(3)}
    assert len(tokens) == 3


def test_a_fragment_is_rendered_once_per_key_and_again_for_another():
    template = Template("{% load kept %}{% kept language %}{{ language }}:{{ counter.next }}{% endkept %}")

    class Counter:
        calls = 0

        def next(self):
            Counter.calls += 1
            return Counter.calls

    counter = Counter()
    first = template.render(Context({"language": "nb", "counter": counter}))
    again = template.render(Context({"language": "nb", "counter": counter}))
    other = template.render(Context({"language": "en", "counter": counter}))
    assert (first, again, other) == ("nb:1", "nb:1", "en:2")
    with override_settings(KEPT_FRAGMENTS=False):
        assert template.render(Context({"language": "nb", "counter": counter})) == "nb:3"


def test_a_fragment_without_a_key_is_refused():
    with pytest.raises(TemplateSyntaxError, match="needs a key"):
        Template("{% load kept %}{% kept %}x{% endkept %}")


def test_a_fragment_holding_a_block_is_refused():
    with pytest.raises(TemplateSyntaxError, match="cannot hold a"):
        Template("{% load kept %}{% kept language %}{% block title %}x{% endblock %}{% endkept %}")


@override_settings(SHARED_PAGE_SECONDS=0)
def test_the_400_page_speaks_its_own_visitor_s_language_not_the_previous_one_s(barometer_data):
    """The query guard answers before LocaleMiddleware: its page came in the language the
    thread's previous request left active (found by a fresh reviewer)."""
    english, norwegian = Client(), Client()
    english.cookies["barometer_language"] = "en"
    norwegian.cookies["barometer_language"] = "nb"
    assert '<html lang="en">' in english.get("/metode/").content.decode()
    refused = norwegian.get("/?q=%00")
    assert refused.status_code == 400
    assert '<html lang="nb">' in refused.content.decode()


@override_settings(SHARED_PAGE_SECONDS=0)
def test_the_400_page_knows_a_logged_in_visitor(barometer_data, admin_user):
    """The query guard answered before the user was known: a logged-in admin got the
    anonymous frame (the login link, no staff menu) on a 400 page (found by a fresh helper)."""
    analyst = Client()
    analyst.force_login(admin_user)
    refused = analyst.get("/?q=%00")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'href="/admin/"' in html and "/konto/login/" not in html
