"""Indicator definitions resolved against one question-set version, and the per-workplace
evaluation of an indicator. Pure: plain values in and out, no database access.

``IndicatorSpec.for_question_set`` turns the codes an indicator names into the option ids and
scores of one question-set version; the SQL layer (``barometer.engine.counting``) and the single
workplace evaluation below (``evaluate``) then apply the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from barometer.engine.stats import index_score

SHARE, MEAN, INDEX = "share", "mean", "index"
#: Option codes of answers that are neither yes nor no: a workplace that chose one of them
#: did not say no, though a share counts it among the workplaces the measure does not hold for.
UNSURE_CODES = frozenset({"dont_know", "not_relevant"})


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
    # The questions' "don't know" and "not relevant" options, by id: their option code.
    unsure_option_codes: Mapping[int, str] = field(default_factory=dict)

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
            unsure_option_codes={o.id: o.code for o in mine if o.code in UNSURE_CODES},
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
    (1.0/0.0 for a share, the score for a mean or an index).

    ``unsure`` is the option code ("dont_know" or "not_relevant") of a share that is 0.0
    only because the workplace answered so: the figures count it as not holding (the
    barometer's shares are of everyone who answered), but the workplace did not say no, and
    its report must not say it did. Empty otherwise.

    ``rated`` counts a mean's or an index's questions answered with a rating, so a report can
    say why a workplace has no score ("3 of 5 were «Vet ikke»").
    """

    applies: bool
    value: float | None
    unsure: str = ""
    #: A mean or an index: how many of its questions the workplace answered with a scored
    #: option (a rating, not "don't know"); 0 for a share.
    rated: int = 0


def evaluate(spec: IndicatorSpec, chosen_option_ids: set[int]) -> OwnValue:
    """The indicator for one workplace, from the option ids it chose."""
    answered = chosen_option_ids & spec.answered_option_ids
    if not answered or not in_subpopulation(spec, chosen_option_ids):
        return OwnValue(applies=False, value=None)
    if spec.is_share:
        hits = len(chosen_option_ids & spec.counted_option_ids)
        if hits >= spec.min_count:
            return OwnValue(applies=True, value=1.0)
        unsure = sorted(spec.unsure_option_codes[option] for option in answered if option in spec.unsure_option_codes)
        return OwnValue(applies=True, value=0.0, unsure=unsure[0] if unsure else "")
    scores = [spec.scores[option_id] for option_id in answered if option_id in spec.scores]
    if spec.rule == INDEX:
        value = index_score(scores, spec.scale_min, spec.scale_max, spec.min_count)
    else:
        value = sum(scores) / len(scores) if scores else None
    return OwnValue(applies=value is not None, value=value, rated=len(scores))


def in_subpopulation(spec: IndicatorSpec, chosen_option_ids: set[int]) -> bool:
    if spec.required_option_ids and not chosen_option_ids & spec.required_option_ids:
        return False
    return not chosen_option_ids & spec.excluded_option_ids
