"""Post-stratification weights and weighted estimates. Pure: plain numbers in and out.

Each respondent in a stratum (workplace type x region) gets the weight N/n: the stratum's
number of workplaces in the population over its number of respondents, so that groups that
answered eagerly do not outweigh those that answered less. A stratum with too few
respondents is merged with the other small strata of the same workplace type; a type with
no respondents at all cannot be represented and is reported as such.

Intervals use Kish's effective sample size, n_eff = (sum of weights)^2 / sum of squared
weights: the number of unweighted answers that would give the same precision.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from barometer.engine.stats import Estimate, t_critical, wilson_interval

ANY_REGION = "*"
EVERYTHING = (ANY_REGION, ANY_REGION)  # the pool of the types too small to weight alone

Stratum = tuple[str, str]  # (workplace type, region code)


@dataclass(frozen=True)
class Weights:
    """Weights per stratum, and how strata were merged."""

    by_stratum: dict[Stratum, float]
    merged: dict[Stratum, Stratum]  # original stratum -> the stratum it was merged into
    unrepresented: tuple[Stratum, ...]  # population strata with no respondent to stand for them

    def of(self, stratum: Stratum) -> float:
        return self.by_stratum.get(self.merged.get(stratum, stratum), 0.0)


def stratum_of(workplace_type: str, region: str, dimensions: Iterable[str]) -> Stratum:
    """The weighting stratum of a workplace of ``workplace_type`` in ``region`` when the
    strata are cut by ``dimensions`` (some of "workplace_type", "region"); a dimension not
    cut by is "*"."""
    return (
        workplace_type if "workplace_type" in dimensions else ANY_REGION,
        region if "region" in dimensions else ANY_REGION,
    )


#: Whether a pool of strata may have a weight of its own, given the (original) strata in it.
StratumRule = Callable[[frozenset[Stratum]], bool]


def post_stratification(
    population: Mapping[Stratum, int],
    respondents: Mapping[Stratum, int],
    *,
    min_respondents: int = 1,
    acceptable: StratumRule | None = None,
) -> Weights:
    """Weights N/n per stratum (workplaces in the population over respondents).

    A stratum with fewer than ``min_respondents`` respondents (or that ``acceptable``
    refuses) is merged into its workplace type's pool of small strata (``(type, "*")``).
    A pool that is still too small takes in the type's other strata, fewest respondents
    first, until it is large enough; a type that is too small even as a whole is pooled
    with the other such types (``("*", "*")``), and that pool, if still too small, takes in
    the smallest strata left. So every weight in use stands for at least
    ``min_respondents`` respondents where the round has that many: a weight N/n tells
    anyone who knows N the stratum's n, and a published snapshot must not tell the size of
    a smaller group (``acceptable`` adds the published rule's other conditions;
    docs/disclosure.md). ``merged`` maps every merged stratum straight to the stratum whose
    weight it uses.
    """
    strata = set(population) | set(respondents)

    def large_enough(members: Iterable[Stratum]) -> bool:
        members = frozenset(members)
        if sum(respondents.get(s, 0) for s in members) < min_respondents:
            return False
        return acceptable is None or acceptable(members)

    target = {
        stratum: stratum if stratum == EVERYTHING or large_enough([stratum]) else (stratum[0], ANY_REGION)
        for stratum in strata
    }

    def members_of(key: Stratum) -> list[Stratum]:
        return [s for s, t in target.items() if t == key]

    def pooled(key: Stratum) -> int:
        return sum(respondents.get(s, 0) for s in members_of(key))

    def grow(key: Stratum, candidates: list[Stratum]) -> None:
        """Merge ``candidates`` (fewest respondents first) into the pool ``key`` until the
        pool is large enough."""
        for stratum in sorted(candidates, key=lambda s: (respondents.get(s, 0), s)):
            if large_enough(members_of(key)):
                return
            target[stratum] = key

    for workplace_type in sorted({stratum[0] for stratum in target} - {ANY_REGION}):
        pool = (workplace_type, ANY_REGION)
        if not pooled(pool) or large_enough(members_of(pool)):
            continue
        grow(pool, [s for s, t in target.items() if t == s and s[0] == workplace_type and s != pool])
        if not large_enough(members_of(pool)):
            for stratum in members_of(pool):
                target[stratum] = EVERYTHING
    if pooled(EVERYTHING) and not large_enough(members_of(EVERYTHING)):
        # Too few even across types: the smallest strata left join the pool.
        grow(EVERYTHING, [s for s, t in target.items() if t == s and s != EVERYTHING])
    merged = {stratum: key for stratum, key in target.items() if key != stratum}
    pooled_population: dict[Stratum, int] = {}
    pooled_respondents: dict[Stratum, int] = {}
    for stratum, key in target.items():
        pooled_population[key] = pooled_population.get(key, 0) + population.get(stratum, 0)
        pooled_respondents[key] = pooled_respondents.get(key, 0) + respondents.get(stratum, 0)
    weights, unrepresented = {}, []
    for stratum, n in pooled_respondents.items():
        if n > 0:
            weights[stratum] = pooled_population[stratum] / n
    for stratum, size in population.items():
        if size > 0 and pooled_respondents.get(merged.get(stratum, stratum), 0) == 0:
            unrepresented.append(stratum)
    return Weights(weights, merged, tuple(sorted(unrepresented)))


def kish_effective_n(sum_of_weights: float, sum_of_squared_weights: float) -> float:
    if sum_of_squared_weights <= 0:
        return 0.0
    return sum_of_weights * sum_of_weights / sum_of_squared_weights


@dataclass(frozen=True)
class WeightedSums:
    """Per indicator, over respondents i: n (unweighted count), sum w_i, sum w_i^2, and
    sum w_i*y_i and sum w_i*y_i^2 (for a share, y is 0 or 1)."""

    n: int = 0
    w: float = 0.0
    w2: float = 0.0
    wy: float = 0.0
    wy2: float = 0.0

    def plus(self, other: WeightedSums) -> WeightedSums:
        return WeightedSums(
            self.n + other.n, self.w + other.w, self.w2 + other.w2, self.wy + other.wy, self.wy2 + other.wy2
        )


def weighted_share(sums: WeightedSums) -> Estimate:
    if sums.n == 0 or sums.w <= 0:
        return Estimate(n=sums.n, value=None, low=None, high=None)
    p = min(1.0, max(0.0, sums.wy / sums.w))
    n_eff = kish_effective_n(sums.w, sums.w2)
    low, high = wilson_interval(p * n_eff, n_eff)
    return Estimate(n=sums.n, value=p, low=low, high=high, effective_n=n_eff)


def weighted_mean(sums: WeightedSums) -> Estimate:
    if sums.n == 0 or sums.w <= 0:
        return Estimate(n=sums.n, value=None, low=None, high=None)
    value = sums.wy / sums.w
    n_eff = kish_effective_n(sums.w, sums.w2)
    if sums.n < 2 or n_eff <= 1:
        return Estimate(n=sums.n, value=value, low=None, high=None, effective_n=n_eff)
    variance = max(0.0, sums.wy2 / sums.w - value * value) * n_eff / (n_eff - 1)
    half = t_critical(max(1, math.floor(n_eff) - 1)) * math.sqrt(variance / n_eff)
    return Estimate(n=sums.n, value=value, low=value - half, high=value + half, effective_n=n_eff)


# --- Weights applied to counting cells ---------------------------------------------------


@dataclass(frozen=True)
class StratumNote:
    """A population stratum that the weights could not keep as it is: merged with the
    other small strata of its workplace type, or left out because nobody in it (nor in what
    it was merged with) answered. ``workplaces`` is its size in the population."""

    stratum: Stratum
    workplaces: int
    left_out: bool


@dataclass(frozen=True)
class Weighting:
    """A round's post-stratification weights, applied to counting cells.

    ``region_of_county`` maps county numbers to region codes; ``dimensions`` are the
    settings' weighting strata (``BAROMETER_WEIGHTING_STRATA``); ``population`` is the
    number of workplaces per (type, region) the weights were made from, and
    ``population_source`` says where it came from ("table" or "invitations").
    """

    weights: Weights
    region_of_county: Mapping[str, str]
    dimensions: tuple[str, ...]
    population_source: str
    population: Mapping[Stratum, int]

    def stratum(self, workplace_type: str, region: str) -> Stratum:
        return stratum_of(workplace_type, region, self.dimensions)

    def cell_weight(self, cell) -> float:
        return self.weights.of(self.stratum(cell.workplace_type, self.region_of_county.get(cell.county, "")))

    def sums(self, table, keep) -> dict[str, WeightedSums]:
        """Weighted sums per indicator over the cells of ``table`` (a ``CellTable``) that
        ``keep`` accepts."""
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

    def stratum_notes(self) -> list[StratumNote]:
        """The population strata merged with others or left out, largest first."""
        sizes: dict[Stratum, int] = {}
        for (workplace_type, region), count in self.population.items():
            stratum = self.stratum(workplace_type, region)
            sizes[stratum] = sizes.get(stratum, 0) + count
        left_out = set(self.weights.unrepresented)
        notes = [
            StratumNote(stratum, sizes.get(stratum, 0), stratum in left_out)
            for stratum in set(self.weights.merged) | left_out
            if sizes.get(stratum, 0) > 0
        ]
        return sorted(notes, key=lambda note: (not note.left_out, -note.workplaces, note.stratum))

    def left_out_share(self) -> float:
        """The share (0-1) of the population's workplaces in strata nobody answered for."""
        total = sum(self.population.values())
        left = sum(note.workplaces for note in self.stratum_notes() if note.left_out)
        return left / total if total else 0.0


