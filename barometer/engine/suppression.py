"""Small-group protection: the one step that decides which figures are hidden.

Every figure a page, a chart or a file shows passes through a ``SuppressionPolicy``
(``barometer.engine.figures.RoundFigures`` applies it, nothing else does). The decision is
made on unweighted counts of workplaces, whatever the weighting, because it is the number
of workplaces behind a figure that protects them.

The default policy, ``ThresholdSuppression``, hides the way Udir hides: a figure with fewer
than ``threshold`` workplaces is not shown, and neither is a figure from which a hidden one
could be worked out by one subtraction (the rest of a coarser group a user can ask for, or
a part of a breakdown whose hidden parts together are too few). A different policy (for
example one that reads published snapshots with secondary suppression) is passed to
``RoundFigures``.

This is the live tier's display rule for analysts and admins, who may also download the
answers row by row; it is not disclosure control, and the pages say so. It does not look
for longer chains of subtractions, nor for bounds: when a shown group's share is 0 % or
100 %, every part of the group has that share, a hidden part too. What the public and
municipality staff read is decided when a round is published (``barometer.engine.disclosure``,
docs/disclosure.md), with an exact audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

from barometer.engine.counting import CellTable
from barometer.engine.groups import Filter, part_of
from barometer.engine.stats import Suppressed

__all__ = [
    "GroupDecision",
    "NoSuppression",
    "Suppressed",
    "SuppressionPolicy",
    "ThresholdSuppression",
    "min_group_size",
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

    A group is hidden for an indicator when its denominator is below the threshold (the
    reader's own workplace not counted), when a coarser group a user can ask for differs
    from it by fewer than the threshold, or when the breakdown of a coarser group by one of
    its criteria hides its part (see ``suppress_partition``).

    Only counts are compared, never the figures themselves: a hidden part of a group whose
    share is 0 % or 100 % has the same share, and this rule does not hide the group for it
    (see the module's docstring for why the live tier accepts that).
    """

    threshold: int

    @classmethod
    def from_settings(cls) -> ThresholdSuppression:
        return cls(min_group_size())

    def decide(self, table: CellTable, filter_: Filter) -> GroupDecision:
        responses, sums = table.total(filter_.keep)
        coarser = [table.total(f.keep) for f in filter_.coarser()]
        offsets = table.offsets()

        def hidden(n: int, counts: list[int], index: int | None) -> Suppressed | None:
            if n == 0:
                return None
            reason = suppress_group(n, None, self.threshold)
            if reason:
                return reason
            if any(0 < count - n < self.threshold for count in counts):
                return Suppressed.COMPLEMENT
            if any(self._hidden_in_partition(table, filter_, d, index) for d in filter_.breakdown_dimensions()):
                return Suppressed.COMPLEMENT
            return None

        indicators = {}
        for key in table.indicator_keys:
            accumulators = sums.get(key, ())
            n = int(accumulators[0]) if accumulators else 0
            counts = [int(other[key][0]) if other.get(key) else 0 for _count, other in coarser]
            indicators[key] = hidden(n, counts, offsets[key])
        return GroupDecision(hidden(responses, [count for count, _ in coarser], None), indicators)

    def _hidden_in_partition(self, table: CellTable, filter_: Filter, dimension: str, index: int | None) -> bool:
        """Whether the breakdown of the coarser group by ``dimension`` hides this filter's part.

        Keeps every page consistent with the breakdown tables: a part hidden there for being
        derivable is hidden here too. ``index`` selects an indicator's denominator; None
        counts workplaces.
        """
        parent = filter_.without(dimension)
        sizes: dict[object, float] = {}
        for cell, (count, flat) in table.cells.items():
            if parent.keep(cell):
                part = part_of(cell, dimension)
                sizes[part] = sizes.get(part, 0) + (count if index is None else flat[index])
        hidden = suppress_partition({k: int(v) for k, v in sizes.items()}, self.threshold)
        return filter_.active()[dimension] in hidden
