"""Question sets in and out of the database: import from and export to the JSON file format,
publishing, and copying a published set to a new draft version.

The file format (see ``surveys/data/innovasjonsbarometeret.json``)::

    {"slug", "version", "status", "title": {nb, nn, en}, "intro": {...},
     "sections": [{"code", "title", "intro", "show_if",
                   "questions": [{"code", "kind", "required", "text", "help",
                                  "max_choices", "min_value", "max_value", "max_length",
                                  "show_if", "options": [{"code", "label", "score", "exclusive"}]}]}]}

``show_if`` is null or ``{"mode": "any" | "none", "options": ["question.option", ...]}``.
Positions come from the order in the file.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..characters import first_disallowed
from ..columns import stored_range
from ..i18n import LANGUAGES
from ..models import (
    CODE_PATTERN,
    OPTION_CODE_PATTERN,
    SLUG_PATTERN,
    ConditionMode,
    Option,
    Question,
    QuestionKind,
    QuestionSet,
    QuestionSetStatus,
    Section,
)
from .imports import column_problems

CODE = re.compile(CODE_PATTERN)
OPTION_CODE = re.compile(OPTION_CODE_PATTERN)
SLUG = re.compile(SLUG_PATTERN)
#: The keys each object of the file may have; any other is a misspelling.
SET_KEYS = ("slug", "version", "status", "title", "intro", "sections")
SECTION_KEYS = ("code", "title", "intro", "show_if", "questions")
QUESTION_KEYS = (
    "code", "kind", "required", "text", "help", "max_choices", "min_value", "max_value", "max_length", "show_if",
    "options",
)  # fmt: skip
OPTION_KEYS = ("code", "label", "score", "exclusive")
CONDITION_KEYS = ("mode", "options")
CODE_RULE = gettext_lazy("code (a lowercase letter a-z, then lowercase letters, digits and _)")
OPTION_CODE_RULE = gettext_lazy("option code (lowercase letters a-z, digits and _)")
SLUG_RULE = gettext_lazy("slug (lowercase letters a-z, digits, and - or _ between them)")


class QuestionSetFileError(Exception):
    """The file is not a valid question set; ``errors`` lists every problem with its place
    ("sections[2].questions[0].code: ..."). ``problems`` holds the same as (place, reason)
    pairs where the checker found them (``validate_questionset_data``), so that a caller
    can name the place in its own words (``publish`` does, for the admin)."""

    def __init__(self, errors: list[str], problems: list[tuple[str, str]] | None = None):
        self.errors = errors
        self.problems = problems or []
        super().__init__("\n".join(errors))


@dataclass
class _Checker:
    """Collects (place, reason) problems; the reasons are in the active language (English in
    the import command, which runs without translations; the admin's in ``publish``)."""

    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f"{place}: {reason}" for place, reason in self.problems]

    def error(self, place: str, message: str) -> None:
        self.problems.append((place, str(message)))

    def refuse(self) -> QuestionSetFileError:
        return QuestionSetFileError(self.errors, self.problems)

    def texts(self, data: dict, key: str, place: str, *, required: bool, model: type[models.Model]) -> None:
        value = data.get(key)
        if not isinstance(value, dict):
            self.error(f"{place}.{key}", _("must be an object with the keys nb, nn and en"))
            return
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            self.error(
                f"{place}.{key}", _("unknown language(s) %(languages)s") % {"languages": ", ".join(sorted(unknown))}
            )
        for language in LANGUAGES:
            text = value.get(language, "")
            if not isinstance(text, str):
                self.error(f"{place}.{key}.{language}", _("must be text"))
            else:
                self.column(model, f"{key}_{language}", text, f"{place}.{key}.{language}")
        if required and not str(value.get("nb") or "").strip():
            self.error(f"{place}.{key}.nb", _("the bokmål text is missing"))

    def integer(
        self, data: dict, key: str, place: str, *, model: type[models.Model], minimum: int | None = None
    ) -> None:
        value = data.get(key)
        if value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(f"{place}.{key}", _("must be a whole number or null"))
        elif minimum is not None and value < minimum:
            self.error(f"{place}.{key}", _("must be at least %(minimum)s") % {"minimum": minimum})
        else:
            self.column(model, key, value, f"{place}.{key}")

    def keys(self, data: dict, allowed: tuple[str, ...], place: str) -> None:
        """Report every key of ``data`` that is not in ``allowed``, with the nearest allowed one."""
        for key in data:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                if near:
                    message = _('unknown key; did you mean "%(key)s"?') % {"key": near[0]}
                else:
                    message = _("unknown key; the keys are %(keys)s") % {"keys": ", ".join(allowed)}
                self.error(f"{place}.{key}", message)

    def score(self, data: dict, place: str) -> None:
        """A score is null or a finite number the score column holds exactly (never rounded)."""
        score = data.get("score")
        if score is None:
            return
        if isinstance(score, bool) or not isinstance(score, int | float):
            self.error(f"{place}.score", _("must be a number or null"))
        elif isinstance(score, float) and not math.isfinite(score):
            self.error(f"{place}.score", _("must be a finite number, not %(value)s") % {"value": score})
        else:
            value = Decimal(str(score))
            decimals = Option._meta.get_field("score").decimal_places
            if value.as_tuple().exponent < -decimals:
                self.error(
                    f"{place}.score",
                    _("%(score)s has more than %(decimals)s decimals; a score is stored with at most %(decimals)s")
                    % {"score": score, "decimals": decimals},
                )
            else:
                self.column(Option, "score", value, f"{place}.score")

    def code(self, value: Any, place: str, *, pattern: re.Pattern, rule: object, model: type[models.Model]) -> bool:
        """Whether ``value`` is a code (or slug) matching ``pattern`` that its column holds."""
        if not isinstance(value, str) or not value:
            self.error(place, _("is missing"))
            return False
        if not pattern.fullmatch(value):
            self.error(place, _('"%(value)s" is not a valid %(rule)s') % {"value": value, "rule": rule})
            return False
        return self.column(model, place.rsplit(".", 1)[-1], value, place)

    def column(self, model: type[models.Model], name: str, value: Any, place: str) -> bool:
        """Whether the column ``model.name`` can hold ``value`` exactly
        (``surveys.services.imports.column_problems``: its length, a decimal's digits and
        places, and a whole number within the range every supported database stores)."""
        problems = column_problems(model, [(name, place, value)])
        for _column, reason in problems:
            self.error(place, reason)
        return not problems


