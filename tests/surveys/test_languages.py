"""Texts in three languages, with bokmål as the fallback, marked as such."""

from surveys.i18n import localized, localized_html
from surveys.models import Question


def test_a_missing_translation_falls_back_to_bokmal_marked_with_its_language(question_set, client, national_round,
                                                                              workplace):  # fmt: skip
    from django.utils import translation

    draft_question = Question.objects.get(question_set=question_set, code="role")
    draft_question.text_en = ""  # as if the translation were missing (not saved: the set is published)
    with translation.override("en"):
        assert localized(draft_question, "text") == draft_question.text_nb
        assert localized_html(draft_question, "text") == f'<span lang="nb">{draft_question.text_nb}</span>'
    with translation.override("nb"):
        assert "<span" not in localized_html(draft_question, "text")


def test_texts_are_escaped(question_set):
    question = Question.objects.get(question_set=question_set, code="role")
    question.text_nn = "<b>Rolle</b>"
    from django.utils import translation

    with translation.override("nn"):
        assert localized_html(question, "text") == "&lt;b&gt;Rolle&lt;/b&gt;"


def test_norwegian_pages_use_decimal_commas_and_norwegian_dates(client, barometer_data, question_set, register):
    from django.utils import translation

    from barometer.formatting import format_number, format_share

    with translation.override("nb"):
        assert format_number(12.5) == "12,5"
        assert format_share(0.884) == "88\u00a0%"
    with translation.override("nn"):
        assert format_number(12.5) == "12,5"
    with translation.override("en"):
        assert format_number(12.5) == "12.5"
        assert format_share(0.884) == "88%"
