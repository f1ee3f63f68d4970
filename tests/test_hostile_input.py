"""Property-based tests: whatever a hostile or broken client sends, the site answers
without a server error, and an answer it refuses changes nothing."""

import io
import string

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer.synthetic import generate_round
from surveys.models import Answer, AnswerChoice, Invitation, Option, QuestionKind, Response, Round, RoundKind
from surveys.services.response_files import ResponseFileError, csv_lines, export_rows, import_responses
from tests.builders import without_identity
from tests.hypothesis_profiles import example_count

SECTIONS = ["profile", "incidence", "in_progress", "newest", "initiation", "implementation", "collaboration",
            "value", "factors", "culture"]  # fmt: skip
# The full counts, which CI runs; HYPOTHESIS_PROFILE=dev runs a tenth (tests/hypothesis_profiles.py).
FORM_EXAMPLES = example_count(1000)
IMPORT_EXAMPLES = example_count(400)

HOSTILE_SETTINGS = settings(
    max_examples=FORM_EXAMPLES,
    deadline=None,  # the machine is shared and noisy: time is not what is tested
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)

nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=20),
    st.just("x" * 5000),
    st.just("\x00"),
    st.just("'; DROP TABLE surveys_answer; --"),
    st.just("<script>alert(1)</script>"),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def snapshot(response_id):
    answers = sorted(Answer.objects.filter(response_id=response_id).values_list("question_id", "number_value",
                                                                               "text_value"))  # fmt: skip
    choices = sorted(AnswerChoice.objects.filter(response_id=response_id).values_list("answer__question_id",
                                                                                     "option_id"))  # fmt: skip
    return answers, choices


def assert_stored_answers_are_valid(response_id):
    """Whatever got stored obeys every rule of the question set."""
    for answer in (
        Answer.objects.filter(response_id=response_id).select_related("question").prefetch_related("choices__option")
    ):
        question = answer.question
        options = [choice.option for choice in answer.choices.all()]
        assert all(option.question_id == question.pk for option in options)
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            assert options
            assert not question.max_choices or len(options) <= question.max_choices
            assert len(options) == 1 or not any(option.exclusive for option in options)
        elif question.has_options:
            assert len(options) == 1
        elif question.kind == QuestionKind.TEXT:
            assert len(answer.text_value) <= (question.max_length or 10**9)
            assert not any(ord(c) < 32 and c not in "\t\n\r" for c in answer.text_value)


@pytest.fixture
def hostile_setup(national_round, workplace, question_set):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    client = Client(enforce_csrf_checks=True)
    assert client.get(f"/s/{invitation.token}/").status_code == 200
    response = Response.objects.get(invitation=invitation)
    option_ids = list(Option.objects.filter(question__question_set=question_set).values_list("pk", flat=True))
    codes = list(question_set.questions.values_list("code", flat=True))
    return client, invitation, response, option_ids, codes


@HOSTILE_SETTINGS
@given(data=st.data())
def test_generated_posts_never_break_a_questionnaire_page(hostile_setup, data):
    client, invitation, response, option_ids, codes = hostile_setup
    section = data.draw(st.sampled_from(SECTIONS), label="section")
    url = f"/s/{invitation.token}/del/{section}/"
    page = client.get(url)
    assert page.status_code < 500
    value = st.one_of(
        st.sampled_from(option_ids).map(str),
        st.integers(min_value=-5, max_value=10**9).map(str),
        nasty_text,
    )
    keys = st.one_of(st.sampled_from(codes), st.sampled_from(["action", "csrfmiddlewaretoken"]),
                     st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12))  # fmt: skip
    body = data.draw(st.dictionaries(keys, st.lists(value, min_size=1, max_size=5), max_size=8), label="body")
    if data.draw(st.booleans(), label="with csrf token") and "csrftoken" in client.cookies:
        body["csrfmiddlewaretoken"] = [client.cookies["csrftoken"].value]
    body.setdefault("action", [data.draw(st.sampled_from(["next", "back", "save", "bogus"]), label="action")])
    before = snapshot(response.pk)
    result = client.post(url, body)
    assert result.status_code < 500, result.status_code
    if result.status_code >= 400:
        assert snapshot(response.pk) == before
    assert_stored_answers_are_valid(response.pk)


@pytest.fixture
def import_setup(barometer_data, question_set, register):
    source = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=6).round
    rows = without_identity(export_rows(source, full=True))
    rows = [[*rows[0], "workplace"]] + [[*row, f"Skole {number}"] for number, row in enumerate(rows[1:], start=1)]
    lines = list(csv_lines(rows))
    target = Round.objects.create(slug="mål", name="Mål", kind=RoundKind.NATIONAL, question_set=question_set,
                                  opens_at=source.opens_at, closes_at=source.closes_at)  # fmt: skip
    return lines, target


@settings(max_examples=IMPORT_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(data=st.data())
def test_generated_broken_files_are_refused_cleanly(import_setup, data):
    lines, target = import_setup
    rows = [line.rstrip("\r\n").split(",") for line in lines]
    for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="mutations")):
        kind = data.draw(st.sampled_from(["cell", "drop_column", "extra_column", "truncate", "garbage_line"]))
        row = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
        if kind == "cell" and rows[row]:
            column = data.draw(st.integers(min_value=0, max_value=len(rows[row]) - 1))
            rows[row][column] = data.draw(nasty_text).replace(",", ";").replace("\n", " ").replace("\r", " ")
        elif kind == "drop_column" and rows[row]:
            rows[row].pop(data.draw(st.integers(min_value=0, max_value=len(rows[row]) - 1)))
        elif kind == "extra_column":
            rows[row].append("surplus")
        elif kind == "truncate":
            rows = rows[: max(1, row)]
        else:
            rows.insert(row, [data.draw(nasty_text).replace("\n", " ").replace("\r", " ")])
    text = "\n".join(",".join(row) for row in rows) + "\n"
    before = Response.objects.filter(round=target).count()
    try:
        result = import_responses(target, io.StringIO(text))
    except ResponseFileError as exc:
        assert exc.errors
        assert all(isinstance(error, str) and error for error in exc.errors)
        assert Response.objects.filter(round=target).count() == before
    else:
        assert Response.objects.filter(round=target).count() == before + result.responses
