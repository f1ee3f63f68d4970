"""Benchmarks: indicators resolved for a round, counted once (and cached), then read for
the national total, peer groups and filters, with small groups hidden.

The cache key carries the round's data version, which the submit service bumps after each
commit, so a cached result is never stale and needs no explicit invalidation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import combinations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barometer.engine.counting import Cell, CellTable, cell_table
from barometer.engine.indicators import IndicatorSpec, OptionInfo
from barometer.engine.stats import Estimate, Suppressed, mean, share, suppress_group, suppress_partition
from barometer.engine.weighting import (
    ANY_REGION,
    Stratum,
    WeightedSums,
    Weights,
    post_stratification,
    weighted_mean,
    weighted_share,
)
from barometer.models import Indicator
from surveys.models import (
    SECTOR_OF_WORKPLACE_TYPE,
    County,
    Invitation,
    Option,
    PopulationCell,
    Response,
    Round,
    RoundKind,
    SizeClass,
    WorkplaceType,
)
from surveys.services.answering import data_version_key

CACHE_TIMEOUT = 60 * 60 * 24
# Part of every cache key: bump it whenever the shape of a cached object changes, so that
# servers running a new release never read what an old one stored.
CACHE_FORMAT = 3


def min_group_size() -> int:
    return int(getattr(settings, "BAROMETER_MIN_GROUP_SIZE", 5))


def data_version(round_id: int) -> int:
    return int(cache.get(data_version_key(round_id)) or 0)


REFERENCE_VERSION_KEY = "barometer:reference-data-version"


def reference_version() -> int:
    """Changes whenever indicators, reference figures or question texts change."""
    return int(cache.get(REFERENCE_VERSION_KEY) or 0)


def bump_reference_version() -> None:
    cache.add(REFERENCE_VERSION_KEY, 0, timeout=None)
    try:
        cache.incr(REFERENCE_VERSION_KEY)
    except ValueError:
        cache.set(REFERENCE_VERSION_KEY, 1, timeout=None)


@dataclass(frozen=True)
class ResolvedIndicator:
    indicator: Indicator
    spec: IndicatorSpec


def resolved_indicators(question_set_id: int) -> list[ResolvedIndicator]:
    """The active indicators, resolved against a question-set version (two queries)."""
    indicators = list(Indicator.objects.for_reports())
    options = [
        OptionInfo(id=row["pk"], question_code=row["question__code"], code=row["code"], score=_float(row["score"]))
        for row in Option.objects.filter(question__question_set_id=question_set_id).values(
            "pk", "question__code", "code", "score"
        )
    ]
    resolved = []
    for indicator in indicators:
        spec = IndicatorSpec.resolve(
            key=indicator.key,
            rule=indicator.rule,
            question_codes=list(indicator.question_codes),
            option_codes=list(indicator.option_codes or []),
            min_count=indicator.min_count,
            options=options,
        )
        if spec.is_resolvable:
            resolved.append(ResolvedIndicator(indicator, spec))
    return resolved


def _float(value) -> float | None:
    return None if value is None else float(value)


def _digest(specs: list[IndicatorSpec]) -> str:
    return hashlib.sha256(repr(specs).encode()).hexdigest()[:16]


def round_cells(round_: Round, specs: list[IndicatorSpec]) -> CellTable:
    """The round's cell table, from the shared cache when nothing has changed."""
    key = f"barometer:cells:v{CACHE_FORMAT}:{round_.pk}:{data_version(round_.pk)}:{_digest(specs)}"
    table = cache.get(key)
    if table is None:
        table = cell_table(round_, specs)
        cache.set(key, table, CACHE_TIMEOUT)
    return table


def estimate(spec: IndicatorSpec, accumulators: tuple[float, ...]) -> Estimate:
    if not accumulators:
        return Estimate(n=0, value=None, low=None, high=None)
    if spec.is_share:
        denominator, numerator = accumulators
        return share(int(numerator), int(denominator))
    n, total, total_of_squares = accumulators
    return mean(total, total_of_squares, int(n))


def denominator(spec: IndicatorSpec, accumulators: tuple[float, ...]) -> int:
    return int(accumulators[0]) if accumulators else 0


# --- Groups and filters ------------------------------------------------------------------

DIMENSIONS = ("sector", "workplace_type", "size_class", "centrality", "county", "employees_band")


