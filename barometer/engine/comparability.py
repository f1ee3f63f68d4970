"""Whether an indicator means the same in two versions of a question set.

An indicator counts options by code (``Indicator.question_codes`` and ``option_codes``). A
figure from one version can only be set against a figure from another when everything the
indicator depends on is identical in both: the questions it names, every option code of
those questions (the options it counts and those that make up its denominator), and the
display conditions that decide who sees each question (the question's own and its
section's). A renamed option code (``yes`` to ``ja``) or a new condition changes what is
counted, so the change since the previous round is then "not comparable".

Pure functions over question-set structures as ``surveys.services.questionsets.
export_questionset_data`` gives them (``{"sections": [{"show_if", "questions": [{"code",
"show_if", "options": [{"code"}]}]}]}``); no database access.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: What an indicator depends on in one question: (option codes in order, the question's
#: display condition, its section's display condition); None when the question is absent.
Dependency = tuple[tuple[str, ...], object, object] | None


def _questions(structure: dict) -> dict[str, tuple[dict, dict]]:
    return {q["code"]: (q, s) for s in structure.get("sections", []) for q in s.get("questions", [])}


def _condition(condition: dict | None) -> tuple | None:
    if not condition:
        return None
    return (condition.get("mode"), tuple(sorted(condition.get("options", []))))


def dependencies(question_codes: Sequence[str], structure: dict) -> dict[str, Dependency]:
    """For each question code: its option codes and the display conditions it is shown under."""
    found = _questions(structure)
    result: dict[str, Dependency] = {}
    for code in question_codes:
        if code not in found:
            result[code] = None
            continue
        question, section = found[code]
        options = tuple(option["code"] for option in question.get("options", []))
        result[code] = (options, _condition(question.get("show_if")), _condition(section.get("show_if")))
    return result


def is_comparable(question_codes: Sequence[str], before: dict, after: dict) -> bool:
    """Whether an indicator on ``question_codes`` counts the same thing in both structures:
    every question present in both, with identical option codes and display conditions."""
    old, new = dependencies(question_codes, before), dependencies(question_codes, after)
    return all(old[code] is not None and old[code] == new[code] for code in question_codes)


@dataclass(frozen=True)
class LostCode:
    """A code an indicator names that a new version no longer has (``option`` None: the question)."""

    question: str
    option: str | None = None


def lost_codes(
    question_codes: Sequence[str],
    option_codes: Sequence[str],
    after: dict,
    before: dict | None,
    option_refs: Sequence[str] = (),
) -> list[LostCode]:
    """The question and option codes an indicator names that ``before`` (the previous
    version) has and ``after`` lacks; [] for a first version (nothing can be lost).

    An option code is lost from a question that had it (an indicator's option codes need
    not exist in every one of its questions). ``option_refs`` are further options named as
    "question.option" (the subpopulation a finding is counted in).
    """
    if before is None:
        return []
    new, old = _questions(after), _questions(before)
    lost: list[LostCode] = []
    for code in question_codes:
        if code not in old:
            continue
        if code not in new:
            lost.append(LostCode(code))
            continue
        had = {option["code"] for option in old[code][0].get("options", [])}
        now = {option["code"] for option in new[code][0].get("options", [])}
        lost += [LostCode(code, option) for option in option_codes if option in had and option not in now]
    for ref in option_refs:
        code, _dot, option = ref.partition(".")
        had = {o["code"] for o in old[code][0].get("options", [])} if code in old else set()
        now = {o["code"] for o in new[code][0].get("options", [])} if code in new else set()
        if option in had and option not in now and LostCode(code, option) not in lost:
            lost.append(LostCode(code, option))
    return lost
