"""A round's answers as disclosure-control input (``RoundData``), read from the database.

Every submitted response is evaluated with the same indicator rules the reports use
(``barometer.engine.indicators.evaluate``) and added to its finest cell (workplace type x
municipality x employee band). The bases (all workplaces, innovators, non-innovators,
each indicator whose n differs) are found from the counts themselves: indicators whose n
agrees in every cell share a base. Every linear tie between the quantities (a base that is
the sum of two others, a numerator that is the sum of two others) is found from the data
too (``linear_relations``) and declared, so that suppression and audit see every
subtraction a viewer can make.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from fractions import Fraction

from django.conf import settings
from django.db.models import Count

from barometer.engine.counting import EMPLOYEE_BANDS, Cell
from barometer.engine.disclosure.model import (
    Base,
    CellSet,
    FinestCell,
    Group,
    Quantity,
    RoundData,
    linear_relations,
)
from barometer.engine.disclosure.rule import rule_reason
from barometer.engine.figures import ResolvedIndicator
from barometer.engine.indicators import evaluate
from barometer.engine.weighting import StratumRule, Weighting, stratum_of
from surveys.bands import employees_band
from surveys.models import SECTOR_OF_WORKPLACE_TYPE, AnswerChoice, County, Response, ResponseStatus, Round

WORKPLACES = "n:workplaces"

# The findings' subgroups (barometer.reports.findings), part of the fixed set.
FINDINGS_GROUPS = (
    Group.of("Primary schools and kindergartens", workplace_type=["primary_school", "kindergarten"]),
    Group.of("Nursing homes and upper-secondary schools", workplace_type=["nursing_home", "upper_secondary"]),
    *(Group.of(f"employee band {band}", employees_band=band) for band, _low, _high in EMPLOYEE_BANDS),
)

# Weights are N/n per stratum; an exact fraction with a denominator this small is recovered
# from the float the engine uses (n is a number of respondents).
_WEIGHT_DENOMINATOR_LIMIT = 10**6


def finest_cell_of(cell: Cell, municipality: str = "") -> FinestCell:
    """The finest-cell form of an engine ``Cell`` (the municipality is not in it)."""
    return FinestCell(
        workplace_type=cell.workplace_type,
        municipality=municipality,
        employees_band=cell.employees_band,
        sector=str(SECTOR_OF_WORKPLACE_TYPE.get(cell.workplace_type, "")),
        size_class=cell.size_class,
        centrality=cell.centrality,
        county=cell.county,
    )


def _to_fraction(value: float) -> Fraction:
    return Fraction(value).limit_denominator(_WEIGHT_DENOMINATOR_LIMIT)


def stratum_rule(round_: Round) -> StratumRule:
    """The published rule for the weighting strata of ``round_``, for
    ``post_stratification(acceptable=...)``: a weight N/n tells anyone who knows N the
    stratum's n, so a stratum (or pool of strata) needs what a published group needs: at
    least ``MIN_PUBLISHED`` respondents, and for every municipality (whose staff read its
    workplaces' reports) 0 or at least ``MIN_UNKNOWN`` respondents outside it. One query.
    """
    region_of_county = dict(County.objects.values_list("number", "region__code"))
    dimensions = tuple(settings.BAROMETER_WEIGHTING_STRATA)
    by_stratum: dict[tuple[str, str], Counter] = defaultdict(Counter)
    rows = (
        Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED, workplace__isnull=False)
        .values("workplace_type", "municipality__county__number", "municipality__number")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("workplace_type", "municipality__county__number", "municipality__number", "n")
    )
    for workplace_type, county, municipality, n in rows:
        stratum = stratum_of(workplace_type, region_of_county.get(county, ""), dimensions)
        by_stratum[stratum][municipality] += n

    def acceptable(members: frozenset[tuple[str, str]]) -> bool:
        by_municipality: Counter = Counter()
        for stratum in members:
            by_municipality.update(by_stratum.get(stratum, {}))
        return rule_reason(sum(by_municipality.values()), by_municipality.values()) is None

    return acceptable


def failing_strata(data: RoundData) -> list[str]:
    """The labels of ``data``'s weighting strata (``known_sets``) that fail the published
    rule: fewer than ``MIN_PUBLISHED`` workplaces, or 1 to ``MIN_UNKNOWN - 1`` outside one
    municipality. Empty when every stratum passes (or the data is unweighted)."""
    count = data.workplaces.count
    failing = []
    for cell_set in data.known_sets:
        by_municipality: Counter = Counter()
        for cell in cell_set.cells:
            by_municipality[cell.municipality] += data.values[cell].get(count, 0)
        if rule_reason(sum(by_municipality.values()), by_municipality.values()) is not None:
            failing.append(cell_set.label)
    return failing


def round_data(
    round_: Round, resolved: list[ResolvedIndicator], weighting: Weighting | None = None
) -> tuple[RoundData, dict[str, str]]:
    """The round's totals per finest cell, its bases and, when weighted, stratum weights
    and the weighting strata as sets every viewer knows the size of (``known_sets``); and
    the base key of every indicator (by indicator key).

    Two queries: the submitted responses with their cells, and their chosen options.
    """
    responses = list(
        Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED, workplace__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "workplace_type",
            "municipality__number",
            "municipality__size_class",
            "municipality__centrality",
            "municipality__county__number",
            "employees",
        )
    )
    chosen: dict[int, set[int]] = defaultdict(set)
    for response_id, option_id in AnswerChoice.objects.filter(
        response__round=round_, response__status=ResponseStatus.SUBMITTED, response__workplace__isnull=False
    ).values_list("response_id", "option_id"):
        chosen[response_id].add(option_id)

    values: dict[FinestCell, dict[Quantity, Fraction | int]] = defaultdict(lambda: defaultdict(int))
    profiles: set[tuple] = set()
    for pk, workplace_type, municipality, size_class, centrality, county, employees in responses:
        cell = FinestCell(
            workplace_type=workplace_type,
            municipality=municipality,
            employees_band=employees_band(employees),
            sector=str(SECTOR_OF_WORKPLACE_TYPE.get(workplace_type, "")),
            size_class=size_class,
            centrality=centrality,
            county=county,
        )
        # The response's own contribution to every quantity: its profile.
        profile: dict[Quantity, Fraction | int] = {WORKPLACES: 1}
        for item in resolved:
            own = evaluate(item.spec, chosen.get(pk, set()))
            if not own.applies:
                continue
            key = item.spec.key
            profile[f"n:{key}"] = 1
            value = Fraction(own.value)
            if item.spec.is_share:
                profile[f"num:{key}"] = int(value)
            else:
                profile[f"sum:{key}"] = value
                profile[f"sumsq:{key}"] = value * value
        profiles.add(tuple(sorted(profile.items())))
        totals = values[cell]
        for quantity, value in profile.items():
            totals[quantity] += value
    cells = sorted(values)
    weights = None
    strata: dict[tuple[str, str], list[FinestCell]] = defaultdict(list)
    if weighting is not None:
        weights = {}
        for cell in cells:
            stratum = weighting.stratum(cell.workplace_type, weighting.region_of_county.get(cell.county, ""))
            weights[cell] = _to_fraction(weighting.weights.of(stratum))
            strata[weighting.weights.merged.get(stratum, stratum)].append(cell)
    known_sets = tuple(
        CellSet(f"weighting stratum {kind}/{region}", f"weighting stratum {kind} in {region}", frozenset(members))
        for (kind, region), members in sorted(strata.items())
    )
    return _with_bases(
        {cell: dict(values[cell]) for cell in cells}, resolved, weights, [dict(p) for p in profiles], known_sets
    )


def _with_bases(
    values, resolved: list[ResolvedIndicator], weights, profiles, known_sets=()
) -> tuple[RoundData, dict[str, str]]:
    cells = sorted(values)

    def vector(quantity: Quantity) -> tuple:
        return tuple(values[cell].get(quantity, 0) for cell in cells)

    bases: list[Base] = []
    base_by_vector: dict[tuple, int] = {}
    measures: dict[int, list[Quantity]] = defaultdict(list)
    indicator_base: dict[str, int] = {}

    def base_for(count: Quantity, key: str) -> int:
        found = vector(count)
        if found not in base_by_vector:
            base_by_vector[found] = len(bases)
            bases.append(Base(key, count))
        return base_by_vector[found]

    base_for(WORKPLACES, "workplaces")
    for item in resolved:
        key = item.spec.key
        population = str(item.indicator.population or "")
        name = population if population and population not in {b.key for b in bases} else key
        index = base_for(f"n:{key}", name)
        indicator_base[key] = index
        if item.spec.is_share:
            measures[index].append(f"num:{key}")
        else:
            measures[index] += [f"sum:{key}", f"sumsq:{key}"]
    bases = [Base(base.key, base.count, tuple(measures[i])) for i, base in enumerate(bases)]

    composition = linear_relations(profiles, [q for base in bases for q in base.quantities])
    data = RoundData(values=values, bases=tuple(bases), composition=composition, weights=weights, known_sets=known_sets)
    return data, {key: bases[index].key for key, index in indicator_base.items()}
