"""The answer rules, in one place: choice limits, exclusive options, number bounds and formats,
text lengths, and the skip logic's consequences (answers that must not be there, required
answers that must be).

The questionnaire form (``surveys.forms``), the save service (``surveys.services.answering``)
and the response importer (``surveys.services.response_files``) all call these functions,
so a rule can never differ between the page, the database and an imported file.

The limits are those the page states, counted the way a browser counts them, so the server
never refuses what the page let through and never accepts what it forbids:

- text length is counted like HTML ``maxlength``: in UTF-16 code units (an emoji outside the
  Basic Multilingual Plane counts 2), with every line break counted once (browsers submit
  CRLF but count LF);
- a number is read in the notation a browser's ``<input type="number">`` sends: decimal
  notation with an optional exponent ("1e3"), surrounded by any whitespace, a decimal comma
  allowed, leading zeros allowed, the digits 0-9 only; it must be a whole number within the
  question's bounds, or the range a stored answer can hold when the question has none (the
  page states the question's own bounds in words beside its box).

Every check returns a list of ``Violation`` (empty when the answer is allowed); the caller
decides how to report it: a form error, an ``AnsweringError``, a line of an import report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .characters import without_disallowed
from .columns import stored_range
from .models import Answer, Option, Question, QuestionKind

if TYPE_CHECKING:
    from .questionnaire import AnswerValues, Questionnaire

#: The range of ``Answer.number_value``, as its column stores it on every database.
STORED_NUMBER_MIN, STORED_NUMBER_MAX = stored_range(Answer._meta.get_field("number_value"))

#: Longest number text read; longer input is not a number anyone typed.
_MAX_NUMBER_TEXT = 5000

# Control characters other than tab and line breaks have no place in an answer.
_CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
_CONTROL_CHARACTERS[0x7F] = None

# The HTML "valid floating-point number", widened by a sign and a decimal comma.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)


@dataclass(frozen=True)
class Violation:
    """One broken rule: a machine ``code``, and a message template with its ``params``.

    ``str(violation)`` renders the message in the active language; ``in_english()`` in
    English, for import reports.
    """

    code: str
    message: object  # a lazily translated string with %(name)s placeholders
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return str(self.message % self.params) if self.params else str(self.message)

    def in_english(self) -> str:
        with translation.override("en"):
            return str(self)


INVALID_CHOICE = _("Choose one of the options shown.")


# --- Text -----------------------------------------------------------------------------------


def normalise_text(raw: str) -> str:
    """An answer text as stored: line breaks as LF, control characters and characters XML 1.0
    does not allow (U+FFFE, U+FFFF, lone surrogates; see :mod:`surveys.characters`) removed,
    surrounding whitespace stripped. Browsers submit line breaks as CRLF."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return without_disallowed(text.translate(_CONTROL_CHARACTERS)).strip()


def text_length(text: str) -> int:
    """The length of ``text`` as HTML ``maxlength`` counts it: UTF-16 code units, line breaks once."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


def check_text(question: Question, text: str) -> list[Violation]:
    """Violations of a (normalised) text answer: only its length can be wrong."""
    length = text_length(text)
    if question.max_length and length > question.max_length:
        return [
            Violation(
                "text_too_long",
                ngettext_lazy(
                    "Write at most %(limit)s character; this text has %(length)s.",
                    "Write at most %(limit)s characters; this text has %(length)s.",
                    "max",
                ),
                # "max" chooses the plural; the numbers are grouped as the help text's are.
                {
                    "max": question.max_length,
                    "limit": formats.number_format(question.max_length, force_grouping=True),
                    "length": formats.number_format(length, force_grouping=True),
                },
            )
        ]
    return []


# --- Numbers --------------------------------------------------------------------------------


def number_bounds(question: Question) -> tuple[int, int]:
    """(smallest, largest) number the question takes, both included; the stored range where
    the question sets no bound. The page states the bounds the question sets beside the box
    (``surveys.forms.WholeNumberField.range_sentence``)."""
    low = question.min_value if question.min_value is not None else STORED_NUMBER_MIN
    high = question.max_value if question.max_value is not None else STORED_NUMBER_MAX
    return max(low, STORED_NUMBER_MIN), min(high, STORED_NUMBER_MAX)


def parse_number(raw: str) -> Decimal | Violation | None:
    """The number in ``raw`` as an exact ``Decimal``; None for an empty answer; a
    ``Violation`` (code ``not_a_number``) for text that is not a number."""
    # ASCII digits only, in the notation a browser's number input sends, which the imports
    # and the admin read too: Arabic-Indic "٣" and full-width "３" are refused with a message
    # (the box is a text box, so they arrive as typed).
    text = raw.strip()
    if not text:
        return None
    if len(text) > _MAX_NUMBER_TEXT or not _NUMBER.fullmatch(text):
        return Violation("not_a_number", _("Write a whole number, for example 12."))
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimal notation
        return Violation("not_a_number", _("Write a whole number, for example 12."))


def written_bounds(low: int, high: int) -> dict[str, str]:
    """``{"min": ..., "max": ...}`` grouped as the active language writes numbers ("100 000",
    "100,000"), for the messages and the sentence beside a number's box that name them."""
    return {
        "min": formats.number_format(low, force_grouping=True),
        "max": formats.number_format(high, force_grouping=True),
    }


