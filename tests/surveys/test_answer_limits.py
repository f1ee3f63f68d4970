"""A limit the respondent sees is the limit applied (issue 14, item 10).

The page states its limits as HTML: ``maxlength`` on a text, ``min``/``max`` (and the
default step of 1) on a number, the choice limit in words. The server must never refuse
what a browser lets through under those limits, nor accept what they forbid. Browsers count
``maxlength`` in UTF-16 code units with line breaks counted once, and submit line breaks as
CRLF; a number input submits any valid floating-point number ("1e3", "007", "7.0").
"""

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import rules
from surveys.forms import SectionForm
from surveys.models import Answer, Invitation
from surveys.questionnaire import Questionnaire
from surveys.services.answering import AnsweringError, response_for_invitation, save_answers
from surveys.services.questionsets import import_questionset

TEXT_LIMIT = 10
LOW, HIGH = 1, 100_000

LIMITS_SET = {
    "slug": "grenser",
    "version": 1,
    "status": "published",
    "title": {"nb": "Grenser"},
    "sections": [
        {
            "code": "a",
            "title": {"nb": "Del A"},
            "questions": [
                {"code": "note", "kind": "text", "required": False, "max_length": TEXT_LIMIT, "text": {"nb": "Notat"}},
                {
                    "code": "staff",
                    "kind": "number",
                    "required": False,
                    "min_value": LOW,
                    "max_value": HIGH,
                    "text": {"nb": "Ansatte"},
                },
                {"code": "free_number", "kind": "number", "required": False, "text": {"nb": "Tall"}},
                {
                    "code": "who",
                    "kind": "multiple_choice",
                    "required": False,
                    "max_choices": 3,
                    "text": {"nb": "Hvem"},
                    "options": [
                        {"code": code, "label": {"nb": code}, "exclusive": code == "none"}
                        for code in ("a", "b", "c", "d", "none")
                    ],
                },
            ],
        }
    ],
}