@dataclass(frozen=True)
class Filter:
    """A group of workplaces: every cell matching all the given criteria."""

    sector: str | None = None
    workplace_type: str | None = None
    size_class: int | None = None
    centrality: int | None = None
    county: str | None = None  # county number
    employees_band: int | None = None

    def active(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in DIMENSIONS if getattr(self, name) not in (None, "")}

    def keep(self, cell: Cell) -> bool:
        return all(_value(cell, name) == value for name, value in self.active().items())

    def without(self, *names: str) -> Filter:
        return Filter(**{name: value for name, value in self.active().items() if name not in names})

    def coarser(self) -> list[Filter]:
        """Every filter a user could ask for with some of these criteria dropped."""
        active = list(self.active())
        return [self.without(*dropped) for size in range(1, len(active) + 1) for dropped in combinations(active, size)]


def _value(cell: Cell, dimension: str):
    if dimension == "sector":
        return SECTOR_OF_WORKPLACE_TYPE.get(cell.workplace_type)
    return getattr(cell, dimension)


def _hidden_in_partition(table: CellTable, filter_: Filter, dimension: str, index: int | None) -> bool:
    """Whether the breakdown of the coarser group by ``dimension`` hides this filter's part.

    Keeps every page consistent with the breakdown tables: a part hidden there for being
    derivable is hidden here too. ``index`` selects an indicator's denominator; None counts
    workplaces.
    """
    parent = filter_.without(dimension)
    sizes: dict[object, float] = {}
    for cell, (count, flat) in table.cells.items():
        if parent.keep(cell):
            part = _value(cell, dimension)
            sizes[part] = sizes.get(part, 0) + (count if index is None else flat[index])
    hidden = suppress_partition({k: int(v) for k, v in sizes.items()}, min_group_size())
    return filter_.active()[dimension] in hidden


def filtered_estimates(
    table: CellTable,
    resolved: list[ResolvedIndicator],
    filter_: Filter,
    *,
    viewer_inside: bool = False,
    weighting: Weighting | None = None,
) -> tuple[int | None, dict[str, Estimate]]:
    """The group's number of workplaces (None when hidden) and each indicator, hidden where
    the group is too small, where a coarser group differs from it by too few, or where a
    breakdown would hide it. A workplace viewing a group it is in needs enough others."""
    threshold = min_group_size()
    responses, sums = table.total(filter_.keep)
    coarser = [table.total(f.keep) for f in filter_.coarser()]
    offsets = table.offsets()

    def hidden(n: int, counts: list[int], index: int | None) -> Suppressed | None:
        if n == 0:
            return None
        reason = suppress_group(n, None, threshold, viewer_inside=viewer_inside)
        if reason:
            return reason
        if any(0 < count - n < threshold for count in counts):
            return Suppressed.COMPLEMENT
        if any(_hidden_in_partition(table, filter_, dimension, index) for dimension in filter_.active()):
            return Suppressed.COMPLEMENT
        return None

    weighted = weighting.sums(table, filter_.keep) if weighting is not None else None
    results = {}
    for item in resolved:
        key = item.spec.key
        accumulators = sums.get(key, ())
        if weighted is not None:
            result = (weighted_share if item.spec.is_share else weighted_mean)(weighted[key])
        else:
            result = estimate(item.spec, accumulators)
        n = int(accumulators[0]) if accumulators else 0
        counts = [int(other[key][0]) if other.get(key) else 0 for _count, other in coarser]
        reason = hidden(n, counts, offsets[key])
        results[key] = result.hidden(reason) if reason else result
    count_reason = hidden(responses, [count for count, _ in coarser], None)
    return (None if count_reason else responses), results


def peer_filters(
    *, workplace_type: str, size_class: int, centrality: int, county: County
) -> list[tuple[str, str, Filter]]:
    """The workplace's peer groups, each on its own (not their intersection): (kind, label, filter)."""
    return [
        ("workplace_type", str(WorkplaceType(workplace_type).label), Filter(workplace_type=workplace_type)),
        (
            "size_class",
            str(_("Municipalities with %(size)s") % {"size": SizeClass(size_class).label}),
            Filter(size_class=size_class),
        ),
        (
            "centrality",
            str(_("Centrality class %(centrality)s") % {"centrality": centrality}),
            Filter(centrality=centrality),
        ),
        ("county", county.name, Filter(county=county.number)),
    ]


