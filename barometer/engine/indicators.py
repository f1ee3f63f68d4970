"""Indicator definitions resolved against one question-set version, and the per-workplace
evaluation of an indicator. Pure: plain values in and out, no database access.

``IndicatorSpec.for_question_set`` turns the codes an indicator names into the option ids and
scores of one question-set version; the SQL layer (``barometer.engine.counting``) and the single
workplace evaluation below (``evaluate``) then apply the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from barometer.engine.stats import index_score

SHARE, MEAN, INDEX = "share", "mean", "index"


@dataclass(frozen=True)
class OptionInfo:
    id: int
    question_code: str
    code: str
    score: float | None


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    rule: str
    question_codes: tuple[str, ...]
    option_codes: tuple[str, ...]
    min_count: int
    # Resolved against a question set:
    answered_option_ids: frozenset[int]  # every option of the questions: "answered the question"
    counted_option_ids: frozenset[int]  # share: the options that count
    scores: Mapping[int, float]  # mean/index: score by option id (options without a score left out)
    scale_min: float = 0.0
    scale_max: float = 1.0
    # Optional subpopulation: responses that chose any of ``required`` and none of ``excluded``.
    required_option_ids: frozenset[int] = frozenset()
    excluded_option_ids: frozenset[int] = frozenset()

    @property
    def condition_option_ids(self) -> frozenset[int]:
        return self.required_option_ids | self.excluded_option_ids

    @property
    def is_share(self) -> bool:
        return self.rule == SHARE

    @classmethod
    def resolve(
        cls,
        *,
        key: str,
        rule: str,
        question_codes: list[str],
        option_codes: list[str],
        min_count: int,
        options: list[OptionInfo],
        required: list[str] = (),
        excluded: list[str] = (),
    ) -> IndicatorSpec:
        """Resolve codes against ``options`` (every option of a question set).

        ``required`` and ``excluded`` name options as "question.option": the indicator is
        then counted only among responses that chose any of ``required`` and none of
        ``excluded``.
        """
        mine = [o for o in options if o.question_code in question_codes]
        scores = {o.id: o.score for o in mine if o.score is not None}
        per_question: dict[str, list[float]] = {}
        for option in mine:
            if option.score is not None:
                per_question.setdefault(option.question_code, []).append(option.score)
        lows = [min(values) for values in per_question.values()]
        highs = [max(values) for values in per_question.values()]
        return cls(
            key=key,
            rule=rule,
            question_codes=tuple(question_codes),
            option_codes=tuple(option_codes),
            min_count=max(1, min_count),
            answered_option_ids=frozenset(o.id for o in mine),
            counted_option_ids=frozenset(o.id for o in mine if o.code in option_codes),
            scores=scores,
            scale_min=min(lows) if lows else 0.0,
            scale_max=max(highs) if highs else 1.0,
            required_option_ids=frozenset(o.id for o in options if f"{o.question_code}.{o.code}" in required),
            excluded_option_ids=frozenset(o.id for o in options if f"{o.question_code}.{o.code}" in excluded),
        )

    @property
    def is_resolvable(self) -> bool:
        """False when the question set lacks the indicator's questions (or counted options)."""
        if not self.answered_option_ids:
            return False
        return bool(self.counted_option_ids) if self.is_share else bool(self.scores)


@dataclass(frozen=True)
class OwnValue:
    """An indicator for one workplace: whether it is in the population, and its value
    (1.0/0.0 for a share, the score for a mean or an index)."""

    applies: bool
    value: float | None


def evaluate(spec: IndicatorSpec, chosen_option_ids: set[int]) -> OwnValue:
    """The indicator for one workplace, from the option ids it chose."""
    answered = chosen_option_ids & spec.answered_option_ids
    if not answered or not in_subpopulation(spec, chosen_option_ids):
        return OwnValue(applies=False, value=None)
    if spec.is_share:
        hits = len(chosen_option_ids & spec.counted_option_ids)
        return OwnValue(applies=True, value=1.0 if hits >= spec.min_count else 0.0)
    scores = [spec.scores[option_id] for option_id in answered if option_id in spec.scores]
    if spec.rule == INDEX:
        value = index_score(scores, spec.scale_min, spec.scale_max, spec.min_count)
    else:
        value = sum(scores) / len(scores) if scores else None
    return OwnValue(applies=value is not None, value=value)


def in_subpopulation(spec: IndicatorSpec, chosen_option_ids: set[int]) -> bool:
    if spec.required_option_ids and not chosen_option_ids & spec.required_option_ids:
        return False
    return not chosen_option_ids & spec.excluded_option_ids