def check_whole_number(
    value: Decimal | int, low: int, high: int, *, states_min: bool = True, states_max: bool = True
) -> list[Violation]:
    """Violations of a number that must be whole and within [low, high]; ``states_min`` and
    ``states_max`` say which bounds the question itself sets (the message names those)."""
    value = Decimal(value)
    if value < low or value > high:
        if states_max and not states_min:
            message = _("Write a number no larger than %(max)s.")
        elif states_min and not states_max:
            message = _("Write a number no smaller than %(min)s.")
        else:
            message = _("Write a number from %(min)s to %(max)s.")
        return [Violation("out_of_range", message, written_bounds(low, high))]
    if value != value.to_integral_value():
        return [Violation("not_whole", _("Write a whole number, for example 12."))]
    return []


def check_number(question: Question, value: Decimal | int) -> list[Violation]:
    """Violations of a number answer: outside the question's bounds, or not a whole number."""
    low, high = number_bounds(question)
    return check_whole_number(
        value, low, high, states_min=question.min_value is not None, states_max=question.max_value is not None
    )


def read_whole_number(
    raw: str, low: int, high: int, *, states_min: bool = True, states_max: bool = True
) -> tuple[int | None, list[Violation]]:
    """(the whole number, []) for an allowed value, (None, []) for none, else (None, violations)."""
    parsed = parse_number(raw)
    if parsed is None:
        return None, []
    if isinstance(parsed, Violation):
        return None, [parsed]
    violations = check_whole_number(parsed, low, high, states_min=states_min, states_max=states_max)
    return (None, violations) if violations else (int(parsed), [])


def read_number(question: Question, raw: str) -> tuple[int | None, list[Violation]]:
    """``read_whole_number`` with the question's bounds (see ``number_bounds``)."""
    low, high = number_bounds(question)
    return read_whole_number(
        raw, low, high, states_min=question.min_value is not None, states_max=question.max_value is not None
    )


# --- Choices --------------------------------------------------------------------------------


def check_choices(question: Question, options: Sequence[Option]) -> list[Violation]:
    """Violations of the options chosen for a choice question (its options prefetched).

    Every option must be the question's own and chosen once; a single-choice question takes
    one; a multiple-choice question at most ``max_choices``, and an exclusive option
    ("none", "don't know") alone.
    """
    own = {option.pk for option in question.options.all()}
    ids = [option.pk for option in options]
    if not set(ids) <= own or len(set(ids)) != len(ids):
        return [Violation("invalid_choice", INVALID_CHOICE)]
    if not question.allows_many:
        return [] if len(ids) <= 1 else [Violation("invalid_choice", INVALID_CHOICE)]
    violations = []
    if question.max_choices and len(ids) > question.max_choices:
        violations.append(
            Violation(
                "too_many_choices",
                ngettext_lazy(
                    "Choose at most %(max)d option; you chose %(count)d.",
                    "Choose at most %(max)d options; you chose %(count)d.",
                    "max",
                ),
                {"max": question.max_choices, "count": len(ids)},
            )
        )
    exclusive = [option for option in options if option.exclusive]
    if exclusive and len(ids) > 1:
        violations.append(
            Violation(
                "exclusive_combined",
                _("“%(option)s” cannot be combined with other choices. Choose either “%(option)s” or other options."),
                {"option": exclusive[0].label},
            )
        )
    return violations


def check_answer(question: Question, value: list[int] | int | str | None) -> list[Violation]:
    """Violations of a cleaned answer value (option ids, a whole number or a text) as the
    save service receives it; [] for no answer."""
    if value is None or value == [] or value == "":
        return []
    if question.has_options:
        if not isinstance(value, list | tuple):
            return [Violation("invalid_choice", INVALID_CHOICE)]
        by_id = {option.pk: option for option in question.options.all()}
        if not all(option_id in by_id for option_id in value):
            return [Violation("invalid_choice", INVALID_CHOICE)]
        return check_choices(question, [by_id[option_id] for option_id in value])
    if question.kind == QuestionKind.NUMBER:
        if not isinstance(value, int) or isinstance(value, bool):
            return [Violation("not_a_number", _("Write a whole number, for example 12."))]
        return check_number(question, value)
    if not isinstance(value, str):
        return [Violation("invalid_text", _("Write the answer as text."))]
    if normalise_text(value) != value:
        return [Violation("invalid_text", _("Write the answer as text."))]
    return check_text(question, value)


# --- Skip logic -----------------------------------------------------------------------------


def skipped_answers(questionnaire: Questionnaire, values: AnswerValues) -> list[Question]:
    """Questions answered although the answers before them skip them, in questionnaire order."""
    reachable = questionnaire.reachable_question_ids(values)
    return [q for q in questionnaire.questions if values.answered(q.pk) and q.pk not in reachable]


def missing_required(
    questionnaire: Questionnaire, values: AnswerValues, *, ignore: Iterable[str] = ()
) -> list[Question]:
    """Required questions the response reaches but has not answered, in questionnaire order
    (``ignore``: question codes already reported for another reason)."""
    reachable = questionnaire.reachable_question_ids(values)
    ignored = set(ignore)
    return [
        q
        for q in questionnaire.questions
        if q.pk in reachable and q.required and not values.answered(q.pk) and q.code not in ignored
    ]
