"""A question set loaded once for answering: sections, questions, options and conditions,
with the skip logic that decides which of them a response sees.

Loading takes a fixed number of queries whatever the size of the set; everything after that
is done in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Prefetch

from .models import (
    Answer,
    AnswerChoice,
    ConditionMode,
    Option,
    Question,
    QuestionSet,
    QuestionSetStatus,
    Response,
    Section,
)
from .statements import binding_cursor


@cache
def _answers_sql(alias: str) -> str:
    """The statement ``AnswerValues.for_response`` sends, written once per database: the
    response's answers left-joined to their choices, in the order they were stored. Every
    respondent page sends it; the ORM took longer to compile it than the database to run it."""
    quote = connections[alias].ops.quote_name
    answer, choice = quote(Answer._meta.db_table), quote(AnswerChoice._meta.db_table)
    return (
        f"SELECT a.{quote('question_id')}, a.{quote('number_value')}, a.{quote('text_value')}, c.{quote('option_id')}"
        f" FROM {answer} a LEFT OUTER JOIN {choice} c ON c.{quote('answer_id')} = a.{quote('id')}"
        f" WHERE a.{quote('response_id')} = %s ORDER BY a.{quote('id')}, c.{quote('id')}"
    )


@dataclass
class AnswerValues:
    """What a response has answered so far, keyed by question id."""

    options: dict[int, list[int]] = field(default_factory=dict)
    numbers: dict[int, int | None] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)

    @property
    def chosen_option_ids(self) -> set[int]:
        return {option_id for ids in self.options.values() for option_id in ids}

    def answered(self, question_id: int) -> bool:
        return question_id in self.options or question_id in self.numbers or question_id in self.texts

    @classmethod
    def for_response(cls, response: Response) -> AnswerValues:
        """The response's answers in one query (answers left-joined to their choices)."""
        values = cls()
        alias = response._state.db or DEFAULT_DB_ALIAS
        with binding_cursor(alias) as cursor:
            cursor.execute(_answers_sql(alias), [response.pk])
            rows = cursor.fetchall()
        for question_id, number, text, option_id in rows:
            if option_id is not None:
                values.options.setdefault(question_id, []).append(option_id)
            elif number is not None:
                values.numbers[question_id] = number
            elif text:
                values.texts[question_id] = text
        return values

    def replaced(self, answers: dict) -> AnswerValues:
        """These values with one page's answers stored over them, as ``save_answers``
        stores them (option ids, a number, a text; None or [] removes), without a query."""
        values = AnswerValues(dict(self.options), dict(self.numbers), dict(self.texts))
        for question, value in answers.items():
            for kept in (values.options, values.numbers, values.texts):
                kept.pop(question.pk, None)
            if value is None or value == []:
                continue
            if question.has_options:
                values.options[question.pk] = list(value)
            elif isinstance(value, int):
                values.numbers[question.pk] = value
            elif value:
                values.texts[question.pk] = str(value)
        return values


_CACHE: dict[tuple[int, int], Questionnaire] = {}
#: The attribute of a kept questionnaire's questions that holds their answer fields, built
#: once per language (``surveys.forms.SectionForm``).
KEPT_FIELDS = "_kept_answer_fields"
_CACHE_SIZE = 8