def _kind_name(kind: str) -> str:
    """A kind of question as the admin's list names it, with the file's code: "“Single
    choice” (single_choice)"."""
    return _("“%(label)s” (%(code)s)") % {"label": QuestionKind(kind).label, "code": kind}


def validate_questionset_data(data: Any) -> None:
    """Check a parsed question-set file; raise ``QuestionSetFileError`` listing every problem."""
    check = _Checker()
    if not isinstance(data, dict):
        check.error("(file)", _("must be a JSON object"))
        raise check.refuse()
    check.keys(data, SET_KEYS, "(file)")
    check.code(
        data.get("slug"),
        "(file).slug",
        pattern=SLUG,
        rule=SLUG_RULE,
        model=QuestionSet,
    )
    check.integer(data, "version", "(file)", minimum=1, model=QuestionSet)
    status = data.get("status", "draft")
    if not isinstance(status, str) or status not in {QuestionSetStatus.DRAFT, QuestionSetStatus.PUBLISHED}:
        check.error("(file).status", _("must be draft or published"))
    check.texts(data, "title", "(file)", required=True, model=QuestionSet)
    check.texts(data, "intro", "(file)", required=False, model=QuestionSet)
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        check.error("(file).sections", _("must be a non-empty list"))
        raise check.refuse()

    # "question.option" -> the question's code
    option_refs: dict[str, str] = {}
    question_codes: dict[str, str] = {}
    section_codes: dict[str, str] = {}
    # (place, condition, index of the section it is in, code of the question it is on or None)
    conditions: list[tuple[str, Any, int, str | None]] = []
    section_of_question: dict[str, int] = {}
    for s_index, section in enumerate(sections):
        place = f"sections[{s_index}]"
        if not isinstance(section, dict):
            check.error(place, _("must be an object"))
            continue
        check.keys(section, SECTION_KEYS, place)
        code = section.get("code")
        if check.code(code, f"{place}.code", pattern=CODE, rule=CODE_RULE, model=Section):
            if code in section_codes:
                check.error(
                    f"{place}.code",
                    _('duplicate section code "%(code)s" (also at %(place)s)')
                    % {"code": code, "place": section_codes[code]},
                )
            else:
                section_codes[code] = place
        check.texts(section, "title", place, required=True, model=Section)
        check.texts(section, "intro", place, required=False, model=Section)
        conditions.append((place, section.get("show_if"), s_index, None))
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            check.error(f"{place}.questions", _("must be a non-empty list"))
            continue
        for q_index, question in enumerate(questions):
            q_place = f"{place}.questions[{q_index}]"
            if not isinstance(question, dict):
                check.error(q_place, _("must be an object"))
                continue
            check.keys(question, QUESTION_KEYS, q_place)
            q_code = question.get("code")
            if not check.code(q_code, f"{q_place}.code", pattern=CODE, rule=CODE_RULE, model=Question):
                q_code = None
            elif q_code in question_codes:
                check.error(
                    f"{q_place}.code",
                    _('duplicate question code "%(code)s" (also at %(place)s)')
                    % {"code": q_code, "place": question_codes[q_code]},
                )
            else:
                question_codes[q_code] = q_place
                section_of_question[q_code] = s_index
            kind = question.get("kind")
            if not isinstance(kind, str) or kind not in QuestionKind.values:
                check.error(
                    f"{q_place}.kind",
                    _("unknown kind %(kind)s; use one of %(kinds)s")
                    % {"kind": repr(kind), "kinds": ", ".join(QuestionKind.values)},
                )
                kind = None
            if not isinstance(question.get("required", True), bool):
                check.error(f"{q_place}.required", _("must be true or false"))
            check.texts(question, "text", q_place, required=True, model=Question)
            check.texts(question, "help", q_place, required=False, model=Question)
            for key in ("max_choices", "max_length"):
                check.integer(question, key, q_place, minimum=1, model=Question)
            for key in ("min_value", "max_value"):
                check.integer(question, key, q_place, model=Question)
            if question.get("max_choices") is not None and kind != QuestionKind.MULTIPLE_CHOICE:
                check.error(f"{q_place}.max_choices", _("only multiple-choice questions have a maximum"))
            if question.get("max_length") is not None and kind != QuestionKind.TEXT:
                check.error(f"{q_place}.max_length", _("only free-text questions have a maximum length"))
            low, high = question.get("min_value"), question.get("max_value")
            if isinstance(low, int) and isinstance(high, int) and low > high:
                check.error(f"{q_place}.max_value", _("is smaller than min_value"))
            conditions.append((q_place, question.get("show_if"), s_index, q_code))
            options = question.get("options", [])
            if not isinstance(options, list):
                check.error(f"{q_place}.options", _("must be a list"))
                continue
            if kind in QuestionKind.with_options() and not options:
                message = _("a question of the kind %(kind)s needs options")
                check.error(f"{q_place}.options", message % {"kind": _kind_name(kind)})
            if kind in {QuestionKind.NUMBER, QuestionKind.TEXT} and options:
                message = _("a question of the kind %(kind)s has no options")
                check.error(f"{q_place}.options", message % {"kind": _kind_name(kind)})
            seen: dict[str, str] = {}
            for o_index, option in enumerate(options):
                o_place = f"{q_place}.options[{o_index}]"
                if not isinstance(option, dict):
                    check.error(o_place, _("must be an object"))
                    continue
                o_code = option.get("code")
                if not check.code(o_code, f"{o_place}.code", pattern=OPTION_CODE, rule=OPTION_CODE_RULE, model=Option):
                    pass
                elif o_code in seen:
                    check.error(
                        f"{o_place}.code",
                        _('duplicate option code "%(code)s" (also at %(place)s)')
                        % {"code": o_code, "place": seen[o_code]},
                    )
                else:
                    seen[o_code] = o_place
                    if q_code:
                        option_refs[f"{q_code}.{o_code}"] = q_code
                check.texts(option, "label", o_place, required=True, model=Option)
                check.keys(option, OPTION_KEYS, o_place)
                check.score(option, o_place)
                if not isinstance(option.get("exclusive", False), bool):
                    check.error(f"{o_place}.exclusive", _("must be true or false"))

    for place, condition, s_index, on_question in conditions:
        if condition is None:
            continue
        if (
            not isinstance(condition, dict)
            or not isinstance(condition.get("mode"), str)
            or (condition["mode"] not in ConditionMode.values)
        ):
            check.error(f"{place}.show_if", _('must be null or {"mode": "any" or "none", "options": [...]}'))
            continue
        check.keys(condition, CONDITION_KEYS, f"{place}.show_if")
        refs = condition.get("options")
        if not isinstance(refs, list) or not refs:
            check.error(f"{place}.show_if.options", _("must be a non-empty list"))
            continue
        for ref in refs:
            if not isinstance(ref, str) or ref not in option_refs:
                check.error(
                    f"{place}.show_if.options",
                    _('unknown option "%(option)s" (write question.option)') % {"option": ref},
                )
                continue
            # A page is decided when it is shown: its display conditions can only depend on
            # answers given on earlier pages (sections), never on the same or a later one.
            source = option_refs[ref]
            if section_of_question[source] >= s_index:
                same = section_of_question[source] == s_index
                if on_question and same:
                    message = _(
                        'question "%(shown)s" depends on question "%(source)s", which is on the same page; '
                        "a display condition can only use answers from earlier sections"
                    )
                elif on_question:
                    message = _(
                        'question "%(shown)s" depends on question "%(source)s", which is on a later page; '
                        "a display condition can only use answers from earlier sections"
                    )
                elif same:
                    message = _(
                        'section "%(shown)s" depends on question "%(source)s", which is on the same page; '
                        "a display condition can only use answers from earlier sections"
                    )
                else:
                    message = _(
                        'section "%(shown)s" depends on question "%(source)s", which is on a later page; '
                        "a display condition can only use answers from earlier sections"
                    )
                shown = on_question or sections[s_index].get("code")
                check.error(f"{place}.show_if.options", message % {"shown": shown, "source": source})

    if check.problems:
        raise check.refuse()


