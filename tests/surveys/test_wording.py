"""Wording a respondent and a screen-reader user meet (issue 15, items 5 and 6)."""

import re

import pytest

from surveys.models import Invitation


@pytest.fixture
def invitation(national_round, workplace):
    return Invitation.objects.create(round=national_round, workplace=workplace, email="rektor@example.invalid")


def test_the_error_summary_reads_as_sentences(client, invitation, question_set):
    page = client.post(f"/s/{invitation.token}/del/incidence/", {"action": "next"}, HTTP_ACCEPT_LANGUAGE="nb")
    html = page.content.decode()
    summary = html[html.index("error-summary") : html.index("</div>", html.index("error-summary"))]
    text = re.sub(r"<[^>]+>", "", summary)
    assert "?:" not in text
    assert "påkrevet" not in text and "påkrevd" not in text
    assert "? Velg ett av alternativene." in text
    assert "(obligatorisk)" not in text  # the screen-reader word stays in the question's label


def test_required_questions_are_announced_in_words(client, invitation, question_set):
    html = client.get(f"/s/{invitation.token}/del/incidence/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert '<span class="visually-hidden"> (obligatorisk)</span>' in html
    assert '<span class="required-mark" aria-hidden="true"> *</span>' in html


def test_the_welcome_page_title_does_not_repeat_the_site_name(client, invitation):
    html = client.get(f"/s/{invitation.token}/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.count("Innovasjonsbarometeret") == 1, title
    # In English the site is named as its own pages name it (a header in Norwegian above an
    # h1 "The Innovation Barometer" read as two products).
    client.cookies.clear()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "– The Innovation Barometer</title>" in english and 'class="site-name"' in english
    assert "Innovasjonsbarometeret</a>" not in english


def test_english_dates_follow_british_convention():
    from datetime import UTC, datetime

    from django.utils import translation

    from surveys.dates import exact_time

    moment = datetime(2026, 11, 30, 18, 14, tzinfo=UTC)
    with translation.override("en"):
        assert exact_time(moment) == "30 November 2026 at 19:14"
    with translation.override("nb"):
        assert exact_time(moment) == "30. november 2026 kl. 19:14"


def test_the_error_summary_names_a_stem_and_item_question_by_its_item(client, invitation, question_set):
    """Each factor question repeats the stem "I hvilken grad har følgende fremmet eller
    hemmet arbeidet med den nyeste innovasjonen: ..."; eight such links in the error summary
    read as one long repetition. The summary names the item; the question keeps its text."""
    from django.utils import translation

    from surveys.forms import summary_label
    from surveys.models import Question

    factor = Question.objects.get(section__question_set=question_set, code="factor_technology")
    with translation.override("nb"):
        assert summary_label(factor) == "Ny teknologi"
    with translation.override("en"):
        english = str(summary_label(factor))
    assert english[:1].isupper() and ":" not in english and "To what extent" not in english
    simple = Question.objects.get(section__question_set=question_set, code="evaluated")
    with translation.override("nb"):
        assert summary_label(simple) == "Er den nyeste innovasjonen evaluert?"
    # A question with no translation falls back to bokmål whole, marked as bokmål.
    simple.text_en = ""
    with translation.override("en"):
        assert str(summary_label(simple)) == '<span lang="nb">Er den nyeste innovasjonen evaluert?</span>'


def test_the_error_summary_names_a_question_without_its_answering_hint(client, invitation, question_set):
    """ "Kva slags innovasjon er det? (vel alle som passar): Vel minst eitt av alternativa."
    read as three stops in a row; the summary names the question, the message says what to do."""
    from django.utils import translation

    from surveys.forms import summary_label
    from surveys.models import Question

    kinds = Question.objects.get(section__question_set=question_set, code="newest_type")
    assert kinds.text_nn.endswith("? (vel alle som passar)")
    with translation.override("nn"):
        assert summary_label(kinds) == "Kva slags innovasjon er det?"
    with translation.override("en"):
        assert str(summary_label(kinds)).endswith("?")
    # A question whose brackets are part of it, not a hint after it, keeps them.
    kinds.text_nb = "Hvor mange (omtrent) ansatte deltok?"
    with translation.override("nb"):
        assert summary_label(kinds) == "Hvor mange (omtrent) ansatte deltok?"
