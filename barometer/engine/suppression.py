"""Small-group protection: the one step that decides which figures are hidden.

Every figure a page, a chart or a file shows passes through a ``SuppressionPolicy``
(``barometer.engine.figures.RoundFigures`` applies it, nothing else does). The decision is
made on unweighted counts of workplaces, whatever the weighting, because it is the number
of workplaces behind a figure that protects them.

The default policy, ``ThresholdSuppression``, hides the way Udir hides: a figure with fewer
than ``threshold`` workplaces is not shown, and neither is a figure from which a hidden one
could be worked out by one subtraction (the rest of a coarser group a user can ask for, or
a part of a breakdown whose hidden parts together are too few). Workplace types nest in
sectors, so within the same other criteria all types, the sectors, the types (and, for all
workplaces, the unions of types the findings page shows) are protected together, exactly,
by sums and differences of any length (``protect_type_hierarchy``). A different policy (for
example one that reads published snapshots with secondary suppression) is passed to
``RoundFigures``.

This is the live tier's display rule for analysts and admins, who may also download the
answers row by row; it is not disclosure control, and the pages say so. It does not follow
chains that cross two breakdowns (a county's types worked out through the other counties'
types and the national ones), nor bounds: when a shown group's share is 0 % or 100 %, every
part of the group has that share, a hidden part too; in small tables such chains are
common (the CHANGELOG gives a count). What the public
and municipality staff read is decided when a round is published
(``barometer.engine.disclosure``, docs/disclosure.md), with an exact audit over every
relation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import combinations
from math import gcd
from typing import Protocol

import numpy as np
from django.conf import settings

from barometer.engine.counting import CellTable
from barometer.engine.groups import DIMENSIONS, TYPE_CRITERIA, TYPE_UNIONS, Filter, part_of
from barometer.engine.stats import Suppressed
from surveys.models import SECTOR_OF_WORKPLACE_TYPE, Sector, WorkplaceType

__all__ = [
    "GroupDecision",
    "NoSuppression",
    "Suppressed",
    "SuppressionPolicy",
    "ThresholdSuppression",
    "min_group_size",
    "protect_type_hierarchy",
    "suppress_group",
    "suppress_partition",
]


def min_group_size() -> int:
    """The fewest workplaces a shown figure may rest on (``BAROMETER_MIN_GROUP_SIZE``)."""
    return int(getattr(settings, "BAROMETER_MIN_GROUP_SIZE", 5))


def suppress_group(n: int, total: int | None, threshold: int) -> Suppressed | None:
    """Whether a single group's figure must be hidden.

    Hidden when it has fewer than ``threshold`` workplaces, or when the rest of its parent
    total (shown elsewhere) has fewer than ``threshold`` but more than none, because the
    rest could then be worked out by subtraction. This is display hygiene for the trusted
    tier's live figures; what the public and municipality staff read is decided once, when
    a round is published (``barometer.engine.disclosure``).
    """
    if n < threshold:
        return Suppressed.TOO_FEW
    if total is not None and 0 < total - n < threshold:
        return Suppressed.COMPLEMENT
    return None


def suppress_partition(sizes: Mapping[object, int], threshold: int, total: int | None = None) -> dict:
    """Which parts of a breakdown to hide, and why.

    ``sizes`` are the parts' numbers of workplaces; their sum, or ``total`` when the parts
    do not cover it, is shown elsewhere. Parts under the threshold are hidden; then, while
    the hidden parts together (plus any uncovered remainder) could be worked out and are
    fewer than the threshold, the smallest shown part is hidden too.
    """
    hidden = {key: Suppressed.TOO_FEW for key, size in sizes.items() if 0 < size < threshold}
    covered = sum(sizes.values())
    remainder = (total - covered) if total is not None else 0
    while True:
        hidden_total = sum(sizes[key] for key in hidden) + remainder
        if hidden_total == 0 or hidden_total >= threshold:
            return hidden
        if not hidden and remainder == 0:
            return hidden
        candidates = sorted((size, str(key), key) for key, size in sizes.items() if key not in hidden and size > 0)
        if not candidates:
            return hidden
        hidden[candidates[0][2]] = Suppressed.COMPLEMENT


@dataclass(frozen=True)
class GroupDecision:
    """What to hide of one group: its number of workplaces, and each indicator (by key).
    A key missing from ``indicators`` is shown."""

    group: Suppressed | None = None
    indicators: Mapping[str, Suppressed | None] = field(default_factory=dict)


class SuppressionPolicy(Protocol):
    """Decides, for one group of a round, which of its figures are hidden.

    ``table`` holds the round's unweighted counts per cell (``CellTable``): the number of
    workplaces, and per indicator its denominator first.
    """

    def decide(self, table: CellTable, filter_: Filter) -> GroupDecision: ...


class NoSuppression:
    """Hides nothing: for audits of the unsuppressed figures, never for a page or a file."""

    def decide(self, table: CellTable, filter_: Filter) -> GroupDecision:
        return GroupDecision()


@dataclass(frozen=True)
class ThresholdSuppression:
    """Primary suppression below ``threshold`` plus the complements that would reveal it.

    A group is hidden for an indicator (and for its number of workplaces) when its
    denominator is below the threshold, or when one of these would let a reader work out a
    hidden figure:

    - *a coarser group* a user can ask for differs from it by fewer than the threshold;
    - *a breakdown* of a coarser group by one of its other criteria (county, size class,
      centrality, employees) hides its part (see ``suppress_partition``);
    - *the type hierarchy*: within the same other criteria, every workplace type, every
      sector (the sum of its types), the unions of types a page shows (``TYPE_UNIONS``) and
      all types together are one system of sums. Its hidden groups are protected together
      (``protect_type_hierarchy``): no hidden one is a sum or difference of shown ones, and
      no group of fewer than the threshold is left over when shown groups are subtracted
      from a shown group. What the other rules hide in that system counts as hidden in it.

    Only counts are compared, never the figures themselves: a hidden part of a group whose
    share is 0 % or 100 % has the same share, and this rule does not hide the group for it
    (see the module's docstring for why the live tier accepts that). Chains of subtractions
    across two breakdowns (a county's types through another county's) are not followed.

    Decisions are worked out with the table's counts as arrays and kept on the table
    (``CellTable.derived``), so the groups of one page share them.
    """

    threshold: int

    @classmethod
    def from_settings(cls) -> ThresholdSuppression:
        return cls(min_group_size())

    def decide(self, table: CellTable, filter_: Filter) -> GroupDecision:
        counts = _CountMatrix.of(table)
        outer = self._outer(counts, filter_)
        inner = self._hierarchy(counts, filter_)
        reasons = [first or second for first, second in zip(outer, inner, strict=True)]
        indicators = dict(zip(table.indicator_keys, reasons[1:], strict=True))
        return GroupDecision(reasons[0], indicators)

    def _outer(self, counts: _CountMatrix, filter_: Filter) -> list[Suppressed | None]:
        """Per column (workplaces, then each indicator's denominator): what the threshold,
        the coarser groups and the breakdowns by criteria other than type hide."""
        key = ("outer", self.threshold, filter_)
        if key in counts.memo:
            return counts.memo[key]
        n = counts.total(filter_)
        threshold = self.threshold
        complement = np.zeros(n.shape, dtype=bool)
        for coarser in filter_.coarser():
            difference = counts.total(coarser) - n
            complement |= (difference > 0) & (difference < threshold)
        for dimension in filter_.breakdown_dimensions():
            if dimension in TYPE_CRITERIA:
                continue  # the type hierarchy's part
            values, sizes = counts.parts(filter_.without(dimension), dimension)
            if filter_.active()[dimension] not in values:
                continue  # no cell of the group: nobody to hide
            own = values.index(filter_.active()[dimension])
            small = ((sizes > 0) & (sizes < threshold)).any(axis=0)
            for column in np.flatnonzero(small & ~complement):
                parts = dict(zip(values, (int(size) for size in sizes[:, column]), strict=True))
                if values[own] in suppress_partition(parts, threshold):
                    complement[column] = True
        reasons = [
            None
            if count == 0
            else Suppressed.TOO_FEW
            if count < threshold
            else Suppressed.COMPLEMENT
            if derived
            else None
            for count, derived in zip(n.tolist(), complement.tolist(), strict=True)
        ]
        counts.memo[key] = reasons
        return reasons

    def _hierarchy(self, counts: _CountMatrix, filter_: Filter) -> list[Suppressed | None]:
        """Per column: whether the type hierarchy under the filter's other criteria hides
        the filter's own group of types (see ``protect_type_hierarchy``)."""
        context = filter_.without(*TYPE_CRITERIA)
        own = filter_.type_set()
        sets = _hierarchy_sets(own, national=not context.active())
        key = ("hierarchy", self.threshold, context, sets)
        if key not in counts.memo:
            types, sizes = counts.parts(context, "workplace_type")
            groups = {types_: _with_types(context, types_) for types_ in sets}
            outer = {types_: self._outer(counts, group) for types_, group in groups.items()}
            decisions = []
            for column in range(sizes.shape[1]):
                column_sizes = dict(zip(types, (int(size) for size in sizes[:, column]), strict=True))
                hidden = {types_: reasons[column] for types_, reasons in outer.items() if reasons[column]}
                decisions.append(protect_type_hierarchy(column_sizes, sets, hidden, self.threshold))
            counts.memo[key] = decisions
        return [decision.get(own) for decision in counts.memo[key]]


def _reason(count: int, derived: bool, threshold: int) -> Suppressed | None:
    if count == 0:
        return None
    if count < threshold:
        return Suppressed.TOO_FEW
    return Suppressed.COMPLEMENT if derived else None


def _hierarchy_sets(own: frozenset[str], *, national: bool) -> tuple[frozenset[str], ...]:
    """The groups of workplace types a reader can ask for: all types, each sector, each
    type, plus ``own`` (sorted, for a stable memo key). The unions of types
    (``TYPE_UNIONS``) are shown for all workplaces only (the findings page), so they are in
    the national hierarchy and not in a county's or a size class's."""
    every = frozenset(WorkplaceType.values)
    sectors = {frozenset(t for t, s in SECTOR_OF_WORKPLACE_TYPE.items() if s == sector) for sector in Sector.values}
    singles = {frozenset([t]) for t in every}
    unions = {frozenset(union) for union in TYPE_UNIONS} if national else set()
    sets = {every, *sectors, *singles, *unions, own} - {frozenset()}
    return tuple(sorted(sets, key=lambda types_: (-len(types_), sorted(types_))))


def _with_types(context: Filter, types_: frozenset[str]) -> Filter:
    """The filter for ``types_`` under ``context``'s other criteria, named as a reader asks
    for it: no type criterion for all types, a sector, a type, or a union."""
    if types_ == frozenset(WorkplaceType.values):
        return context
    if len(types_) == 1:
        return replace(context, workplace_type=next(iter(types_)))
    for sector in Sector.values:
        if types_ == {t for t, s in SECTOR_OF_WORKPLACE_TYPE.items() if s == sector}:
            return replace(context, sector=sector)
    return replace(context, workplace_types=tuple(sorted(types_)))


def protect_type_hierarchy(
    sizes: Mapping[str, int],
    sets: Sequence[frozenset[str]],
    hidden: Mapping[frozenset[str], Suppressed],
    threshold: int,
) -> dict[frozenset[str], Suppressed]:
    """Which groups of workplace types to hide so that none of them can be worked out.

    ``sizes`` is the number of workplaces (or an indicator's denominator) of each type
    under the same other criteria; ``sets`` are the groups of types a reader can see (all
    types, sectors, single types, unions), each the sum of its types; ``hidden`` is what
    other rules hide already. Returns every hidden group with its reason: TOO_FEW for a
    group of 1 to ``threshold`` - 1, COMPLEMENT for one hidden so that another cannot be
    worked out. Groups of nobody are never hidden.

    Secondary suppression in the manner of Statistics Norway's Gaussian elimination
    (Langsrud, "Secondary cell suppression by Gaussian elimination", 2024; see
    ``barometer.engine.disclosure.gauss``), exact over the rationals on the types that have
    anyone. The groups are taken in a fixed order, all types first, then sectors, unions
    and single types, larger before smaller; each is shown unless, together with the
    groups shown before it, it would let a reader work out by sums and differences

    - a hidden group, or
    - the number of any set of small types (1 to ``threshold`` - 1 workplaces together).

    So coarse groups stay shown and the finest, smallest ones are hidden. Pure; the same
    input gives the same result.
    """
    decided = _protected(
        tuple(sorted(sizes.items())),
        tuple(sets),
        tuple(sorted(hidden.items(), key=lambda item: sorted(item[0]))),
        threshold,
    )
    return dict(decided)


@lru_cache(maxsize=4096)
def _protected(sizes_items, sets, hidden_items, threshold) -> tuple[tuple[frozenset[str], Suppressed], ...]:
    """``protect_type_hierarchy`` on hashable arguments, kept: most columns of a table (the
    indicators asked of every workplace) repeat the same sizes."""
    sizes, hidden = dict(sizes_items), dict(hidden_items)
    present = tuple(sorted(t for t, size in sizes.items() if size > 0))

    def value(types_: Iterable[str]) -> int:
        return sum(sizes.get(t, 0) for t in types_)

    def row(types_: Iterable[str]) -> tuple[int, ...]:
        chosen = set(types_)
        return tuple(int(t in chosen) for t in present)

    result = {types_: reason for types_, reason in hidden.items() if value(types_) > 0}
    for types_ in sets:
        if 0 < value(types_) < threshold:
            result[types_] = Suppressed.TOO_FEW
    small = [t for t in present if sizes[t] < threshold]
    sensitive = [row(types_) for types_ in result]
    sensitive += [
        row(chosen)
        for size in range(1, len(small) + 1)
        for chosen in combinations(small, size)
        if value(chosen) < threshold
    ]
    if not sensitive:
        return tuple(result.items())
    every = frozenset(WorkplaceType.values)
    sectors = {frozenset(t for t, s in SECTOR_OF_WORKPLACE_TYPE.items() if s == sector) for sector in Sector.values}

    def coarseness(types_: frozenset[str]) -> int:
        return 0 if types_ == every else 1 if types_ in sectors else 3 if len(types_) == 1 else 2

    basis = _EchelonBasis()
    candidates = [types_ for types_ in sets if types_ not in result and value(types_) > 0]
    for types_ in sorted(candidates, key=lambda t: (coarseness(t), -value(t), sorted(t))):
        trial = basis.with_row(row(types_))
        if any(trial.spans(vector) for vector in sensitive):
            result[types_] = Suppressed.COMPLEMENT
        else:
            basis = trial
    return tuple(result.items())


class _EchelonBasis:
    """Integer rows in echelon form: which integer vectors they span over the rationals,
    exactly (fraction-free elimination, each row divided by the gcd of its entries)."""

    def __init__(self, rows: tuple[tuple[int, tuple[int, ...]], ...] = ()):
        self.rows = rows  # (pivot, row), each row zero before its pivot

    def reduce(self, vector: tuple[int, ...]) -> tuple[int, ...]:
        for pivot, base in self.rows:
            if vector[pivot]:
                scale, factor = base[pivot], vector[pivot]
                vector = tuple(scale * a - factor * b for a, b in zip(vector, base, strict=True))
                divisor = gcd(*vector)
                if divisor > 1:
                    vector = tuple(a // divisor for a in vector)
        return vector

    def with_row(self, vector: tuple[int, ...]) -> _EchelonBasis:
        reduced = self.reduce(vector)
        pivot = next((i for i, x in enumerate(reduced) if x), None)
        return self if pivot is None else _EchelonBasis((*self.rows, (pivot, reduced)))

    def spans(self, vector: tuple[int, ...]) -> bool:
        return not any(self.reduce(vector))


class _CountMatrix:
    """The table's unweighted counts as arrays: one row per cell, column 0 the number of
    workplaces, then each indicator's denominator (its first accumulator), in
    ``indicator_keys`` order; each dimension's values coded as integers. Sums over groups
    are kept in ``memo`` for the table's life."""

    def __init__(self, table: CellTable):
        offsets = table.offsets()
        width = len(table.indicator_keys) + 1
        cells = list(table.cells)
        if cells:
            flat = np.array([accumulators for _count, accumulators in table.cells.values()], dtype=np.float64)
            counts = np.array([count for count, _accumulators in table.cells.values()], dtype=np.float64)
            firsts = flat[:, [offsets[key] for key in table.indicator_keys]]
            self.columns = np.column_stack([counts, firsts]).round().astype(np.int64)
        else:
            self.columns = np.zeros((0, width), dtype=np.int64)
        self.codes: dict[str, tuple[dict, np.ndarray]] = {}
        for dimension in DIMENSIONS:
            values = [part_of(cell, dimension) for cell in cells]
            known = {value: code for code, value in enumerate(sorted(set(values), key=str))}
            self.codes[dimension] = (known, np.array([known[value] for value in values], dtype=np.int64))
        self.memo: dict = {}

    @classmethod
    def of(cls, table: CellTable) -> _CountMatrix:
        if "suppression" not in table.derived:
            table.derived["suppression"] = cls(table)
        return table.derived["suppression"]

    def mask(self, filter_: Filter) -> np.ndarray:
        key = ("mask", filter_)
        if key not in self.memo:
            mask = np.ones(len(self.columns), dtype=bool)
            for name, wanted in filter_.active().items():
                if name == "workplace_types":
                    known, codes = self.codes["workplace_type"]
                    mask &= np.isin(codes, [known[value] for value in wanted if value in known])
                else:
                    known, codes = self.codes[name]
                    mask &= codes == known.get(wanted, -1)
            self.memo[key] = mask
        return self.memo[key]

    def total(self, filter_: Filter) -> np.ndarray:
        """Per column, the sum over the filter's cells."""
        key = ("total", filter_)
        if key not in self.memo:
            self.memo[key] = self.columns[self.mask(filter_)].sum(axis=0)
        return self.memo[key]

    def parts(self, parent: Filter, dimension: str) -> tuple[list, np.ndarray]:
        """The breakdown of ``parent`` by ``dimension``: (its values, sums with one row per
        value and one column per column). Types are listed all, with zeros; other
        dimensions list the values the parent's cells have."""
        key = ("parts", parent, dimension)
        if key not in self.memo:
            mask = self.mask(parent)
            known, codes = self.codes[dimension]
            by_code = {code: value for value, code in known.items()}
            sums = np.zeros((len(known), self.columns.shape[1]), dtype=np.int64)
            np.add.at(sums, codes[mask], self.columns[mask])
            if dimension == "workplace_type":
                values = list(WorkplaceType.values)
                rows = [sums[known[value]] if value in known else np.zeros(sums.shape[1], np.int64) for value in values]
                result = (values, np.array(rows, dtype=np.int64).reshape(len(values), sums.shape[1]))
            else:
                present = sorted(set(codes[mask].tolist()))
                result = ([by_code[code] for code in present], sums[present])
            self.memo[key] = result
        return self.memo[key]
