"""The questionnaire's kept page shells (``surveys.page_shells``).

A page filled into a kept shell must be byte for byte the page rendered normally, in every
language, for every section, with errors, from the review; and no respondent's values may
ever be kept in a shell or reach another respondent's page.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings

from surveys import page_shells
from surveys.models import Invitation, Response, Section, Workplace, WorkplaceType
from surveys.questionnaire import AnswerValues, Questionnaire
from tests.answering import INNOVATOR_ANSWERS, post_data
from tests.builders import submitted_by_invitation

LANGUAGES = ("nb", "nn", "en")
# Every CSRF token differs; everything else must be the same byte for byte.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def blanked(answer) -> tuple[int, str]:
    return answer.status_code, TOKEN.sub('name="csrfmiddlewaretoken" value="-"', answer.content.decode())


def both_ways(client: Client, method: str, url: str, data=None) -> tuple:
    """The page rendered normally, then twice with shells (once making the shell, once from it)."""
    send = getattr(client, method)
    with override_settings(PAGE_SHELLS=False):
        normal = blanked(send(url, data))
    return normal, blanked(send(url, data)), blanked(send(url, data))


@pytest.fixture
def invitation(national_round, workplace):
    return Invitation.objects.create(round=national_round, workplace=workplace)


@pytest.fixture
def other_invitation(national_round, other_municipality):
    other = Workplace.objects.create(
        name="Annenby barnehage",
        workplace_type=WorkplaceType.KINDERGARTEN,
        municipality=other_municipality,
        employees=7,
    )
    return Invitation.objects.create(round=national_round, workplace=other)


def answer(client: Client, token: str, question_set, section: str, answers: dict, action: str = "next"):
    codes = [q.code for s in Questionnaire.of(question_set).sections if s.code == section for q in s.questions.all()]
    return client.post(f"/s/{token}/del/{section}/", post_data(question_set, codes, answers, action))


def test_shelled_pages_are_the_pages_rendered_normally(invitation, question_set):
    token = invitation.token
    client = Client()
    for code, answers in (("profile", INNOVATOR_ANSWERS), ("incidence", INNOVATOR_ANSWERS)):
        assert answer(client, token, question_set, code, answers).status_code == 302
    client.get(f"/s/{token}/")  # the response exists now
    response = Response.objects.get(invitation=invitation)
    visible = Questionnaire.of(question_set).visible_sections(AnswerValues.for_response(response))
    urls = [f"/s/{token}/", *(f"/s/{token}/del/{s.code}/" for s in visible), f"/s/{token}/del/newest/?fra=oppsummering"]
    urls.append(f"/s/{token}/oppsummering/")
    invalid = {"action": "next", "newest_description": 'Ny "rutine" <b>&</b>', "newest_type": "bogus"}
    for language in LANGUAGES:
        client.cookies["barometer_language"] = language
        for url in urls:
            normal, first, kept = both_ways(client, "get", url)
            assert normal[0] == 200 and first == normal and kept == normal, (language, url)
        normal, first, kept = both_ways(client, "post", f"/s/{token}/del/newest/", invalid)
        assert normal[0] == 400 and first == normal and kept == normal, language
        assert "&quot;rutine&quot; &lt;b&gt;&amp;&lt;/b&gt;" in kept[1]
        # A submit refused for missing answers lists them, rendered normally, as it was.
        normal, first, kept = both_ways(client, "post", f"/s/{token}/oppsummering/", {})
        assert normal[0] == 400 and first == normal and kept == normal, language
    assert len(page_shells._SHELLS) >= len(LANGUAGES) * (len(urls) + 1)


def test_no_respondent_s_values_reach_another_or_stay_in_a_shell(invitation, other_invitation, question_set):
    first, second = Client(), Client()
    pages = {}
    for client, invited, text in ((first, invitation, "Første hemmelighet"), (second, other_invitation, "Andre sak")):
        token = invited.token
        for code in ("profile", "incidence"):
            assert answer(client, token, question_set, code, INNOVATOR_ANSWERS).status_code == 302
        newest = {**INNOVATOR_ANSWERS, "newest_description": text}
        assert answer(client, token, question_set, "newest", newest, action="back").status_code == 302
        pages[token] = "".join(
            client.get(url).content.decode()
            for url in (
                f"/s/{token}/",
                f"/s/{token}/del/profile/",
                f"/s/{token}/del/newest/",
                f"/s/{token}/oppsummering/",
            )
        )
    mine, theirs = pages[invitation.token], pages[other_invitation.token]
    assert "Første hemmelighet" in mine and "Eksempelvik skole" in mine and invitation.token in mine
    assert "Andre sak" in theirs and "Annenby barnehage" in theirs and other_invitation.token in theirs
    for value in ("Første hemmelighet", "Eksempelvik skole", invitation.token):
        assert value not in theirs
    for value in ("Andre sak", "Annenby barnehage", other_invitation.token):
        assert value not in mine
    kept = "".join(piece for shell in page_shells._SHELLS.values() for piece in shell.pieces)
    for value in ("hemmelighet", "Andre sak", "Eksempelvik", "Annenby", invitation.token, other_invitation.token):
        assert value not in kept
    assert "csrfmiddlewaretoken" in kept


def test_a_wording_correction_gets_a_new_shell(invitation, question_set):
    client = Client()
    client.cookies["barometer_language"] = "en"
    url = f"/s/{invitation.token}/del/profile/"
    before = client.get(url).content.decode()
    shells = set(page_shells._SHELLS)
    Section.objects.filter(question_set=question_set, code="profile").update(title_en="About you, corrected")
    after = client.get(url).content.decode()
    assert "About you, corrected" in after and "About you, corrected" not in before
    assert set(page_shells._SHELLS) - shells


def test_a_staff_member_and_a_message_get_the_page_rendered(invitation, admin_user):
    analyst = Client()
    analyst.force_login(admin_user)
    html = analyst.get(f"/s/{invitation.token}/").content.decode()
    assert 'href="/admin/"' in html
    assert not page_shells._SHELLS
    Client().get(f"/s/{invitation.token}/")
    assert len(page_shells._SHELLS) == 1


def test_a_slot_changed_by_the_template_keeps_no_shell(invitation, monkeypatch):
    """A filter that changes a slot (here: every slot's name upper-cased) must not give a page
    with a hole or a NUL in it: the page is rendered normally and nothing is kept."""
    monkeypatch.setattr(page_shells, "slot", lambda name: f"\x00{name.upper()}\x00")
    client = Client()
    with override_settings(PAGE_SHELLS=False):
        normal = blanked(client.get(f"/s/{invitation.token}/"))
    assert blanked(client.get(f"/s/{invitation.token}/")) == normal
    assert not page_shells._SHELLS


def test_a_value_that_looks_like_a_slot_is_printed_as_it_is(question_set, rf):
    """Values go into a copy of the kept pieces, split before: nothing in a value is filled."""
    request = rf.get("/s/abc/?fra=oppsummering&x=1")
    request.user = AnonymousUser()
    own = {"next_url": "\x00resume_url\x00", "resume_url": 'https://x/?a=1&b="2"', "deadline": "", "profile": ""}
    shared = {"question_set": question_set, "started": False, "section_total": 3}
    html = page_shells.render_page(request, "surveys/welcome.html", key=("test",), shared=shared, own=own)
    html = html.content.decode()
    assert 'href="\x00resume_url\x00"' in html
    assert "https://x/?a=1&amp;b=&quot;2&quot;" in html
    assert 'name="next" type="hidden" value="/s/abc/?fra=oppsummering&amp;x=1"' in html
    with override_settings(PAGE_SHELLS=False):
        normal = page_shells.render_page(request, "surveys/welcome.html", key=("test",), shared=shared, own=own)
    assert TOKEN.sub("-", normal.content.decode()) == TOKEN.sub("-", html)


def test_the_workplace_report_s_frame_is_kept_and_its_body_is_the_workplace_s_own(
    barometer_data, invitation, other_invitation, admin_user
):
    mine, theirs = submitted_by_invitation(invitation), submitted_by_invitation(other_invitation)
    client = Client()
    for language in LANGUAGES:
        client.cookies["barometer_language"] = language
        for invited in (mine, theirs):
            normal, first, kept = both_ways(client, "get", f"/s/{invited.token}/rapport/")
            assert normal[0] == 200 and first == normal and kept == normal, language
    report_shells = [key for key in page_shells._SHELLS if key[0] == "barometer/report.html"]
    assert len(report_shells) == len(LANGUAGES)  # one frame per language, whoever's report
    kept = "".join(piece for shell in page_shells._SHELLS.values() for piece in shell.pieces)
    for value in (mine.token, theirs.token, "Eksempelvik", "Annenby"):
        assert value not in kept
    # Staff read the report about the workplace by name: rendered normally, never kept.
    analyst = Client()
    analyst.force_login(admin_user)
    response = Response.objects.get(invitation=mine)
    assert analyst.get(f"/rapporter/{response.pk}/").status_code == 200
    assert len(page_shells._SHELLS) == len(report_shells)


def test_a_shell_sets_the_cookies_the_page_rendered_normally_sets(barometer_data, invitation, other_invitation):
    """A page without a form that carries a CSRF token (the welcome page, the report) draws
    a new visitor no CSRF secret and sets no cookie, from a shell as rendered normally; a
    page with one (a part, the review) sets the CSRF cookie both ways (a tester's finding)."""
    reported = submitted_by_invitation(other_invitation)
    token = invitation.token
    Client().get(f"/s/{token}/")  # the response exists now
    expected = {
        f"/s/{token}/": set(),
        f"/s/{token}/del/profile/": {"csrftoken"},
        f"/s/{token}/oppsummering/": {"csrftoken"},
        f"/s/{reported.token}/rapport/": set(),
    }
    for url, cookies in expected.items():
        with override_settings(PAGE_SHELLS=False):
            normal = Client().get(url)
        made, kept = Client().get(url), Client().get(url)
        assert normal.status_code == made.status_code == kept.status_code == 200, url
        assert set(normal.cookies) == set(made.cookies) == set(kept.cookies) == cookies, url