def _texts(data: dict, key: str, base: str) -> dict[str, str]:
    values = data.get(key) or {}
    return {f"{base}_{language}": values.get(language, "") or "" for language in LANGUAGES}


@transaction.atomic
def import_questionset(data: dict, *, status: str | None = None) -> QuestionSet:
    """Create a question set from parsed file data.

    The version comes from the file; if that version exists, the data must be identical (a
    repeated import changes nothing), or differ only in texts an admin has corrected since
    (each recorded as a ``WordingChange`` from the file's text: the corrections are kept),
    or the import is refused: a stored version is never overwritten. The status is not
    content: a stored draft is published when the file (or ``status``) says published, and
    a version published since its file was loaded as a draft stays as it is. With no
    version in the file, the next free number is used (``next_version``; refused when the
    column cannot store it).
    """
    validate_questionset_data(data)
    slug = data["slug"]
    version = data.get("version")
    target = status or data.get("status", QuestionSetStatus.DRAFT)
    existing = QuestionSet.objects.filter(slug=slug, version=version).first() if version else None
    if existing is not None:
        stored = export_questionset_data(existing)
        incoming = normalise(data) | {"status": stored["status"]}
        if stored == incoming or _only_recorded_wording_changes(existing, stored, incoming):
            if existing.is_draft and target == QuestionSetStatus.PUBLISHED:
                publish(existing)
            return existing
        raise QuestionSetFileError(
            [f"(file).version: {slug} version {version} already exists with other content; give the file a new version"]
        )
    if version is None:
        version = next_version(slug)

    question_set = QuestionSet.objects.create(
        slug=slug, version=version, **_texts(data, "title", "title"), **_texts(data, "intro", "intro")
    )
    options_by_ref: dict[str, Option] = {}
    pending_conditions: list[tuple[Section | Question, dict]] = []
    for s_position, s_data in enumerate(data["sections"], start=1):
        section = Section.objects.create(
            question_set=question_set,
            code=s_data["code"],
            position=s_position,
            show_if_mode=(s_data.get("show_if") or {}).get("mode", ConditionMode.ANY),
            **_texts(s_data, "title", "title"),
            **_texts(s_data, "intro", "intro"),
        )
        if s_data.get("show_if"):
            pending_conditions.append((section, s_data["show_if"]))
        for q_position, q_data in enumerate(s_data["questions"], start=1):
            question = Question.objects.create(
                section=section,
                code=q_data["code"],
                position=q_position,
                kind=q_data["kind"],
                required=q_data.get("required", True),
                max_choices=q_data.get("max_choices"),
                min_value=q_data.get("min_value"),
                max_value=q_data.get("max_value"),
                max_length=q_data.get("max_length"),
                show_if_mode=(q_data.get("show_if") or {}).get("mode", ConditionMode.ANY),
                **_texts(q_data, "text", "text"),
                **_texts(q_data, "help", "help"),
            )
            if q_data.get("show_if"):
                pending_conditions.append((question, q_data["show_if"]))
            for o_position, o_data in enumerate(q_data.get("options", []), start=1):
                option = Option.objects.create(
                    question=question,
                    code=o_data["code"],
                    position=o_position,
                    score=None if o_data.get("score") is None else Decimal(str(o_data["score"])),
                    exclusive=o_data.get("exclusive", False),
                    **_texts(o_data, "label", "label"),
                )
                options_by_ref[f"{question.code}.{option.code}"] = option
    for item, condition in pending_conditions:
        item.show_if_options.set([options_by_ref[ref] for ref in condition["options"]])

    if target == QuestionSetStatus.PUBLISHED:
        publish(question_set)
    return question_set


