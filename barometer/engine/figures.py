"""The front door for a round's figures: ``RoundFigures``.

Every page, chart, file and command that shows a figure of a round reads it here, and
nowhere else are figures weighted or suppressed. For one round, ``RoundFigures``

1. resolves the active indicators (and any extra specs a report needs) against the
   round's question set;
2. counts them once, in one query, cached under the round's figures version
   (``barometer.engine.cache``);
3. weights the cells to the round's population (``barometer.engine.weighting``) unless the
   reader asked for unweighted figures or the round has no population;
4. estimates every group asked for (``group``: a ``Filter``), and
5. hides small groups through one ``SuppressionPolicy`` (``barometer.engine.suppression``;
   pass another one to replace the rule), and
6. labels each ``Figure`` with its base (whom the share is of), its weighting, n and
   Kish's effective n.

For audits ``unsuppressed`` gives a group's figures before suppression, with the counts
behind each (``FigureCounts``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from barometer.engine.cache import cached
from barometer.engine.counting import Cell, CellTable, cell_table
from barometer.engine.groups import Filter
from barometer.engine.indicators import INDEX, IndicatorSpec, OptionInfo
from barometer.engine.population import round_population
from barometer.engine.stats import Estimate, mean, share
from barometer.engine.suppression import GroupDecision, NoSuppression, SuppressionPolicy, ThresholdSuppression
from barometer.engine.weighting import (
    StratumNote,
    StratumRule,
    WeightedSums,
    Weighting,
    round_weighting,
    weighted_mean,
    weighted_share,
)
from barometer.models import Indicator, Population
from surveys.models import County, Option, Response, Round, RoundKind, WorkplaceType

# --- Bases: whom a share is of -----------------------------------------------------------

WORKPLACES, INNOVATORS, NON_INNOVATORS, SUBGROUP = "workplaces", "innovators", "non_innovators", "subgroup"


@dataclass(frozen=True)
class Base:
    """Whom a figure is about: ``kind`` is "workplaces", "innovators", "non_innovators" or
    "subgroup"; ``label`` names it in the active language ("workplaces with an innovation",
    "workplaces that answered at least 3 of the 5 statements")."""

    kind: str
    label: str


def indicator_base(indicator: Indicator, spec: IndicatorSpec) -> Base:
    """The base of an indicator: its population, narrowed to a named subgroup when an index
    needs a minimum number of answered statements."""
    population = str(Population(indicator.population).label) if indicator.population else _("all workplaces")
    if spec.rule == INDEX and spec.min_count > 1:
        # "workplaces that answered ...", not "all workplaces that answered ...": the subgroup
        # is not all of them, and after a group's name it reads "Vestland, among workplaces ...".
        of_whom = population if indicator.population not in (None, "", WORKPLACES) else _("workplaces")
        return Base(
            SUBGROUP,
            _("%(population)s that answered at least %(min)s of the %(count)s statements")
            % {"population": of_whom, "min": spec.min_count, "count": len(spec.question_codes)},
        )
    return Base(indicator.population or WORKPLACES, population)


# --- Resolving indicators ------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedIndicator:
    """An indicator (a model instance; unsaved for a report's own extra specs), its spec
    resolved against one question-set version, and its base."""

    indicator: Indicator
    spec: IndicatorSpec
    base: Base


def _options(question_set_id: int) -> list[OptionInfo]:
    return [
        OptionInfo(id=pk, question_code=code_q, code=code, score=None if score is None else float(score))
        for pk, code_q, code, score in Option.objects.filter(question__question_set_id=question_set_id).values_list(
            "pk", "question__code", "code", "score"
        )
    ]


def resolved_indicators(
    question_set_id: int, extra_specs: Mapping[str, Mapping] | None = None
) -> list[ResolvedIndicator]:
    """The active indicators resolved against a question-set version (two queries), then
    any ``extra_specs``: key -> {"rule", "question_codes", "option_codes", "min_count",
    "required", "excluded", "base": Base}. Indicators the version cannot answer are left out."""
    options = _options(question_set_id)
    resolved = []
    for indicator in Indicator.objects.for_reports():
        spec = IndicatorSpec.resolve(
            key=indicator.key,
            rule=indicator.rule,
            question_codes=list(indicator.question_codes),
            option_codes=list(indicator.option_codes or []),
            min_count=indicator.min_count,
            options=options,
        )
        if spec.is_resolvable:
            resolved.append(ResolvedIndicator(indicator, spec, indicator_base(indicator, spec)))
    for key, definition in (extra_specs or {}).items():
        spec = IndicatorSpec.resolve(
            key=key,
            rule=definition["rule"],
            question_codes=list(definition["question_codes"]),
            option_codes=list(definition.get("option_codes", [])),
            min_count=definition.get("min_count", 1),
            options=options,
            required=definition.get("required", []),
            excluded=definition.get("excluded", []),
        )
        if spec.is_resolvable:
            indicator = Indicator(key=key, rule=definition["rule"], name_nb=key)
            resolved.append(ResolvedIndicator(indicator, spec, definition["base"]))
    return resolved


def comparison_round(response: Response) -> Round | None:
    """An invited response is compared with its own round; a self-test with the latest
    national round that has closed (its fieldwork is over, so its figures are complete),
    else, while none has closed, with the latest one that has opened."""
    if response.round.kind == RoundKind.NATIONAL:
        return response.round
    now = timezone.now()
    national = Round.objects.filter(kind=RoundKind.NATIONAL, opens_at__lte=now).select_related("question_set")
    return national.filter(closes_at__lte=now).order_by("-closes_at").first() or national.order_by("-opens_at").first()


# --- Figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureCounts:
    """The counts behind one figure, before suppression (for audits only).

    ``n`` is the denominator (workplaces); for a share ``numerator`` is the workplaces
    counted, for a mean or an index the sum of the values and ``sum_of_squares`` the sum of
    their squares. ``weighted`` holds the weighted sums when the figure is weighted.
    """

    n: int
    numerator: float
    sum_of_squares: float | None
    weighted: WeightedSums | None


@dataclass(frozen=True)
class Figure:
    """One figure of one group: the estimate (hidden when ``suppressed``), whom it is of
    (``base``), whether it is weighted, and, for audits only, ``counts``.

    The estimate's attributes are repeated here (``value``, ``low``, ``high``, ``n``,
    ``effective_n``, ``shown``, ``suppressed``), so a ``Figure`` reads like an ``Estimate``.
    """

    key: str
    estimate: Estimate
    base: Base
    weighted: bool
    is_share: bool
    counts: FigureCounts | None = None

    value = property(lambda self: self.estimate.value)
    low = property(lambda self: self.estimate.low)
    high = property(lambda self: self.estimate.high)
    n = property(lambda self: self.estimate.n)
    suppressed = property(lambda self: self.estimate.suppressed)
    shown = property(lambda self: self.estimate.shown)

    @property
    def effective_n(self) -> float | None:
        """Kish's effective n, for a shown weighted figure only."""
        return self.estimate.effective_n if self.weighted and self.estimate.shown else None