def round_weighting(
    population: Mapping[Stratum, int],
    source: str,
    table,
    region_of_county: Mapping[str, str],
    *,
    dimensions: tuple[str, ...],
    min_respondents: int,
    acceptable: StratumRule | None = None,
) -> Weighting:
    """Weights for the respondents counted in ``table`` (a ``CellTable``) to the
    ``population`` (workplaces per (type, region)), pooled into the strata ``dimensions``
    name; strata with fewer than ``min_respondents`` respondents, or that ``acceptable``
    refuses, are merged (see ``post_stratification``)."""
    shell = Weighting(Weights({}, {}, ()), region_of_county, dimensions, source, population)
    pooled_population: dict[Stratum, int] = {}
    for (workplace_type, region), count in population.items():
        stratum = shell.stratum(workplace_type, region)
        pooled_population[stratum] = pooled_population.get(stratum, 0) + count
    respondents: dict[Stratum, int] = {}
    for cell, (count, _flat) in table.cells.items():
        stratum = shell.stratum(cell.workplace_type, region_of_county.get(cell.county, ""))
        respondents[stratum] = respondents.get(stratum, 0) + count
    weights = post_stratification(
        pooled_population, respondents, min_respondents=min_respondents, acceptable=acceptable
    )
    return Weighting(weights, region_of_county, dimensions, source, population)