PROPERTY_SETTINGS = settings(
    max_examples=300,
    deadline=None,  # the machine is shared: time is not what is tested
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def complete(data):
    """A question-set file with every optional text present (the format requires the keys)."""
    if isinstance(data, dict):
        data = {key: complete(value) for key, value in data.items()}
        for key in ("title", "intro", "help", "text", "label"):
            if key in data or (key in ("intro",) and "sections" in data) or (key == "help" and "kind" in data):
                data[key] = {"nb": "", "nn": "", "en": ""} | data.get(key, {})
        if "questions" in data and "intro" not in data:
            data["intro"] = {"nb": "", "nn": "", "en": ""}
        return data
    if isinstance(data, list):
        return [complete(value) for value in data]
    return data


@pytest.fixture
def questions(db):
    question_set = import_questionset(complete(LIMITS_SET))
    return {q.code: q for q in Questionnaire(question_set).questions}


def bound(questions, data):
    return SectionForm(data, questions=list(questions.values()))


def js_length(text: str) -> int:
    """``textarea.value.length`` in a browser: UTF-16 code units (the value has LF line breaks)."""
    return len(text.encode("utf-16-le")) // 2


def as_submitted(text: str) -> str:
    """What a browser sends for a textarea value: line breaks as CRLF (HTML form submission)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


# Text a person can type or paste: letters, spaces, line breaks, accents, emoji (outside the BMP).
typed_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcæøå ÆØÅ\n\t.,-"),
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1F64F),  # emoji: 2 UTF-16 units each
        st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
    ),
    max_size=2 * TEXT_LIMIT,
)


@PROPERTY_SETTINGS
@given(value=typed_text)
def test_text_within_maxlength_as_the_browser_counts_it_is_accepted(questions, value):
    form = bound(questions, {"note": as_submitted(value)})
    if js_length(value) <= TEXT_LIMIT:
        # Whatever the browser let through is accepted.
        assert form.is_valid(), form.errors
    elif js_length(value.strip()) > TEXT_LIMIT:
        # Whatever it would have stopped is refused, however the server counts.
        assert not form.is_valid()
        assert "note" in form.errors


def test_line_breaks_count_once_as_in_the_browser(questions):
    # Five lines of one letter: 9 characters in the browser, 13 as submitted with CRLF.
    form = bound(questions, {"note": "a\r\nb\r\nc\r\nd\r\ne"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "a\nb\nc\nd\ne"


def test_emoji_count_as_two_as_in_the_browser(questions):
    # Six emoji: 6 for Python's len, 12 for maxlength; the page would not let them through.
    form = bound(questions, {"note": "🙂" * 6})
    assert not form.is_valid()
    assert bound(questions, {"note": "🙂" * 5}).is_valid()


def html_float(value: int, style: str) -> str:
    """One of the ways a number input submits ``value``: a valid floating-point number."""
    if style == "plain":
        return str(value)
    if style == "zeros":
        return ("-" if value < 0 else "") + "00" + str(abs(value))
    if style == "point":
        return f"{value}.0"
    digits = str(abs(value)).rstrip("0") or "0"
    exponent = len(str(abs(value))) - len(digits)
    return ("-" if value < 0 else "") + f"{digits}e{exponent}"


@PROPERTY_SETTINGS
@given(
    value=st.one_of(st.integers(min_value=LOW - 50, max_value=HIGH + 50), st.integers(-(10**12), 10**12)),
    style=st.sampled_from(["plain", "zeros", "point", "exponent"]),
)
def test_every_number_the_input_lets_through_is_accepted_and_none_other(questions, value, style):
    form = bound(questions, {"staff": html_float(value, style)})
    if LOW <= value <= HIGH:
        assert form.is_valid(), (html_float(value, style), form.errors)
        assert form.cleaned_data["staff"] == value
    else:
        assert not form.is_valid()


@PROPERTY_SETTINGS
@given(
    whole=st.integers(min_value=LOW, max_value=HIGH - 1),
    fraction=st.integers(min_value=1, max_value=99),
)
def test_a_fraction_is_refused_as_the_step_of_one_refuses_it(questions, whole, fraction):
    assert not bound(questions, {"staff": f"{whole}.{fraction:02d}"}).is_valid()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1e3", 1000), ("  7 ", 7), ("7,0", 7), ("007", 7), ("+12", 12), ("1E2", 100), ("10.", 10)],
)
def test_number_formats_people_and_browsers_produce_are_read(questions, raw, expected):
    form = bound(questions, {"staff": raw})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["staff"] == expected


@pytest.mark.parametrize(
    "raw", ["abc", "1e", "NaN", "Infinity", "0x10", "1 000", "7,5", "1e400", "0", "--1", "٣", "３", "1٣", "١e2"]
)
def test_what_is_not_an_allowed_whole_number_is_refused(questions, raw):
    assert not bound(questions, {"staff": raw}).is_valid()


def test_a_number_question_without_bounds_refuses_what_cannot_be_stored_and_states_no_range(questions):
    form = bound(questions, {"free_number": str(rules.STORED_NUMBER_MAX + 1)})
    assert not form.is_valid()
    assert "Skriv et tall fra" in str(form.errors["free_number"])
    assert form.fields["free_number"].range_sentence() == ""  # the stored range is no one's answer
    assert bound(questions, {"free_number": str(rules.STORED_NUMBER_MAX)}).is_valid()


def test_the_page_states_the_limits_the_server_applies(questions):
    form = SectionForm(questions=list(questions.values()))
    assert f'maxlength="{TEXT_LIMIT}"' in str(form["note"])
    html = str(form.as_answers())
    assert "Et helt tall fra 1 til 100\xa0000." in html  # the page is in bokmål by default
    box = re.search(r'<input[^>]*name="staff"[^>]*>', html).group()
    # A text box with a numeric keyboard: a number box is sent empty when it holds what the
    # browser cannot read, and the respondent who wrote something was told to write it.
    assert 'type="text"' in box and 'inputmode="numeric"' in box and "min=" not in box


@pytest.mark.parametrize("raw", ["ca. 25", "٣٠", "25 ansatte"])
def test_a_number_the_browser_cannot_read_is_answered_with_what_is_wrong_not_that_it_is_missing(questions, raw):
    form = bound(questions, {"staff": raw})
    assert not form.is_valid()
    assert [str(message) for message in form.errors["staff"]] == ["Skriv et helt tall, for eksempel 12."]


def test_the_choice_limit_the_page_states_is_the_one_applied(questions):
    ids = {o.code: str(o.pk) for o in questions["who"].options.all()}
    assert bound(questions, {"who": [ids["a"], ids["b"], ids["c"]]}).is_valid()
    form = bound(questions, {"who": [ids["a"], ids["b"], ids["c"], ids["d"]]})
    assert not form.is_valid()
    assert "høyst 3" in str(form.errors["who"])  # the page is in bokmål by default


def test_the_save_service_applies_the_same_rules(questions, workplace, national_round):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    national_round.question_set = questions["note"].question_set
    national_round.save()
    response = response_for_invitation(invitation, language="nb")
    with pytest.raises(AnsweringError):
        save_answers(response=response, answers={questions["note"]: "🙂" * 6})
    with pytest.raises(AnsweringError):
        save_answers(response=response, answers={questions["staff"]: HIGH + 1})
    save_answers(response=response, answers={questions["note"]: "a\r\nb\r\nc\r\nd\r\ne"})
    assert Answer.objects.get(response=response).text_value == "a\nb\nc\nd\ne"


def test_rules_read_numbers_exactly():
    assert rules.parse_number("1.000000000000000000001") == Decimal("1.000000000000000000001")
    assert isinstance(rules.parse_number("1,2,3"), rules.Violation)


@pytest.mark.parametrize(("raw", "expected"), [("1e3", 1000), ("040", 40), ("12.0", 12), (" 7 ", 7)])
def test_the_self_test_profile_reads_numbers_as_the_questionnaire_does(db, raw, expected):
    from surveys.forms import SelfTestProfileForm

    form = SelfTestProfileForm({"employees": raw})
    form.is_valid()
    assert "employees" not in form.errors
    assert form.cleaned_data["employees"] == expected
    assert "Et helt tall fra 1 til 100\xa0000." in str(form.as_answers())
    refused = SelfTestProfileForm({"employees": "0"})
    refused.is_valid()
    assert "employees" in refused.errors


@PROPERTY_SETTINGS
@given(chosen=st.sets(st.sampled_from(["a", "b", "c", "d", "none"])))
def test_every_set_of_ticks_is_judged_by_the_stated_rules(questions, chosen):
    """Any set of boxes a person can tick: allowed exactly when it is at most three and
    "none" stands alone, as the page says."""
    ids = {o.code: str(o.pk) for o in questions["who"].options.all()}
    form = bound(questions, {"who": [ids[code] for code in sorted(chosen)]})
    allowed = len(chosen) <= 3 and ("none" not in chosen or len(chosen) == 1)
    assert form.is_valid() == allowed, (chosen, form.errors)


def test_the_self_test_s_municipality_is_chosen_by_its_id_in_digits_0_to_9(register):
    from surveys.forms import SelfTestProfileForm
    from surveys.models import Municipality

    municipality = Municipality.objects.order_by("pk").first()
    data = {"workplace_type": "kindergarten", "employees": "25"}
    assert SelfTestProfileForm({**data, "municipality": str(municipality.pk)}).is_valid()
    other_digits = str(municipality.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    form = SelfTestProfileForm({**data, "municipality": other_digits})
    assert not form.is_valid()
    assert form.errors["municipality"] == ["Velg kommunen fra listen."]