@dataclass(frozen=True)
class GroupFigures:
    """A group's number of workplaces (None when hidden) and its figures by indicator key."""

    filter: Filter
    responses: int | None
    figures: dict[str, Figure] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Figure:
        return self.figures[key]

    def get(self, key: str, default=None) -> Figure | None:
        return self.figures.get(key, default)


@dataclass(frozen=True)
class NamedStratum:
    """A population stratum merged or left out by the weighting, with readable names."""

    workplace_type: str
    region: str
    workplaces: int
    left_out: bool


@dataclass(frozen=True)
class WeightingState:
    """How a round's figures are weighted: ``weighted`` (applied), ``available`` (the round
    has a population), its ``source`` ("table"/"invitations"), the strata merged or left
    out, and the share (0-1) of the population in left-out strata."""

    weighted: bool
    available: bool
    source: str | None
    strata: tuple[NamedStratum, ...] = ()
    left_out_share: float = 0.0

    @property
    def left_out(self) -> tuple[NamedStratum, ...]:
        return tuple(s for s in self.strata if s.left_out)

    @property
    def merged(self) -> tuple[NamedStratum, ...]:
        return tuple(s for s in self.strata if not s.left_out)


class RoundFigures:
    """Every figure of one round, weighted or not, with one suppression policy.

    ``weighted`` asks for figures weighted to the population (used when the round has
    one); ``extra_specs`` adds a report's own indicator specs (see ``resolved_indicators``);
    ``suppression`` replaces the default ``ThresholdSuppression`` from the settings;
    ``resolved`` passes indicators already resolved for the round's question set (a
    workplace report resolves them for its own answers anyway); ``min_stratum_respondents``
    replaces the settings' smallest weighting stratum and ``stratum_rule`` adds a condition
    every stratum must meet (publishing asks for the published rule, since a weight tells
    its stratum's size). Queries: two to resolve, one
    to count (none when cached), two for the population and regions.
    """

    def __init__(
        self,
        round_: Round,
        *,
        weighted: bool = True,
        extra_specs: Mapping[str, Mapping] | None = None,
        suppression: SuppressionPolicy | None = None,
        resolved: list[ResolvedIndicator] | None = None,
        min_stratum_respondents: int | None = None,
        stratum_rule: StratumRule | None = None,
    ):
        self.round = round_
        self.requested_weighting = weighted
        self.min_stratum_respondents = (
            settings.BAROMETER_MIN_STRATUM_RESPONDENTS if min_stratum_respondents is None else min_stratum_respondents
        )
        self.stratum_rule = stratum_rule
        self.extra_specs = extra_specs
        self.suppression = suppression if suppression is not None else ThresholdSuppression.from_settings()
        self._resolved = resolved
        self._groups: dict[Filter, GroupFigures] = {}

    # -- inputs --

    @cached_property
    def resolved(self) -> list[ResolvedIndicator]:
        """The indicators (and extra specs) of the round's question set, in report order."""
        if self._resolved is not None:
            return self._resolved
        return resolved_indicators(self.round.question_set_id, self.extra_specs)

    @cached_property
    def by_key(self) -> dict[str, ResolvedIndicator]:
        return {item.spec.key: item for item in self.resolved}

    @cached_property
    def table(self) -> CellTable:
        """The round's cell table: counted once per figures version (shared cache)."""
        specs = [item.spec for item in self.resolved]
        digest = hashlib.sha256(repr(specs).encode()).hexdigest()[:16]
        return cached(self.round.pk, "cells", (digest,), lambda: cell_table(self.round, specs))

    @cached_property
    def _population(self):
        return round_population(self.round)

    @cached_property
    def _regions(self) -> tuple[dict[str, str], dict[str, str]]:
        """Region code by county number, and region name by code (one query)."""
        rows = list(County.objects.values_list("number", "region__code", "region__name"))
        return {number: code for number, code, _name in rows}, {code: name for _n, code, name in rows}

    @cached_property
    def available_weighting(self) -> Weighting | None:
        """The round's weights, or None when it has no population to weight to."""
        if self._population is None:
            return None
        population, source = self._population
        return round_weighting(
            population,
            source,
            self.table,
            self._regions[0],
            dimensions=tuple(settings.BAROMETER_WEIGHTING_STRATA),
            min_respondents=self.min_stratum_respondents,
            acceptable=self.stratum_rule,
        )

    @property
    def weighting(self) -> Weighting | None:
        """The weights applied to this object's figures (None: unweighted)."""
        return self.available_weighting if self.requested_weighting else None

    @property
    def is_weighted(self) -> bool:
        return self.weighting is not None

    @cached_property
    def weighting_state(self) -> WeightingState:
        """How the figures are weighted, with the merged and left-out strata named."""
        weighting = self.available_weighting
        if weighting is None:
            return WeightingState(weighted=False, available=False, source=None)
        notes: list[StratumNote] = weighting.stratum_notes()
        strata = ()
        if notes:
            regions = self._regions[1]
            every = _("all regions")
            strata = tuple(
                NamedStratum(
                    str(WorkplaceType(note.stratum[0]).label) if note.stratum[0] in WorkplaceType.values else every,
                    regions.get(note.stratum[1], every),
                    note.workplaces,
                    note.left_out,
                )
                for note in notes
            )
        return WeightingState(
            weighted=self.is_weighted,
            available=True,
            source=weighting.population_source,
            strata=strata,
            left_out_share=weighting.left_out_share(),
        )

    # -- figures --

    def base(self, key: str) -> Base:
        return self.by_key[key].base

    def group(self, filter_: Filter) -> GroupFigures:
        """Every figure of the group, suppressed by the policy (live figures: the trusted
        tier's pages only; the public read ``barometer.engine.snapshots``)."""
        if filter_ not in self._groups:
            decision = self.suppression.decide(self.table, filter_)
            self._groups[filter_] = self._apply(self.unsuppressed(filter_), decision)
        return self._groups[filter_]

    def with_decision(self, filter_: Filter, decision: GroupDecision) -> GroupFigures:
        """The group's figures with a suppression decision made outside (for example from a
        published snapshot)."""
        return self._apply(self.unsuppressed(filter_), decision)

    def figure(self, key: str, filter_: Filter | None = None) -> Figure:
        """One indicator in one group (the whole round when ``filter_`` is None)."""
        return self.group(filter_ or Filter())[key]

    def unsuppressed(self, filter_: Filter) -> GroupFigures:
        """The group's figures before any suppression, each with its counts (audits only:
        never show these)."""
        responses, figures = self.unsuppressed_where(filter_.keep)
        return GroupFigures(filter_, responses, figures)

    def unsuppressed_where(self, keep: Callable[[Cell], bool]) -> tuple[int, dict[str, Figure]]:
        """The number of workplaces and every figure, unsuppressed, over the cells ``keep``
        accepts: for groups that are not a ``Filter`` (the disclosure package's fixed set).
        Audits and publishing only: never show these."""
        responses, sums = self.table.total(keep)
        weighted = self.weighting.sums(self.table, keep) if self.weighting is not None else None
        figures = {}
        for item in self.resolved:
            key = item.spec.key
            accumulators = sums.get(key, ())
            if weighted is not None:
                result = (weighted_share if item.spec.is_share else weighted_mean)(weighted[key])
            else:
                result = _estimate(item.spec, accumulators)
            counts = FigureCounts(
                n=int(accumulators[0]) if accumulators else 0,
                numerator=float(accumulators[1]) if accumulators else 0.0,
                sum_of_squares=float(accumulators[2]) if len(accumulators) > 2 else None,
                weighted=weighted[key] if weighted is not None else None,
            )
            figures[key] = Figure(key, result, item.base, weighted is not None, item.spec.is_share, counts)
        return responses, figures

    @staticmethod
    def _apply(raw: GroupFigures, decision: GroupDecision) -> GroupFigures:
        figures = {}
        for key, figure in raw.figures.items():
            reason = decision.indicators.get(key)
            estimate = figure.estimate.hidden(reason) if reason else figure.estimate
            figures[key] = Figure(key, estimate, figure.base, figure.weighted, figure.is_share)
        return GroupFigures(raw.filter, None if decision.group else raw.responses, figures)


def _estimate(spec: IndicatorSpec, accumulators: tuple[float, ...]) -> Estimate:
    if not accumulators:
        return Estimate(n=0, value=None, low=None, high=None)
    if spec.is_share:
        denominator, numerator = accumulators
        return share(int(numerator), int(denominator))
    n, total, total_of_squares = accumulators
    return mean(total, total_of_squares, int(n))


__all__ = [
    "Base",
    "Figure",
    "FigureCounts",
    "GroupFigures",
    "NamedStratum",
    "NoSuppression",
    "ResolvedIndicator",
    "RoundFigures",
    "WeightingState",
    "comparison_round",
    "indicator_base",
    "resolved_indicators",
]