def _texts_and_structure(data: Any, path: str = "") -> tuple[Any, list[tuple[str, str]]]:
    """``data`` with every translated text blanked, and the (field, text) pairs blanked."""
    if isinstance(data, dict):
        if data and set(data) <= set(LANGUAGES) and all(isinstance(v, str) for v in data.values()):
            return dict.fromkeys(data, ""), [(f"{path}_{key}", value) for key, value in data.items()]
        texts: list[tuple[str, str]] = []
        blanked = {}
        for key, value in data.items():
            blanked[key], found = _texts_and_structure(value, key)
            texts += found
        return blanked, texts
    if isinstance(data, list):
        texts = []
        blanked_list = []
        for value in data:
            blanked, found = _texts_and_structure(value, path)
            blanked_list.append(blanked)
            texts += found
        return blanked_list, texts
    return data, []


def _only_recorded_wording_changes(existing: QuestionSet, stored: dict, incoming: dict) -> bool:
    """Whether ``incoming`` (a normalised file) differs from the ``stored`` version only in
    texts that an admin corrected after publishing, each correction recorded as a
    ``WordingChange`` whose old text is the file's."""
    stored_structure, stored_texts = _texts_and_structure(stored)
    incoming_structure, incoming_texts = _texts_and_structure(incoming)
    if stored_structure != incoming_structure or len(stored_texts) != len(incoming_texts):
        return False
    recorded = set(existing.wording_changes.values_list("field", "old_text"))
    return all(
        (field_name, text) in recorded
        for (field_name, text), (_same, now) in zip(incoming_texts, stored_texts, strict=True)
        if text != now
    )


