"""The benchmark's arithmetic: pure functions on plain numbers, no database.

Shares carry Wilson score intervals (good at small n and near 0 % and 100 %, unlike the
normal approximation); means and index scores carry t intervals. Small groups are hidden
the way Udir hides them: a figure with fewer than ``threshold`` workplaces is not shown,
and neither is any figure from which a hidden one could be worked out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

Z_95 = 1.959963984540054

# Two-sided 95 % critical values of Student's t, by degrees of freedom; above 30 the
# normal value is close enough (within 2 %).
_T_95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
    20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048,
    29: 2.045, 30: 2.042,
}  # fmt: skip


class Suppressed(StrEnum):
    TOO_FEW = "too_few"
    COMPLEMENT = "complement"


@dataclass(frozen=True)
class Estimate:
    """A share (0-1), a mean or an index score with its 95 % interval, over ``n`` workplaces."""

    n: int
    value: float | None
    low: float | None
    high: float | None
    suppressed: Suppressed | None = None

    @property
    def shown(self) -> bool:
        return self.suppressed is None and self.value is not None

    def hidden(self, reason: Suppressed) -> Estimate:
        return Estimate(n=self.n, value=None, low=None, high=None, suppressed=reason)


def wilson_interval(successes: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for ``successes`` out of ``n`` (n may be an effective size)."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def share(successes: int, n: int) -> Estimate:
    if n == 0:
        return Estimate(n=0, value=None, low=None, high=None)
    low, high = wilson_interval(successes, n)
    return Estimate(n=n, value=successes / n, low=low, high=high)


def t_critical(degrees_of_freedom: int) -> float:
    if degrees_of_freedom < 1:
        raise ValueError("at least one degree of freedom is needed")
    return _T_95.get(degrees_of_freedom, Z_95)


def mean(total: float, total_of_squares: float, n: int) -> Estimate:
    """Mean with a t interval, from the sum and the sum of squares of ``n`` values."""
    if n == 0:
        return Estimate(n=0, value=None, low=None, high=None)
    value = total / n
    if n == 1:
        return Estimate(n=1, value=value, low=None, high=None)
    variance = max(0.0, (total_of_squares - n * value * value) / (n - 1))
    half = t_critical(n - 1) * math.sqrt(variance / n)
    return Estimate(n=n, value=value, low=value - half, high=value + half)


def index_score(item_scores: Iterable[float], scale_min: float, scale_max: float, min_items: int) -> float | None:
    """One workplace's index: the mean of its item scores, rescaled to 0-100.

    ``None`` when fewer than ``min_items`` items were answered (a "don't know" is no score).
    """
    scores = list(item_scores)
    if len(scores) < min_items or not scores:
        return None
    if scale_max <= scale_min:
        raise ValueError("the scale needs a maximum above its minimum")
    return (sum(scores) / len(scores) - scale_min) / (scale_max - scale_min) * 100


def difference_of_shares(a: Estimate, b: Estimate) -> tuple[float, float, float] | None:
    """The difference a - b of two independent shares with a 95 % interval (Newcombe's
    method, from the two Wilson intervals). ``None`` if either is not shown."""
    if not (a.shown and b.shown) or a.low is None or b.low is None:
        return None
    d = a.value - b.value
    low = d - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = d + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return d, low, high


# --- Small-group suppression -------------------------------------------------------------


def suppress_group(n: int, total: int | None, threshold: int, *, viewer_inside: bool = False) -> Suppressed | None:
    """Whether a single group's figure must be hidden.

    Hidden when it has fewer than ``threshold`` workplaces, or when the rest of its parent
    total (shown elsewhere) has fewer than ``threshold`` but more than none, because the
    rest could then be worked out by subtraction. A workplace looking at a group it belongs
    to knows its own answer, so for it the others must number ``threshold`` or more.
    """
    others = n - 1 if viewer_inside else n
    if others < threshold:
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
