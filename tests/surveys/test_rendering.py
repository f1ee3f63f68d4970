"""The respondent's forms written by ``surveys.rendering``: every question named, its help
and errors tied to it for a screen reader, answers kept, and every text escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test.html import parse_html
from django.utils import translation

from surveys.forms import SectionForm, SelfTestProfileForm
from surveys.models import Municipality, QuestionKind
from surveys.questionnaire import AnswerValues, Questionnaire
from surveys.services.questionsets import import_questionset
from tests.surveys.test_answer_limits import complete


class _Elements(HTMLParser):
    """Every start tag as (tag, attributes), and the text inside each element by id."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def by_id(self, element_id: str) -> tuple[str, dict]:
        found = [e for e in self.elements if e[1].get("id") == element_id]
        assert len(found) == 1, f"{element_id}: {len(found)} elements"
        return found[0]

    def all(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def _options(*codes):
    return [{"code": code, "label": {"nb": f"Svar {code}"}} for code in codes]


EVERY_KIND = {
    "slug": "alle-typer",
    "version": 1,
    "status": "published",
    "title": {"nb": "Alle spørsmålstyper"},
    "sections": [
        {
            "code": "a",
            "title": {"nb": "Del A"},
            "questions": [
                {"code": "one", "kind": "single_choice", "required": True, "text": {"nb": "Ett svar"},
                 "help": {"nb": "Velg det som passer best."}, "options": _options("x", "y", "z")},
                {"code": "many", "kind": "multiple_choice", "required": False, "max_choices": 3,
                 "text": {"nb": "Flere svar"}, "options": _options("a", "b", "c", "d")},
                {"code": "yes_no", "kind": "yes_no_dont_know", "required": False, "text": {"nb": "Ja eller nei"},
                 "options": _options("yes", "no", "dont_know")},
                {"code": "agree", "kind": "agreement", "required": False, "text": {"nb": "Enig"},
                 "options": _options("1", "2", "3", "4", "5")},
                {"code": "rate", "kind": "rating", "required": False, "text": {"nb": "Karakter"},
                 "options": _options("1", "2", "3", "4", "5", "6")},
                {"code": "staff", "kind": "number", "required": True, "min_value": 1, "max_value": 500,
                 "text": {"nb": "Ansatte"}},
                {"code": "note", "kind": "text", "required": False, "max_length": 200, "text": {"nb": "Notat"}},
            ],
        }
    ],
}  # fmt: skip


@pytest.fixture
def nb():
    with translation.override("nb"):
        yield


@pytest.fixture
def questions(db):
    question_set = import_questionset(complete(EVERY_KIND))
    return {q.code: q for q in Questionnaire(question_set).questions}


def test_every_question_kind_is_named_and_well_formed(questions, nb):
    questions = list(questions.values())
    assert {q.kind for q in questions} == set(QuestionKind.values)
    form = SectionForm(questions=questions)
    html = str(form.as_answers())
    parse_html(html)  # balanced and parseable (raises otherwise)
    page = _Elements(html)
    for question in questions:
        name = question.code
        if question.has_options:
            kind = "checkbox" if question.kind == QuestionKind.MULTIPLE_CHOICE else "radio"
            inputs = page.all("input", name=name)
            assert [a["type"] for a in inputs] == [kind] * question.options.count()
            assert inputs[0]["id"] == f"id_{name}_0"  # where the error summary links
            for attrs in inputs:
                assert page.all("label", **{"for": attrs["id"]})
        else:
            tag = "textarea" if question.kind == QuestionKind.TEXT else "input"
            control = page.by_id(f"id_{name}")
            assert control[0] == tag and page.all("label", **{"for": f"id_{name}"})
    assert len(page.all("fieldset")) == len(page.all("legend")) == sum(q.has_options for q in questions)


def test_errors_and_help_are_read_with_the_question(questions, nb):
    single, number = questions["one"], questions["staff"]
    form = SectionForm({single.code: "not an option", number.code: "12abc"}, questions=[single, number])
    assert not form.is_valid()
    page = _Elements(str(form.as_answers()))
    group = page.all("fieldset")[0]
    described = group["aria-describedby"].split()
    assert described == [f"id_{single.code}_helptext", f"id_{single.code}_error"]
    for element_id in described:
        page.by_id(element_id)
    assert all(a["aria-invalid"] == "true" and "is-invalid" in a["class"] for a in page.all("input", name=single.code))
    _tag, attrs = page.by_id(f"id_{number.code}")
    assert attrs["aria-invalid"] == "true" and f"id_{number.code}_error" in attrs["aria-describedby"]
    assert attrs["value"] == "12abc"  # what was typed comes back to be corrected


def test_answers_given_come_back_checked(questions, nb):
    multiple, number = questions["many"], questions["staff"]
    chosen = [option.pk for option in multiple.options.all()[:2]]
    values = AnswerValues(options={multiple.pk: chosen}, numbers={number.pk: 42}, texts={})
    page = _Elements(str(SectionForm(questions=[multiple, number], values=values).as_answers()))
    checked = [int(a["value"]) for a in page.all("input", name=multiple.code) if "checked" in a]
    assert checked == chosen
    assert page.by_id(f"id_{number.code}")[1]["value"] == "42"


def test_texts_are_escaped(questions, nb):
    question = questions["note"]
    question.text_nb = 'Hva <script>alert("x")</script> & co?'
    question.help_nb = "<b>hjelp</b>"
    form = SectionForm({question.code: '</textarea><script>alert("y")</script>'}, questions=[question])
    form.is_valid()
    html = str(form.as_answers())
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp; co?" in html


def test_the_self_test_profile(register, nb):
    municipality = Municipality.objects.order_by("name").first()
    form = SelfTestProfileForm({"workplace_type": "kindergarten", "municipality": municipality.pk, "employees": ""})
    assert not form.is_valid()
    html = str(form.as_answers())
    parse_html(html)
    page = _Elements(html)
    assert [a["value"] for a in page.all("input", name="workplace_type") if "checked" in a] == ["kindergarten"]
    options = page.all("option")
    assert len(options) == Municipality.objects.count() + 1  # and "Choose the municipality"
    assert [a["value"] for a in options if "selected" in a] == [str(municipality.pk)]
    _tag, employees = page.by_id("id_employees")
    assert employees["type"] == "text" and employees["inputmode"] == "numeric" and employees["aria-invalid"] == "true"
    assert "Et helt tall fra 1 til 100\xa0000." in html  # the bounds in words, not as min and max


# The markup around an answer is built once per field content (issue 16) -------------------------


def _checked(html: str, name: str) -> list[str]:
    return [a["value"] for a in _Elements(html).all("input", name=name) if "checked" in a]


def test_the_same_question_shows_each_respondent_their_own_answers(questions, nb):
    """The markup kept between pages never carries one respondent's answer to another's page."""
    single, number, note = questions["one"], questions["staff"], questions["note"]
    first, second = [option.pk for option in single.options.all()[:2]]
    shown = []
    for chosen, count, text in ((first, 12, "Første"), (second, 7, "Andre <svar>"), (None, None, "")):
        values = AnswerValues(
            options={single.pk: [chosen]} if chosen else {},
            numbers={number.pk: count} if count else {},
            texts={note.pk: text} if text else {},
        )
        html = str(SectionForm(questions=[single, number, note], values=values).as_answers())
        page = _Elements(html)
        shown.append(
            (_checked(html, single.code), page.by_id(f"id_{number.code}")[1].get("value"), html.split("</textarea>")[0])
        )
    assert [checked for checked, _number, _text in shown] == [[str(first)], [str(second)], []]
    assert [number for _checked, number, _text in shown] == ["12", "7", None]
    assert shown[0][2].endswith("\nFørste") and shown[1][2].endswith("\nAndre &lt;svar&gt;")
    assert shown[2][2].endswith(">\n")


def test_errors_are_not_kept_for_the_next_page(questions, nb):
    from surveys import rendering

    single = questions["one"]
    with_error = SectionForm({single.code: "not an option"}, questions=[single])
    assert not with_error.is_valid()
    kept = dict(rendering._PREPARED)
    assert 'aria-invalid="true"' in str(with_error.as_answers())
    assert kept == rendering._PREPARED  # what a visitor sends never fills the store
    valid = SectionForm({single.code: str(single.options.first().pk)}, questions=[single])
    assert valid.is_valid()
    html = str(valid.as_answers())
    assert "aria-invalid" not in html and "is-invalid" not in html and "_error" not in html


def test_a_corrected_wording_and_another_language_are_shown_at_once(questions, nb):
    """A wording corrected on the same object (an admin editing a draft), a new language,
    and the required mark all change the page at once."""
    question = questions["one"]
    before = str(SectionForm(questions=[question]).as_answers())
    assert "Ett svar" in before and "Velg det som passer best." in before
    question.text_nb = "Ett svar, rettet"
    option = question.options.all()[0]
    option.label_nb = "Svar x, rettet"
    after = str(SectionForm(questions=[question]).as_answers())
    assert "Ett svar, rettet" in after and "Svar x, rettet" in after
    assert "required-mark" in after and 'id="id_one_0" required>' in after
    assert 'id="id_one_0" required>' not in str(SectionForm(questions=[question], partial=True).as_answers())
    with translation.override("en"):
        english = str(SectionForm(questions=[question]).as_answers())
    # No English text: the bokmål wording, marked as bokmål for a screen reader.
    assert '<span lang="nb">Ett svar, rettet</span>' in english
    assert "(required)" in english and "(obligatorisk)" in after


def test_a_page_shown_again_builds_no_markup_again(questions, nb):
    from surveys import rendering

    form_questions = list(questions.values())
    str(SectionForm(questions=form_questions).as_answers())
    kept = dict(rendering._PREPARED)
    values = AnswerValues(options={questions["many"].pk: [questions["many"].options.first().pk]})
    str(SectionForm(questions=form_questions, values=values).as_answers())
    assert kept == rendering._PREPARED


def test_a_text_in_its_own_language_reads_no_bokmal_it_does_not_need(questions, django_assert_num_queries):
    from surveys.i18n import localized_html
    from surveys.models import Option

    option = Option.objects.only("id", "label_en").get(pk=questions["one"].options.first().pk)
    option.label_en = "Answer <x>"
    with django_assert_num_queries(0):  # label_nb is deferred and not needed
        assert localized_html(option, "label", "en") == "Answer &lt;x&gt;"
        assert localized_html(option, "label", "en") == "Answer &lt;x&gt;"


def test_texts_of_objects_without_a_dict_are_still_localised():
    from surveys.i18n import localized_html

    class Slotted:
        __slots__ = ("title_en", "title_nb", "title_nn")

    item = Slotted()
    item.title_nb, item.title_nn, item.title_en = "Tittel & mer", "", ""
    assert localized_html(item, "title", "nb") == "Tittel &amp; mer"
    assert localized_html(item, "title", "nn") == '<span lang="nb">Tittel &amp; mer</span>'


def test_several_values_for_one_choice_tick_none_of_them(questions, nb):
    """``one=x&one=y`` is refused with an error, and the page does not show both ticked."""
    from django.http import QueryDict

    single = questions["one"]
    first, second = (str(option.pk) for option in single.options.all()[:2])
    form = SectionForm(QueryDict(f"one={first}&one={second}"), questions=[single])
    assert not form.is_valid() and form.errors["one"]
    html = str(form.as_answers())
    assert _checked(html, "one") == [] and 'aria-invalid="true"' in html


def test_a_kept_questionnaire_s_fields_are_built_once_per_language_and_a_new_revision_gets_its_own(question_set, nb):
    from surveys.questionnaire import Questionnaire

    questionnaire = Questionnaire.of(question_set)
    section = questionnaire.sections[1]
    questions = list(section.questions.all())
    first, second = SectionForm(questions=questions), SectionForm(questions=questions)
    assert all(first.fields[name] is second.fields[name] for name in first.fields)
    assert (
        SectionForm(questions=questions, partial=True).fields[questions[0].code] is not first.fields[questions[0].code]
    )
    with translation.override("en"):
        english = SectionForm(questions=questions)
    assert english.fields[questions[0].code] is not first.fields[questions[0].code]
    # Errors stay with their form: a shared field carries nothing from one visitor to the next.
    refused = SectionForm({questions[0].code: "not an option"}, questions=questions)
    assert not refused.is_valid() and not SectionForm(questions=questions).errors
    # A corrected wording bumps the revision: a new questionnaire with new question objects.
    question_set.revision += 1
    renewed = Questionnaire.of(question_set)
    assert renewed is not questionnaire
    fresh = SectionForm(questions=list(renewed.sections[1].questions.all()))
    assert all(fresh.fields[name] is not first.fields[name] for name in fresh.fields)


def test_the_review_lists_every_answer_escaped_with_a_change_link_per_part():
    from types import SimpleNamespace

    from surveys.rendering import render_review

    part = SimpleNamespace(code="value", title_nb="Verdi <b>", title_nn="", title_en="Value")
    asked = [SimpleNamespace(text_nb=f"Spørsmål {number}", text_nn="", text_en="") for number in range(4)]
    summary = [
        {
            "section": part,
            "rows": [
                {"question": asked[0], "answer": ["Ja", "<script>"]},
                {"question": asked[1], "answer": ["Første linje\r\nAndre & siste"]},
                {"question": asked[2], "answer": []},
                {"question": asked[3], "answer": ["12"]},
            ],
        }
    ]
    with translation.override("nb"):
        html = str(render_review(summary, lambda code: f"/s/t/del/{code}/?fra=oppsummering"))
    assert '<h2 class="h4" id="review-value">Verdi &lt;b&gt;</h2>' in html
    assert '<a href="/s/t/del/value/?fra=oppsummering">Endre<span class="visually-hidden">' in html
    assert "delen «Verdi &lt;b&gt;»" in html
    assert '<dd><ul class="mb-0"><li>Ja</li><li>&lt;script&gt;</li></ul></dd>' in html
    assert "<dd>Første linje<br>Andre &amp; siste</dd>" in html
    assert "<dd><em>Ikke besvart</em></dd>" in html and "<dd>12</dd>" in html
    with translation.override("en"):
        english = str(render_review(summary, lambda code: "/x/"))
    # No English question text: the bokmål one, marked as bokmål.
    assert (
        '<dt><span lang="nb">Spørsmål 0</span></dt>' in english
        and '<h2 class="h4" id="review-value">Value</h2>' in english
    )


def test_the_workplace_as_registered_names_whose_it_is_and_escapes_every_value(municipality, workplace):
    """``render_profile`` (the welcome page, the first part and the report's comparison part)."""
    from django.utils import translation

    from surveys.models import Response
    from surveys.rendering import render_profile

    workplace.name = 'Bø & "Vik" <skole>'
    invited = Response(workplace=workplace, workplace_type="kindergarten", municipality=municipality, employees=1500)
    self_test = Response(workplace=None, workplace_type="nursing_home", municipality=municipality, employees=None)
    with translation.override("nb"):
        html = render_profile(invited)
        assert '<h2 id="profile-title" class="h5">Virksomheten deres slik den er registrert</h2>' in html
        assert "Bø &amp; &quot;Vik&quot; &lt;skole&gt;" in html and "<skole>" not in html
        assert '<dd class="col-sm-7">1\xa0500</dd>' in html  # grouped with a no-break space
        assert '<dd class="col-sm-7">Barnehage</dd>' in html  # the type in the reader's language
        unknown = Response(workplace=None, workplace_type="retired_type", municipality=municipality)
        assert '<dd class="col-sm-7">retired_type</dd>' in render_profile(unknown)  # shown as stored, no 500
        assert "Hvis noe av dette er feil" in html  # how to report a wrong entry
        staff = render_profile(invited, staff=True, heading_level=4)
        assert staff.startswith('<section class="profile card mb-4"') and "<h4 " in staff
        assert 'class="small mb-0 mt-2"' not in staff  # staff are not told to reply to the invitation
        own = render_profile(self_test)
        assert "Virksomhet</dt>" in html and "Antall medarbeidere" in html
        assert "Virksomhet</dt>" not in own and "Antall medarbeidere" not in own
        assert 'class="small mb-0 mt-2"' not in own  # a self-test has no invitation to reply to
    with translation.override("en"):
        english = render_profile(invited)
        assert "Your workplace, as registered" in english and '<dd class="col-sm-7">1,500</dd>' in english
        assert '<dd class="col-sm-7">Kindergarten</dd>' in english
        assert "Your workplace (self-test)" in render_profile(self_test)
        assert "The workplace, as registered" in render_profile(invited, staff=True)


def test_the_review_escapes_an_answer_as_django_s_escape_does():
    """The review escapes with the standard library's function (Django's own checks every
    argument for a lazy text first): the markup must be what Django's gives, for quotes, a
    lone carriage return (an old Mac's line break) and a lazy text among the answers."""
    from types import SimpleNamespace

    from django.utils.html import escape
    from django.utils.text import normalize_newlines
    from django.utils.translation import gettext_lazy

    from surveys.rendering import render_review

    texts = ["\"sitat\" og 'enkelt' & <b>\rny linje\r\n\rslutt", "Ærlig talt\n"]
    question = SimpleNamespace(text_nb="Spørsmål", text_nn="", text_en="")
    part = SimpleNamespace(code="del", title_nb="Del", title_nn="", title_en="")
    rows = [{"question": question, "answer": [text]} for text in texts]
    rows.append({"question": question, "answer": [gettext_lazy("Yes"), "<i>"]})
    with translation.override("nb"):
        html = str(render_review([{"section": part, "rows": rows}], lambda code: "/x/"))
        lazy_yes = str(gettext_lazy("Yes"))
    for text in texts:
        assert f"<dd>{escape(normalize_newlines(text)).replace(chr(10), '<br>')}</dd>" in html
    assert f'<dd><ul class="mb-0"><li>{lazy_yes}</li><li>&lt;i&gt;</li></ul></dd>' in html


def test_a_published_question_s_field_keeps_its_markup_and_a_page_with_errors_does_not_change_it(
    questions, nb, monkeypatch
):
    """A published set's fields are shared by every form that asks their questions: the
    second page reads the field's markup without working out its content again, gives the
    same HTML with its own answers, and an erroneous page in between changes neither."""
    from surveys import rendering

    question_set = next(iter(questions.values())).question_set
    question_set.status = "published"
    published = Questionnaire.of(question_set)
    try:
        form_questions = list(published.questions)
        first = str(SectionForm(questions=form_questions).as_answers())
        single = next(q for q in form_questions if q.code == "one")
        wrong = SectionForm({"one": "not an option"}, questions=form_questions, partial=True)
        assert not wrong.is_valid() and 'aria-invalid="true"' in str(wrong.as_answers())

        def worked_out_again(*args):
            raise AssertionError("the field's content was worked out again")

        monkeypatch.setattr(rendering, "_content_key", worked_out_again)
        assert str(SectionForm(questions=form_questions).as_answers()) == first
        chosen = single.options.first().pk
        again = str(
            SectionForm(questions=form_questions, values=AnswerValues(options={single.pk: [chosen]})).as_answers()
        )
        assert _checked(again, "one") == [str(chosen)] and _checked(first, "one") == []
    finally:
        Questionnaire.clear_cache()