def load_questionset_file(path) -> dict:
    """The parsed JSON of a question-set file (UTF-8, with or without a byte-order mark).
    Raises QuestionSetFileError for a file that cannot be read, is not UTF-8 or not JSON."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle, object_pairs_hook=_object)
    except UnicodeDecodeError as exc:
        raise QuestionSetFileError(
            [f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at position {exc.start}); save it as UTF-8"]
        ) from exc
    except json.JSONDecodeError as exc:
        raise QuestionSetFileError([f"line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from exc
    except ValueError as exc:  # a number of more than 4,300 digits
        raise QuestionSetFileError([f"{path}: not a question set: {exc}"]) from exc
    except RecursionError as exc:
        raise QuestionSetFileError([f"{path}: not a question set: lists or objects nested too deep"]) from exc
    except OSError as exc:
        raise QuestionSetFileError([f"{path}: {exc.strerror}"]) from exc
    if not isinstance(data, dict):
        raise QuestionSetFileError(["(file): must be a JSON object"])
    problems = [
        f"{where}: contains the invisible control character {character}; remove it"
        for where, character in _disallowed_characters(data, "(file)")
    ]
    problems += [
        f'{where}: the key "{key}" is given {times} times; keep one'
        for where, key, times in _repeated_keys(data, "(file)")
    ]
    if problems:
        raise QuestionSetFileError(problems)
    return data


class _RepeatedKeys(dict):
    """A JSON object that had keys more than once (``json`` would silently keep the last)."""

    repeated: dict[str, int]


def _object(pairs: list[tuple[str, Any]]) -> dict:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    marked = _RepeatedKeys(found)
    marked.repeated = {key: times for key, times in Counter(key for key, _ in pairs).items() if times > 1}
    return marked


def _repeated_keys(value, where: str):
    """``(place, key, times)`` for every key given more than once in one object, named as
    ``validate_questionset_data`` names places (``sections[0].questions[1]``)."""
    if isinstance(value, dict):
        for key, times in getattr(value, "repeated", {}).items():
            yield where, key, times
        for key, item in value.items():
            yield from _repeated_keys(item, key if where == "(file)" else f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _repeated_keys(item, f"{where}[{index}]")


def _disallowed_characters(value, where: str):
    """``(path, "U+000B")`` for every string (key or value) in parsed JSON holding a character
    :mod:`surveys.characters` disallows (a ``\\u000b`` escape decodes to one)."""
    if isinstance(value, str):
        found = first_disallowed(value)
        if found:
            yield where, found
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _disallowed_characters(key, where)
            yield from _disallowed_characters(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _disallowed_characters(item, f"{where}[{index}]")


class PublishRefused(QuestionSetFileError):
    """Publishing was refused; ``errors`` says why, each naming what is wrong. A kind of
    ``QuestionSetFileError``, so an import that publishes reports it like any file error."""


#: What each key of the file is called where a place is named for the admin (``describe_place``).
PLACE_WORDS = {
    "slug": gettext_lazy("slug"),
    "version": gettext_lazy("version"),
    "status": gettext_lazy("status"),
    "title": gettext_lazy("title"),
    "intro": gettext_lazy("introduction"),
    "sections": gettext_lazy("sections"),
    "questions": gettext_lazy("questions"),
    "code": gettext_lazy("code"),
    "kind": gettext_lazy("kind of question"),
    "required": gettext_lazy("required"),
    "text": gettext_lazy("question text"),
    "help": gettext_lazy("help text"),
    "max_choices": gettext_lazy("maximum number of choices"),
    "min_value": gettext_lazy("lowest value"),
    "max_value": gettext_lazy("highest value"),
    "max_length": gettext_lazy("maximum length"),
    "show_if": gettext_lazy("display condition"),
    "mode": gettext_lazy("display condition"),
    "options": gettext_lazy("options"),
    "label": gettext_lazy("label"),
    "score": gettext_lazy("score"),
    "exclusive": gettext_lazy("exclusive"),
    "nb": pgettext_lazy("a text's language, inside a sentence", "bokmål"),
    "nn": pgettext_lazy("a text's language, inside a sentence", "nynorsk"),
    "en": pgettext_lazy("a text's language, inside a sentence", "English"),
}
_PLACE_PART = re.compile(r"(\w+)(?:\[(\d+)\])?")


def describe_place(place: str, data: dict) -> str:
    """A checker's place in a question set's file ("sections[2].questions[0].show_if.options")
    in the admin's words, with the codes the admin gave ("Section 3 (culture), question 1
    (new_ideas), display condition"); numbers count from 1, in the order the admin sees.
    ``data`` is the set as ``export_questionset_data`` gives it. A part it does not know is
    named as it stands."""
    words: list[str] = []
    node: Any = data
    parts = _PLACE_PART.findall(place.removeprefix("(file)"))
    for number, (name, index) in enumerate(parts):
        if index and name in ("sections", "questions", "options"):
            items = node.get(name) if isinstance(node, dict) else None
            position = int(index)
            item = items[position] if isinstance(items, list) and position < len(items) else None
            node = item if isinstance(item, dict) else {}
            template = {"sections": _("section %(number)s"), "questions": _("question %(number)s"),
                        "options": _("option %(number)s")}[name]  # fmt: skip
            word = template % {"number": position + 1}
            code = node.get("code")
            words.append(f"{word} ({code})" if isinstance(code, str) and code else word)
        elif name == "options" and number and parts[number - 1][0] == "show_if":
            continue  # a display condition's options are the condition
        else:
            words.append(str(PLACE_WORDS.get(name, name)))
    text = ", ".join(words) if words else _("the question set")
    return text[:1].upper() + text[1:]


def set_name(question_set: QuestionSet) -> str:
    """A question set named in a sentence: "innovasjonsbarometeret, version 2" (its own
    ``str`` ends in its status in brackets)."""
    return _("%(slug)s, version %(version)s") % {"slug": question_set.slug, "version": question_set.version}


def foreign_condition_problems(question_set: QuestionSet, data: dict) -> list[str]:
    """Every display condition of ``question_set`` that uses an option of another set (the
    same codes, another version), which no respondent of this set can choose: the item
    would never be shown. Each problem names its place as the admin sees it
    (``describe_place`` on ``data``, the set as ``export_questionset_data`` gives it)."""
    sections = {section["code"]: index for index, section in enumerate(data["sections"])}
    questions = {
        question["code"]: (s_index, q_index)
        for s_index, section in enumerate(data["sections"])
        for q_index, question in enumerate(section["questions"])
    }
    found = []
    for row in (
        Section.show_if_options.through.objects.filter(section__question_set=question_set)
        .exclude(option__question__question_set=question_set)
        .select_related("section", "option__question__question_set")
    ):
        found.append((f"sections[{sections[row.section.code]}].show_if", row.option))
    for row in (
        Question.show_if_options.through.objects.filter(question__question_set=question_set)
        .exclude(option__question__question_set=question_set)
        .select_related("question", "option__question__question_set")
    ):
        s_index, q_index = questions[row.question.code]
        found.append((f"sections[{s_index}].questions[{q_index}].show_if", row.option))
    reason = _(
        "the option “%(option)s” is from another question set (%(other)s), so no one answering this one can choose it"
    )
    return [
        f"{describe_place(place, data)}: "
        + reason % {"option": f"{option.question.code}.{option.code}", "other": set_name(option.question.question_set)}
        for place, option in sorted(found, key=lambda item: [int(n) for n in re.findall(r"\d+", item[0])])
    ]


def previous_version(question_set: QuestionSet) -> QuestionSet | None:
    """The latest published or retired version of the same set before this one, or None."""
    return (
        QuestionSet.objects.filter(slug=question_set.slug, version__lt=question_set.version)
        .exclude(status=QuestionSetStatus.DRAFT)
        .order_by("-version")
        .first()
    )


def publish(question_set: QuestionSet) -> QuestionSet:
    """Publish a draft; from now on its structure is frozen.

    Raises ``PublishRefused`` when the structure is not valid (for example a display
    condition on a question of the same page, built in the admin; each reason in the
    active language, its place named as the admin sees it: ``describe_place``) or when a
    receiver of
    ``surveys.signals.question_set_publishing`` objects (the barometer refuses a version
    that drops a question or option code an active indicator names).
    """
    if question_set.status != QuestionSetStatus.DRAFT:
        return question_set
    data = export_questionset_data(question_set)
    # Before the file's rules: an option of another version has the same codes, so the
    # exported structure reads as if it were this set's own.
    foreign = foreign_condition_problems(question_set, data)
    if foreign:
        raise PublishRefused(foreign)
    try:
        validate_questionset_data(data)
    except QuestionSetFileError as exc:
        # Built in the admin, not read from a file: no file's paths in the reasons.
        errors = [f"{describe_place(place, data)}: {reason}" for place, reason in exc.problems]
        raise PublishRefused(errors or exc.errors) from exc
    from ..signals import question_set_publishing

    previous = previous_version(question_set)
    errors: list[str] = []
    for _receiver, found in question_set_publishing.send(
        sender=QuestionSet,
        question_set=question_set,
        structure=data,
        previous_structure=export_questionset_data(previous) if previous else None,
    ):
        errors.extend(found or [])
    if errors:
        raise PublishRefused(errors)
    question_set.status = QuestionSetStatus.PUBLISHED
    question_set.published_at = timezone.now()
    question_set.save()
    return question_set


def _score(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _export_texts(obj, base: str) -> dict[str, str]:
    return {language: getattr(obj, f"{base}_{language}") for language in LANGUAGES}


def _export_condition(item) -> dict | None:
    # Options in questionnaire order, so an export reads like the questionnaire.
    options = sorted(
        item.show_if_options.all(),
        key=lambda o: (o.question.section.position, o.question.position, o.position),
    )
    if not options:
        return None
    return {"mode": item.show_if_mode, "options": [f"{o.question.code}.{o.code}" for o in options]}


def full_questionset(question_set_id: int) -> QuestionSet:
    """A question set with every section, question, option and condition prefetched."""
    condition_options = Prefetch("show_if_options", queryset=Option.objects.select_related("question__section"))
    return QuestionSet.objects.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position").prefetch_related(condition_options)),
        Prefetch(
            "sections__questions",
            queryset=Question.objects.order_by("position").prefetch_related(condition_options),
        ),
        Prefetch("sections__questions__options", queryset=Option.objects.order_by("position")),
    ).get(pk=question_set_id)


def export_questionset_data(question_set: QuestionSet) -> dict:
    question_set = full_questionset(question_set.pk)
    return {
        "slug": question_set.slug,
        "version": question_set.version,
        "status": QuestionSetStatus.PUBLISHED if not question_set.is_draft else QuestionSetStatus.DRAFT,
        "title": _export_texts(question_set, "title"),
        "intro": _export_texts(question_set, "intro"),
        "sections": [
            {
                "code": section.code,
                "title": _export_texts(section, "title"),
                "intro": _export_texts(section, "intro"),
                "show_if": _export_condition(section),
                "questions": [
                    {
                        "code": question.code,
                        "kind": question.kind,
                        "required": question.required,
                        "text": _export_texts(question, "text"),
                        "help": _export_texts(question, "help"),
                        "max_choices": question.max_choices,
                        "min_value": question.min_value,
                        "max_value": question.max_value,
                        "max_length": question.max_length,
                        "show_if": _export_condition(question),
                        "options": [
                            {
                                "code": option.code,
                                "label": _export_texts(option, "label"),
                                "score": _score(option.score),
                                "exclusive": option.exclusive,
                            }
                            for option in question.options.all()
                        ],
                    }
                    for question in section.questions.all()
                ],
            }
            for section in question_set.sections.all()
        ],
    }


def normalise(data: dict) -> dict:
    """File data in the exact shape ``export_questionset_data`` produces, for comparison."""
    order = {
        f"{q['code']}.{o['code']}": index
        for index, (q, o) in enumerate(
            (q, o) for s in data["sections"] for q in s["questions"] for o in q.get("options", [])
        )
    }

    def condition(value):
        if not value:
            return None
        return {"mode": value["mode"], "options": sorted(value["options"], key=order.__getitem__)}

    def texts(value):
        value = value or {}
        return {language: value.get(language, "") or "" for language in LANGUAGES}

    return {
        "slug": data["slug"],
        "version": data.get("version"),
        "status": data.get("status", QuestionSetStatus.DRAFT),
        "title": texts(data.get("title")),
        "intro": texts(data.get("intro")),
        "sections": [
            {
                "code": s["code"],
                "title": texts(s.get("title")),
                "intro": texts(s.get("intro")),
                "show_if": condition(s.get("show_if")),
                "questions": [
                    {
                        "code": q["code"],
                        "kind": q["kind"],
                        "required": q.get("required", True),
                        "text": texts(q.get("text")),
                        "help": texts(q.get("help")),
                        "max_choices": q.get("max_choices"),
                        "min_value": q.get("min_value"),
                        "max_value": q.get("max_value"),
                        "max_length": q.get("max_length"),
                        "show_if": condition(q.get("show_if")),
                        "options": [
                            {
                                "code": o["code"],
                                "label": texts(o.get("label")),
                                "score": o.get("score"),
                                "exclusive": o.get("exclusive", False),
                            }
                            for o in q.get("options", [])
                        ],
                    }
                    for q in s["questions"]
                ],
            }
            for s in data["sections"]
        ],
    }


def dump_questionset(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def next_version(slug: str) -> int:
    """The version after the newest of the set ``slug`` (1 for a new set). Raises
    ``QuestionSetFileError`` when that number is more than the version column stores: it
    follows from an admin's number, which may be the largest the column holds."""
    latest = QuestionSet.objects.filter(slug=slug).aggregate(Max("version"))["version__max"] or 0
    problems = column_problems(QuestionSet, [("version", "(file).version", latest + 1)])
    if problems:
        # For the admin, in its language (``problems``); the import command's are English.
        reason = _(
            "there is no version after %(slug)s version %(version)s: the version number %(next)s is larger than "
            "the largest that can be stored (%(largest)s)"
        ) % {
            "slug": slug,
            "version": latest,
            "next": latest + 1,
            "largest": stored_range(QuestionSet._meta.get_field("version"))[1],
        }
        raise QuestionSetFileError(
            [
                f"{place}: the version after {slug} version {latest} cannot be stored: {reason}"
                for place, reason in problems
            ],
            [(place, reason) for place, _reason in problems],
        )
    return latest + 1


