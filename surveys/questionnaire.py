"""A question set loaded once for answering: sections, questions, options and conditions,
with the skip logic that decides which of them a response sees.

Loading takes a fixed number of queries whatever the size of the set; everything after that
is done in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache, cached_property

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Prefetch

from .i18n import current_language, localized
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
def _answer_rows(alias: str) -> tuple[list[str], str, str, str]:
    """The pieces of the statement that reads a response's answers, on database ``alias``:
    the columns (question, number, text, option), the tables (answers left-joined to their
    choices), the column the response's key is compared with, and the order they were
    stored in. Both ways of reading answers (``_answers_sql`` and ``AnswerRows``) are
    written from these, so they read the same rows in the same order."""
    quote = connections[alias].ops.quote_name
    answer, choice = quote(Answer._meta.db_table), quote(AnswerChoice._meta.db_table)
    columns = [f"a.{quote('question_id')}", f"a.{quote('number_value')}", f"a.{quote('text_value')}"]
    columns.append(f"c.{quote('option_id')}")
    tables = f"{answer} a LEFT OUTER JOIN {choice} c ON c.{quote('answer_id')} = a.{quote('id')}"
    return columns, tables, f"a.{quote('response_id')}", f"a.{quote('id')}, c.{quote('id')}"


@cache
def _answers_sql(alias: str) -> str:
    """The statement ``AnswerValues.for_response`` sends, written once per database: the
    response's answers left-joined to their choices, in the order they were stored. Every
    respondent page sends it; the ORM took longer to compile it than the database to run it."""
    columns, tables, response, order = _answer_rows(alias)
    return f"SELECT {', '.join(columns)} FROM {tables} WHERE {response} = %s ORDER BY {order}"


class AnswerRows:
    """The rows ``AnswerValues.for_response`` reads, as one value of a link's own statement
    (``surveys.links``): a subquery aggregating them to a JSON array of
    ``[question_id, number_value, text_value, option_id]`` arrays in the order they were
    stored, kept on the response as ``ANSWER_ROWS`` (``surveys.statements.Correlated``).

    Written per database as Django's functions are (``as_<vendor>``); None for a database
    without a way here, whose pages then read the answers with their own statement."""

    def __call__(self, connection, key: str) -> str | None:
        method = getattr(self, f"as_{connection.vendor}", None)
        return method(_answer_rows(connection.alias), key) if method is not None else None

    @staticmethod
    def as_postgresql(pieces, key: str) -> str:
        # No rows give NULL, which ``AnswerValues.from_rows`` reads as none.
        columns, tables, response, order = pieces
        rows = f"json_agg(json_build_array({', '.join(columns)}) ORDER BY {order})"
        return f"SELECT {rows} FROM {tables} WHERE {response} = {key}"

    @staticmethod
    def as_sqlite(pieces, key: str) -> str:
        # SQLite before 3.44 has no ORDER BY in an aggregate; an aggregate over an ordered
        # subquery reads it in order (the subquery is not flattened into an aggregate query).
        columns, tables, response, order = pieces
        named = ", ".join(f"{column} AS v{index}" for index, column in enumerate(columns))
        inner = f"SELECT {named} FROM {tables} WHERE {response} = {key} ORDER BY {order}"
        listed = ", ".join(f"v{index}" for index in range(len(columns)))
        return f"SELECT json_group_array(json_array({listed})) FROM ({inner})"


#: Where a response read with its link keeps its answers' rows (``AnswerRows``) until
#: ``AnswerValues.for_page`` takes them.
ANSWER_ROWS = "_answer_rows"
_NOT_READ = object()


@dataclass
class AnswerValues:
    """What a response has answered so far, keyed by question id."""

    options: dict[int, list[int]] = field(default_factory=dict)
    numbers: dict[int, int | None] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    #: ``Questionnaire.visible_sections``' last answer for these values: (questionnaire, the
    #: chosen option ids it was computed from, the sections). Not part of the values.
    _visible: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def chosen_option_ids(self) -> set[int]:
        return {option_id for ids in self.options.values() for option_id in ids}

    def answered(self, question_id: int) -> bool:
        return question_id in self.options or question_id in self.numbers or question_id in self.texts

    @classmethod
    def for_response(cls, response: Response) -> AnswerValues:
        """The response's answers in one query (answers left-joined to their choices)."""
        alias = response._state.db or DEFAULT_DB_ALIAS
        with binding_cursor(alias) as cursor:
            cursor.execute(_answers_sql(alias), [response.pk])
            return cls.from_rows(cursor.fetchall())

    @classmethod
    def for_page(cls, response: Response) -> AnswerValues:
        """The response's answers as its link's statement read them (``find_link`` with
        ``with_answers``), without a query; for a response read otherwise, or a second time,
        ``for_response``'s query. The rows are taken once: a page that saves answers and
        then asks again gets them from the database."""
        rows = response.__dict__.pop(ANSWER_ROWS, _NOT_READ)
        if rows is _NOT_READ:
            return cls.for_response(response)
        if isinstance(rows, str | bytes):  # SQLite's driver returns JSON as text
            rows = json.loads(rows)
        return cls.from_rows(rows or ())

    @classmethod
    def from_rows(cls, rows) -> AnswerValues:
        """The values of ``(question_id, number_value, text_value, option_id)`` rows of a
        response's answers left-joined to their choices, in the order they were stored (a
        multiple choice's options keep that order)."""
        values = cls()
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
        """The sections shown for these answers, in order: a section whose condition holds
        and that has a question shown.

        They depend on the chosen options only, and a page asks for them three or four
        times (its own check, the progress bar, the neighbours, the next incomplete part),
        so the last result is kept on ``values`` with the options it was computed from.
        """
        chosen = values.chosen_option_ids
        kept = values._visible
        if kept is not None and kept[0] is self and kept[1] == chosen:
            return list(kept[2])
        visible = [s for s in self.sections if s.condition_holds(chosen) and self._shown(s, chosen)]
        values._visible = (self, chosen, visible)
        return list(visible)

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
        """The visible sections with each visible question and its answer as text, for display:
        ``[{"section": Section, "rows": [{"question": Question, "answer": [str, ...]}]}]``, an
        option by its label in the active language."""
        options = self.options_by_id
        language = current_language()
        chosen_ids = values.chosen_option_ids  # once, not once per section
        summary = []
        for section in self.visible_sections(values):
            rows = []
            for question in self._shown(section, chosen_ids):
                if question.pk in values.options:
                    chosen = [options[pk] for pk in values.options[question.pk] if pk in options]
                    answer = [localized(option, "label", language) for option in chosen]
                elif question.pk in values.numbers:
                    answer = [str(values.numbers[question.pk])]
                elif question.pk in values.texts:
                    answer = [values.texts[question.pk]]
                else:
                    answer = []
                rows.append({"question": question, "answer": answer})
            summary.append({"section": section, "rows": rows})
        return summary