class Questionnaire:
    """The structure of one question set version, ready for answering. Read-only once built."""

    def __init__(self, question_set: QuestionSet):
        self.question_set = question_set
        conditions = Prefetch("show_if_options", queryset=Option.objects.only("id"))
        self.sections: list[Section] = list(
            Section.objects.filter(question_set=question_set)
            .order_by("position")
            .prefetch_related(
                conditions,
                Prefetch(
                    "questions",
                    queryset=Question.objects.order_by("position").prefetch_related(
                        conditions, Prefetch("options", queryset=Option.objects.order_by("position"))
                    ),
                ),
            )
        )

    @classmethod
    def for_response(cls, response: Response) -> Questionnaire:
        return cls.of(response.question_set)

    @classmethod
    def of(cls, question_set: QuestionSet) -> Questionnaire:
        """The questionnaire of a set, from this process's memory when it can be.

        A published set cannot change in structure, and every wording correction bumps its
        revision, so (id, revision) names its content exactly. Drafts are always loaded.
        """
        if question_set.status == QuestionSetStatus.DRAFT:
            return cls(question_set)
        key = (question_set.pk, question_set.revision)
        found = _CACHE.get(key)
        if found is None:
            found = cls(question_set)
            for question in found.questions:
                question.__dict__[KEPT_FIELDS] = {}
            _CACHE[key] = found
            while len(_CACHE) > _CACHE_SIZE:
                # Two threads of a threaded server may evict at once: never fail a page for it.
                try:
                    _CACHE.pop(next(iter(_CACHE)), None)
                except (RuntimeError, StopIteration):
                    break
        return found

    @staticmethod
    def clear_cache() -> None:
        _CACHE.clear()

    @cached_property
    def questions_of(self) -> dict[int, list[Question]]:
        """Each section's questions by the section's id, in order (read from the prefetched
        lists once: ``section.questions.all()`` makes a related manager on every call, and
        the skip logic asks for them a few dozen times a page)."""
        return {section.pk: list(section.questions.all()) for section in self.sections}

    @cached_property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in self.questions_of[section.pk]]

    @cached_property
    def options_by_id(self) -> dict[int, Option]:
        return {option.pk: option for question in self.questions for option in question.options.all()}

    def section(self, code: str) -> Section | None:
        return next((section for section in self.sections if section.code == code), None)

    def visible_sections(self, values: AnswerValues) -> list[Section]:
        chosen = values.chosen_option_ids
        return [s for s in self.sections if s.condition_holds(chosen) and self._shown(s, chosen)]

    def expected_sections(self, values: AnswerValues) -> list[Section]:
        """The sections a respondent can expect to see, for the progress bar.

        A condition on questions not answered yet is undecided: a section shown "if any"
        of its options is chosen counts as coming, one shown "if none" does not. So the
        count starts at the longest path and can only shrink when a branch is skipped.
        """
        visible = {section.pk for section in self.visible_sections(values)}
        expected = []
        for section in self.sections:
            condition_questions = {
                self.options_by_id[pk].question_id for pk in section.condition_option_ids if pk in self.options_by_id
            }
            undecided = condition_questions and not any(values.answered(q) for q in condition_questions)
            if undecided:
                if section.show_if_mode == ConditionMode.ANY:
                    expected.append(section)
            elif section.pk in visible:
                expected.append(section)
        return expected

    @cached_property
    def longest_path(self) -> int:
        """How many sections the progress bar counts before anything is answered (the
        longest path: ``expected_sections`` of no answers)."""
        return len(self.expected_sections(AnswerValues()))

    def visible_questions(self, section: Section, values: AnswerValues) -> list[Question]:
        return self._shown(section, values.chosen_option_ids)

    def _shown(self, section: Section, chosen: set[int]) -> list[Question]:
        return [q for q in self.questions_of[section.pk] if q.condition_holds(chosen)]

    def reachable_question_ids(self, values: AnswerValues) -> set[int]:
        """Questions the response should have seen, given its answers.

        Conditions may depend on answers that are themselves unreachable, so this is
        repeated until nothing changes.
        """
        current = values
        while True:
            reachable = {
                q.pk for section in self.visible_sections(current) for q in self.visible_questions(section, current)
            }
            pruned = AnswerValues(
                options={k: v for k, v in current.options.items() if k in reachable},
                numbers={k: v for k, v in current.numbers.items() if k in reachable},
                texts={k: v for k, v in current.texts.items() if k in reachable},
            )
            if pruned == current:
                return reachable
            current = pruned

    def first_incomplete_section(self, values: AnswerValues) -> Section | None:
        """The first visible section with a required question not yet answered."""
        for section in self.visible_sections(values):
            for question in self.visible_questions(section, values):
                if question.required and not values.answered(question.pk):
                    return section
        return None

    def neighbours(self, section: Section, values: AnswerValues) -> tuple[Section | None, Section | None]:
        """The visible sections before and after ``section`` for this response."""
        visible = self.visible_sections(values)
        codes = [s.code for s in visible]
        if section.code not in codes:
            # The section is hidden now; move on from where it stands in the full order.
            later = [s for s in visible if s.position > section.position]
            earlier = [s for s in visible if s.position < section.position]
            return (earlier[-1] if earlier else None, later[0] if later else None)
        index = codes.index(section.code)
        return (visible[index - 1] if index else None, visible[index + 1] if index + 1 < len(visible) else None)

    def answer_summary(self, values: AnswerValues) -> list[dict]:
        """The visible sections with each visible question and its answer as text, for display."""
        options = self.options_by_id
        summary = []
        for section in self.visible_sections(values):
            rows = []
            for question in self.visible_questions(section, values):
                if question.pk in values.options:
                    answer = [options[pk].label for pk in values.options[question.pk] if pk in options]
                elif question.pk in values.numbers:
                    answer = [str(values.numbers[question.pk])]
                elif question.pk in values.texts:
                    answer = [values.texts[question.pk]]
                else:
                    answer = []
                rows.append({"question": question, "answer": answer})
            summary.append({"section": section, "rows": rows})
        return summary