@transaction.atomic
def new_version(question_set: QuestionSet) -> QuestionSet:
    """Copy a question set, with every text and condition, to a new draft version. Raises
    ``QuestionSetFileError`` when there is no next version (see ``next_version``) or the
    stored set is not one a file could hold."""
    data = export_questionset_data(question_set)
    data["version"] = next_version(question_set.slug)
    data["status"] = QuestionSetStatus.DRAFT
    return import_questionset(data)


@dataclass(frozen=True)
class StructureChange:
    """One difference in structure between two versions of a question set.

    ``kind`` is one of ``question_added``, ``question_removed``, ``question_renamed``,
    ``option_added``, ``option_removed``, ``option_renamed``, ``condition_changed`` and
    ``section_condition_changed``; ``question`` is the question's code in the new version
    (in the old one when removed; the section's code for a section's condition),
    ``old`` and ``new`` the codes or conditions before and after ("" when not applicable).
    """

    kind: str
    question: str
    old: str = ""
    new: str = ""


def _condition_text(condition: dict | None) -> str:
    if not condition:
        return ""
    return f"{condition['mode']}: {', '.join(condition['options'])}"


def _renames(old: list[tuple[str, tuple]], new: list[tuple[str, tuple]]) -> dict[str, str]:
    """Old code -> new code for items that left and arrived at the same place (a rename)."""
    new_codes = {code for code, _place in new}
    old_codes = {code for code, _place in old}
    gone = {place: code for code, place in old if code not in new_codes}
    came = {place: code for code, place in new if code not in old_codes}
    return {gone[place]: came[place] for place in gone.keys() & came.keys()}


