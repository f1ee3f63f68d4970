"""Writing answers: the only code that stores a respondent's answers.

Each page is saved in one transaction. Invariants that span tables, which the database
cannot check, are checked here: a chosen option belongs to the answered question, the
question belongs to the response's question-set version, and a submitted response is
never changed again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .. import rules
from ..links import new_token
from ..models import (
    Answer,
    AnswerChoice,
    Invitation,
    Municipality,
    Question,
    Response,
    ResponseStatus,
    Round,
    WorkplaceType,
)
from ..option_masks import mask_values, positions_of
from ..questionnaire import AnswerValues, Questionnaire


class AnsweringError(Exception):
    """An answer that the question set does not allow; nothing was stored."""


class ResponseLocked(AnsweringError):
    """The response is submitted and can no longer change."""


def data_version_key(round_id: int) -> str:
    return f"surveys:round:{round_id}:data-version"


def bump_data_version(round_id: int) -> None:
    """Tell every reader of the round's aggregates that its data changed.

    Readers put this number in their cache keys, so stale results are never served and
    ``surveys`` needs to know nothing about who caches what.
    """
    key = data_version_key(round_id)
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=None)


def bump_data_versions_on_commit(round_ids: Iterable[int]) -> None:
    """Bump each round's data version (``bump_data_version``) once the current transaction
    commits, or at once outside a transaction: readers must not rebuild a figure from data
    a rollback would take back."""
    for round_id in set(round_ids):
        transaction.on_commit(lambda round_id=round_id: bump_data_version(round_id))


def response_for_invitation(invitation: Invitation, *, language: str) -> Response:
    """The invitation's response, created on first use with the register's profile.

    A response the workplace already has in the round without an invitation (a paper answer
    imported before the invitation was created) is linked to the invitation and returned:
    a round holds at most one response per workplace (a database constraint), so creating a
    second one would fail.
    """
    try:
        return invitation.response
    except Response.DoesNotExist:
        pass
    workplace = invitation.workplace
    with transaction.atomic():
        Response.objects.filter(round=invitation.round, workplace=workplace, invitation__isnull=True).update(
            invitation=invitation
        )
        response, _created = Response.objects.get_or_create(
            invitation=invitation,
            defaults={
                "round": invitation.round,
                "question_set": invitation.round.question_set,
                "workplace": workplace,
                "workplace_type": workplace.workplace_type,
                "municipality": workplace.municipality,
                "employees": workplace.employees,
                "language": language,
            },
        )
    return response


def start_self_test(
    *, round: Round, workplace_type: str, municipality: Municipality, employees: int, language: str
) -> Response:
    if workplace_type not in WorkplaceType.values:
        raise AnsweringError(f"unknown workplace type {workplace_type!r}")
    return Response.objects.create(
        round=round,
        question_set=round.question_set,
        token=new_token(),
        workplace_type=workplace_type,
        municipality=municipality,
        employees=employees,
        language=language,
    )


def _lock(response: Response) -> Response:
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.status != ResponseStatus.DRAFT:
        raise ResponseLocked("the response is already submitted")
    return locked


def save_answers(
    *,
    response: Response,
    answers: dict[Question, list[int] | int | str | None],
    language: str | None = None,
) -> None:
    """Store the answers of one page: each question's answer replaced, or removed when None.

    A handful of queries whatever the number of questions: the page's old answers go, the
    new ones are inserted in bulk.
    """
    rows: list[tuple[Question, int | None, str, list[int]]] = []
    for question, value in answers.items():
        checked = _checked(question, value)
        if checked is not None:
            rows.append((question, *checked))
    for question in answers:
        if question.question_set_id != response.question_set_id:
            raise AnsweringError(f"question {question.code} is not in this response's question set")
    with transaction.atomic():
        # One conditional UPDATE both locks the row until commit and proves the response is
        # still a draft, where a SELECT ... FOR UPDATE and a later UPDATE would take two.
        changes = {"updated_at": timezone.now()}
        if language:
            changes["language"] = language
        if not Response.objects.filter(pk=response.pk, status=ResponseStatus.DRAFT).update(**changes):
            raise ResponseLocked("the response is already submitted")
        # The page's old answers go in two statements: their choices, then the answers
        # themselves without the collector's SELECT (nothing else refers to an answer).
        replaced = list(answers)
        AnswerChoice.objects.filter(response_id=response.pk, answer__question__in=replaced).delete()
        stale = Answer.objects.filter(response_id=response.pk, question__in=replaced)
        stale._raw_delete(stale.db)
        created = Answer.objects.bulk_create(
            [
                Answer(response_id=response.pk, question=question, number_value=number, text_value=text)
                for question, number, text, _options in rows
            ]
        )
        AnswerChoice.objects.bulk_create(
            [
                AnswerChoice(answer=answer, option_id=option_id, response_id=response.pk)
                for answer, (_question, _number, _text, option_ids) in zip(created, rows, strict=True)
                for option_id in option_ids
            ]
        )
    if language:
        response.language = language


def _checked(question: Question, value) -> tuple[int | None, str, list[int]] | None:
    """(number, text, option ids) for a value the question allows; None for no answer.

    The rules are ``surveys.rules``'s, the same the form applies; a text is stored normalised.
    """
    if isinstance(value, str):
        value = rules.normalise_text(value)
    if value is None or value == [] or value == "":
        return None
    if question.has_options and isinstance(value, list | tuple):
        value = list(value)
    violations = rules.check_answer(question, value)
    if violations:
        raise AnsweringError(f"{question.code}: {violations[0].in_english()}")
    if question.has_options:
        return None, "", value
    if isinstance(value, int):
        return value, "", []
    return None, value, []


@dataclass(frozen=True)
class SubmitResult:
    submitted: bool
    missing_section_codes: tuple[str, ...] = ()
    already_submitted: bool = False


def submit_response(*, response: Response, questionnaire: Questionnaire | None = None) -> SubmitResult:
    """Submit a response: check completeness, drop unreachable answers, lock it.

    Submitting twice, in two tabs or two concurrent requests, yields exactly one
    submission: the status changes with a conditional UPDATE that only one can win.
    """
    questionnaire = questionnaire or Questionnaire.for_response(response)
    with transaction.atomic():
        try:
            locked = _lock(response)
        except ResponseLocked:
            return SubmitResult(submitted=True, already_submitted=True)
        values = AnswerValues.for_response(locked)
        reachable = questionnaire.reachable_question_ids(values)
        section_codes = {s.pk: s.code for s in questionnaire.sections}
        missing_questions = rules.missing_required(questionnaire, values)
        missing = list(dict.fromkeys(section_codes[q.section_id] for q in missing_questions))
        if missing:
            return SubmitResult(submitted=False, missing_section_codes=tuple(missing))
        Answer.objects.filter(response=locked).exclude(question_id__in=reachable).delete()
        kept = [
            option_id for question_id, ids in values.options.items() if question_id in reachable for option_id in ids
        ]
        won = Response.objects.filter(pk=locked.pk, status=ResponseStatus.DRAFT).update(
            status=ResponseStatus.SUBMITTED,
            submitted_at=timezone.now(),
            updated_at=timezone.now(),
            **mask_values(kept, locked.question_set_id, positions=positions_of(questionnaire.options_by_id)),
        )
        if not won:
            return SubmitResult(submitted=True, already_submitted=True)
        bump_data_versions_on_commit([locked.round_id])
    response.refresh_from_db()
    return SubmitResult(submitted=True)