# --- Weighting to the population --------------------------------------------------------


@dataclass(frozen=True)
class Weighting:
    """A round's post-stratification weights, applied to cells."""

    weights: Weights
    region_of_county: dict[str, str]
    dimensions: tuple[str, ...]
    population_source: str  # "table" or "invitations"

    def stratum(self, workplace_type: str, region: str) -> Stratum:
        return (
            workplace_type if "workplace_type" in self.dimensions else ANY_REGION,
            region if "region" in self.dimensions else ANY_REGION,
        )

    def cell_weight(self, cell: Cell) -> float:
        return self.weights.of(self.stratum(cell.workplace_type, self.region_of_county.get(cell.county, "")))

    def sums(self, table: CellTable, keep) -> dict[str, WeightedSums]:
        """Weighted sums per indicator over the cells ``keep`` accepts."""
        offsets, result = table.offsets(), {key: WeightedSums() for key in table.indicator_keys}
        for cell, (_count, flat) in table.cells.items():
            if not keep(cell):
                continue
            w = self.cell_weight(cell)
            for key, width in zip(table.indicator_keys, table.widths, strict=True):
                values = flat[offsets[key] : offsets[key] + width]
                if width == 2:
                    n, y = values[0], values[1]
                    part = WeightedSums(int(n), w * n, w * w * n, w * y, w * y)
                else:
                    n, total, squares = values
                    part = WeightedSums(int(n), w * n, w * w * n, w * total, w * squares)
                result[key] = result[key].plus(part)
        return result


def county_regions() -> dict[str, str]:
    return dict(County.objects.values_list("number", "region__code"))


def round_population(round_: Round) -> tuple[dict[tuple[str, str], int], str] | None:
    """Workplaces per (type, region): a loaded table, else the round's invitations."""
    table = {
        (workplace_type, region): count
        for workplace_type, region, count in PopulationCell.objects.filter(round=round_).values_list(
            "workplace_type", "region__code", "workplaces"
        )
    }
    if table:
        return table, "table"
    # The invitations are the population only when every counted answer came through one.
    if Response.objects.countable().filter(round=round_, invitation__isnull=True).exists():
        return None
    invited = (
        Invitation.objects.filter(round=round_)
        .values_list("workplace__workplace_type", "workplace__municipality__county__region__code")
        .annotate(count=Count("id"))
    )
    counted = {(workplace_type, region): count for workplace_type, region, count in invited}
    return (counted, "invitations") if counted else None


def round_weighting(round_: Round, table: CellTable) -> Weighting | None:
    """The round's weights, or None when it has no population to weight to."""
    found = round_population(round_)
    if found is None:
        return None
    population, source = found
    regions = county_regions()
    dimensions = tuple(settings.BAROMETER_WEIGHTING_STRATA)
    shell = Weighting(Weights({}, {}, ()), regions, dimensions, source)
    pooled_population: dict[Stratum, int] = {}
    for (workplace_type, region), count in population.items():
        stratum = shell.stratum(workplace_type, region)
        pooled_population[stratum] = pooled_population.get(stratum, 0) + count
    respondents: dict[Stratum, int] = {}
    for cell, (count, _flat) in table.cells.items():
        stratum = shell.stratum(cell.workplace_type, regions.get(cell.county, ""))
        respondents[stratum] = respondents.get(stratum, 0) + count
    weights = post_stratification(
        pooled_population, respondents, min_respondents=settings.BAROMETER_MIN_STRATUM_RESPONDENTS
    )
    return Weighting(weights, regions, dimensions, source)


# --- Which round a report compares with ----------------------------------------------------


def comparison_round(response: Response) -> Round | None:
    """An invited response is compared with its own round; a self-test with the latest
    national round that has closed (its fieldwork is over, so its figures are complete),
    else, while none has closed, with the latest one that has opened."""
    if response.round.kind == RoundKind.NATIONAL:
        return response.round
    now = timezone.now()
    national = Round.objects.filter(kind=RoundKind.NATIONAL, opens_at__lte=now).select_related("question_set")
    return national.filter(closes_at__lte=now).order_by("-closes_at").first() or national.order_by("-opens_at").first()
