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
    assert employees["type"] == "number" and employees["min"] == "1" and employees["aria-invalid"] == "true"
