"""A respondent's answers read in the link's own statement (``find_link(with_answers=True)``,
``surveys.questionnaire.AnswerRows``, issue 16).

They must equal what ``AnswerValues.for_response``'s own statement reads, option order
included, for every kind of response (none answered, multiple choices, numbers, texts of
any characters), on SQLite and PostgreSQL; and cost no statement of their own.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from barometer.synthetic import generate_round
from surveys.links import find_link
from surveys.models import Answer, AnswerChoice, Invitation, Option, Question, Response
from surveys.questionnaire import ANSWER_ROWS, AnswerRows, AnswerValues
from surveys.services.answering import response_for_invitation, start_self_test
from surveys.statements import Correlated, Prepared

#: Any response by its key, with its answers as a link's statement reads them.
BY_KEY = Prepared("surveys.Response", (), "{id} = %s", correlated=(Correlated("", ANSWER_ROWS, AnswerRows()),))

TEXTS = ["æøå ÆØÅ", "quotes \" and ' and \\ backslash", "line\nbreak\ttab", "emoji 🙂 and ℕ", "[1, 2]", "null"]
NUMBERS = [0, -1, 1, 2**31 - 1, -(2**31)]


def read_both(response: Response) -> tuple[AnswerValues, AnswerValues]:
    """(with the link's statement, with a statement of its own)."""
    found = BY_KEY.first([response.pk])
    assert ANSWER_ROWS in found.__dict__
    return AnswerValues.for_page(found), AnswerValues.for_response(found)


def assert_same(got: AnswerValues, expected: AnswerValues) -> None:
    assert got == expected
    # Equal dicts may differ in order; the lists of chosen options may not.
    assert list(got.options.items()) == list(expected.options.items())


def handmade_responses(round_, workplace) -> list[Response]:
    """Responses answered in ways a generated round does not: nothing, every kind of
    number and text, an answer left without options, options chosen against their order."""
    questions = list(Question.objects.filter(question_set=round_.question_set).order_by("pk"))
    multiple = [q for q in questions if Option.objects.filter(question=q).count() >= 3]

    def response(**fields) -> Response:
        return Response.objects.create(
            round=round_,
            question_set=round_.question_set,
            workplace_type=workplace.workplace_type,
            municipality=workplace.municipality,
            employees=10,
            **fields,
        )

    made = [response()]  # nothing answered
    numbers_and_texts = response()
    for question, number in zip(questions, NUMBERS, strict=False):
        Answer.objects.create(response=numbers_and_texts, question=question, number_value=number)
    for question, text in zip(questions[len(NUMBERS) :], TEXTS, strict=False):
        Answer.objects.create(response=numbers_and_texts, question=question, text_value=text)
    Answer.objects.create(response=numbers_and_texts, question=questions[-1])  # neither: not answered
    made.append(numbers_and_texts)
    choices = response()
    for index, question in enumerate(multiple[:4]):
        answer = Answer.objects.create(response=choices, question=question)
        options = list(Option.objects.filter(question=question).order_by("-pk"))  # stored against their order
        for option in options[: index + 1]:
            AnswerChoice.objects.create(answer=answer, option=option, response=choices)
    Answer.objects.create(response=choices, question=multiple[4])  # a choice left without options
    made.append(choices)
    return made


def test_answers_read_with_the_link_equal_their_own_statement_for_every_response(
    question_set, national_round, workplace
):
    generated = generate_round(question_set=question_set, slug="answers-with-link", name="Answers", workplaces=60)
    responses = list(Response.objects.filter(round=generated.round).order_by("pk"))
    responses += handmade_responses(national_round, workplace)
    multiple_choices = 0
    for response in responses:
        got, expected = read_both(response)
        assert_same(got, expected)
        multiple_choices += sum(len(ids) > 1 for ids in expected.options.values())
    # What was compared: empty responses, numbers, texts and several options to one question.
    assert any(not (v.options or v.numbers or v.texts) for v in map(AnswerValues.for_response, responses))
    assert multiple_choices > 10
    numbers_and_texts = AnswerValues.for_response(responses[-2])
    assert sorted(numbers_and_texts.numbers.values()) == sorted(NUMBERS)
    assert sorted(numbers_and_texts.texts.values()) == sorted(TEXTS)


def test_an_invitations_answers_come_with_its_link_in_one_statement(national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    response = response_for_invitation(invitation, language="nb")
    question = Question.objects.filter(question_set=national_round.question_set, options__isnull=False).first()
    answer = Answer.objects.create(response=response, question=question)
    for option in Option.objects.filter(question=question)[:2]:
        AnswerChoice.objects.create(answer=answer, option=option, response=response)
    for with_profile in (False, True):
        with CaptureQueriesContext(connection) as captured:
            found = find_link(None, invitation.token, with_profile=with_profile, with_answers=True).response
            values = AnswerValues.for_page(found)
        assert len(captured) == 1
        assert_same(values, AnswerValues.for_response(response))
        assert len(values.options[question.pk]) == 2
        # Taken once: asked again, the answers come from the database.
        with CaptureQueriesContext(connection) as captured:
            assert_same(AnswerValues.for_page(found), values)
        assert len(captured) == 1


def test_a_self_tests_answers_come_with_its_link(self_test_round, municipality):
    started = start_self_test(
        round=self_test_round, workplace_type="kindergarten", municipality=municipality, employees=12, language="en"
    )
    question = Question.objects.filter(question_set=self_test_round.question_set).first()
    Answer.objects.create(response=started, question=question, text_value="svar")
    with CaptureQueriesContext(connection) as captured:
        values = AnswerValues.for_page(find_link(None, started.token, with_answers=True))
    assert len(captured) == 2  # a self-test's link is looked for among the invitations first
    assert values.texts == {question.pk: "svar"}


def test_an_invitation_not_started_has_no_answers_to_bring_and_its_new_response_reads_none(national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    found = find_link(None, invitation.token, with_answers=True)
    response = response_for_invitation(found, language="nb")
    assert ANSWER_ROWS not in response.__dict__
    assert AnswerValues.for_page(response) == AnswerValues()


def test_without_answers_the_link_keeps_none(national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    response_for_invitation(invitation, language="nb")
    assert ANSWER_ROWS not in find_link(None, invitation.token).response.__dict__


@pytest.mark.parametrize("vendor", ["mysql", "oracle"])
def test_a_database_without_a_way_to_write_the_subquery_reads_the_answers_on_their_own(vendor):
    class Other:
        pass

    other = Other()
    other.vendor = vendor
    assert AnswerRows()(other, "t0.id") is None


def test_on_postgresql_the_answers_subquery_runs_once_whatever_rows_the_planner_expects(national_round, workplace):
    """Correlated with the joined row, the subquery's cost was counted once per row the
    planner expected from the link's left joins (2,000 for an invitation's response once),
    which passed ``jit_above_cost`` and compiled JIT code on every page: it must be an
    InitPlan (run once), never a SubPlan (run per row)."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    from surveys.links import PROFILE_RELATED, _statements, token_digest

    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    response_for_invitation(invitation, language="nb")
    for with_profile in (False, True):
        for statement in _statements(True, PROFILE_RELATED if with_profile else ()):
            written = statement._write(connection.alias)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + written.sql, [token_digest(invitation.token)] * 2)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "InitPlan" in plan and "SubPlan" not in plan, plan
