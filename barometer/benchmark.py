"""Benchmarks: indicators resolved for a round, counted once (and cached), then read for
the national total, peer groups and filters, with small groups hidden.

The cache key carries the round's data version, which the submit service bumps after each
commit, so a cached result is never stale and needs no explicit invalidation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import (
    SECTOR_OF_WORKPLACE_TYPE,
    County,
    Option,
    Response,
    Round,
    RoundKind,
    SizeClass,
    WorkplaceType,
)
from surveys.services.answering import data_version_key

from .indicators import IndicatorSpec, OptionInfo
from .models import Indicator
from .queries import CellKey, CellTable, cell_table
from .stats import Estimate, mean, share, suppress_group

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


# --- Groups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    keep: Callable[[CellKey], bool] = field(compare=False)
    contains_viewer: bool = False


NATIONAL = "national"


def national_group(contains_viewer: bool = False) -> Group:
    return Group(NATIONAL, str(_("All workplaces")), lambda key: True, contains_viewer)


def peer_groups(*, workplace_type: str, size_class: int, centrality: int, county: County, contains_viewer: bool):
    """The workplace's peer groups, each on its own (not their intersection)."""
    return [
        Group(
            "workplace_type",
            str(WorkplaceType(workplace_type).label),
            lambda key: key.workplace_type == workplace_type,
            contains_viewer,
        ),
        Group(
            "size_class",
            str(_("Municipalities with %(size)s") % {"size": SizeClass(size_class).label}),
            lambda key: key.size_class == size_class,
            contains_viewer,
        ),
        Group(
            "centrality",
            str(_("Centrality class %(centrality)s") % {"centrality": centrality}),
            lambda key: key.centrality == centrality,
            contains_viewer,
        ),
        Group("county", county.name, lambda key: key.county == county.number, contains_viewer),
    ]


def group_estimates(
    table: CellTable,
    resolved: list[ResolvedIndicator],
    group: Group,
    *,
    parent: Group | None = None,
    parent_sums: dict[str, tuple[float, ...]] | None = None,
) -> tuple[int, dict[str, Estimate]]:
    """Each indicator for one group, suppressed where the group (or its complement within
    ``parent``, whose sums may be passed in when already known) is too small."""
    threshold = min_group_size()
    responses, sums = table.total(group.keep)
    if parent_sums is None and parent is not None:
        parent_sums = table.total(parent.keep)[1]
    estimates = {}
    for item in resolved:
        accumulators = sums.get(item.spec.key, ())
        result = estimate(item.spec, accumulators)
        n = denominator(item.spec, accumulators)
        total = denominator(item.spec, parent_sums.get(item.spec.key, ())) if parent_sums is not None else None
        reason = suppress_group(n, total, threshold, viewer_inside=group.contains_viewer)
        estimates[item.spec.key] = result.hidden(reason) if reason else result
    return responses, estimates


# --- Which round a report compares with ----------------------------------------------------


def comparison_round(response: Response) -> Round | None:
    """An invited response is compared with its own round; a self-test with the latest
    national round that has opened."""
    if response.round.kind == RoundKind.NATIONAL:
        return response.round
    return (
        Round.objects.filter(kind=RoundKind.NATIONAL, opens_at__lte=timezone.now())
        .select_related("question_set")
        .order_by("-opens_at")
        .first()
    )


def sector_of(workplace_type: str) -> str:
    return SECTOR_OF_WORKPLACE_TYPE[workplace_type]