def structure_diff(old: dict, new: dict) -> list[StructureChange]:
    """What changed in structure from ``old`` to ``new`` (both as ``export_questionset_data``
    gives them): questions and options added, removed or renamed (a code that left and
    another that arrived at the same place), and changed display conditions. Texts are not
    compared. Pure: no database access."""

    def questions(data: dict) -> dict[str, tuple[dict, dict]]:
        return {q["code"]: (q, s) for s in data["sections"] for q in s["questions"]}

    old_questions, new_questions = questions(old), questions(new)
    # A question's place is its section and its position in it.
    places = {
        name: [
            (q["code"], (s["code"], position)) for s in data["sections"] for position, q in enumerate(s["questions"])
        ]
        for name, data in (("old", old), ("new", new))
    }
    renamed = _renames(places["old"], places["new"])
    changes: list[StructureChange] = []
    matched = {code: code for code in old_questions if code in new_questions} | renamed
    for code in old_questions:
        if code not in matched:
            changes.append(StructureChange("question_removed", code, old=code))
    for old_code, new_code in renamed.items():
        changes.append(StructureChange("question_renamed", new_code, old=old_code, new=new_code))
    for code in new_questions:
        if code not in matched.values():
            changes.append(StructureChange("question_added", code, new=code))
    for old_code, new_code in matched.items():
        old_q = old_questions[old_code][0]
        new_q = new_questions[new_code][0]
        old_options = [(o["code"], (i,)) for i, o in enumerate(old_q.get("options", []))]
        new_options = [(o["code"], (i,)) for i, o in enumerate(new_q.get("options", []))]
        option_renames = _renames(old_options, new_options)
        old_option_codes = {code for code, _ in old_options}
        new_option_codes = {code for code, _ in new_options}
        for code, _place in old_options:
            if code not in new_option_codes and code not in option_renames:
                changes.append(StructureChange("option_removed", new_code, old=code))
        for old_option, new_option in option_renames.items():
            changes.append(StructureChange("option_renamed", new_code, old=old_option, new=new_option))
        for code, _place in new_options:
            if code not in old_option_codes and code not in option_renames.values():
                changes.append(StructureChange("option_added", new_code, new=code))
        old_text, new_text = _condition_text(old_q.get("show_if")), _condition_text(new_q.get("show_if"))
        if old_text != new_text:
            changes.append(StructureChange("condition_changed", new_code, old=old_text, new=new_text))
    old_sections = {s["code"]: s for s in old["sections"]}
    for section in new["sections"]:
        if section["code"] in old_sections:
            old_text = _condition_text(old_sections[section["code"]].get("show_if"))
            new_text = _condition_text(section.get("show_if"))
            if old_text != new_text:
                changes.append(
                    StructureChange("section_condition_changed", section["code"], old=old_text, new=new_text)
                )
    return changes
