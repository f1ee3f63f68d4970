"""What a round publishes, described for disclosure control: finest cells, the fixed set of
groups as a model matrix over them, and the quantities (counts, numerators, sums) every
shown figure is built from. Pure: plain values in, no database.

Vocabulary (as in Statistics Norway's GaussSuppression): the *finest cells* are the inner
cells (workplace type x municipality x employee band); every published group is a sum
over them, so the model matrix has one column per finest cell and one row per group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from barometer.engine.disclosure.modular import ModularBasis, monic, rational, residue

Quantity = str  # the name of a per-cell total, e.g. "n:workplaces", "num:external-collaboration"

GROUP_DIMENSIONS = ("sector", "workplace_type", "size_class", "centrality", "county", "employees_band")


@dataclass(frozen=True, order=True)
class FinestCell:
    """An inner cell: the workplaces of one type in one municipality in one employee band.

    ``sector``, ``size_class``, ``centrality`` and ``county`` follow from the type and the
    municipality; they are carried so that groups can be matched without a lookup.
    """

    workplace_type: str
    municipality: str  # municipality number
    employees_band: int  # 0 when unknown
    sector: str = ""
    size_class: int = 0
    centrality: int = 0
    county: str = ""  # county number

    @property
    def name(self) -> str:
        return f"{self.workplace_type} in municipality {self.municipality}, employee band {self.employees_band}"


@dataclass(frozen=True)
class Group:
    """A published group: every finest cell whose values lie in ``criteria``.

    ``criteria`` is a tuple of (dimension, allowed values), dimension one of
    ``GROUP_DIMENSIONS``; no criteria is the national total.
    """

    key: str
    label: str
    criteria: tuple[tuple[str, frozenset], ...] = ()

    @classmethod
    def of(cls, label: str = "", **criteria: object) -> Group:
        """A group from keyword criteria; a value may be one value or a collection of values."""
        parts = []
        for dimension in GROUP_DIMENSIONS:
            if dimension not in criteria or criteria[dimension] is None:
                continue
            value = criteria[dimension]
            values = frozenset(value) if isinstance(value, list | tuple | set | frozenset) else frozenset([value])
            parts.append((dimension, values))
        unknown = set(criteria) - set(GROUP_DIMENSIONS)
        if unknown:
            raise ValueError(f"unknown group dimensions: {sorted(unknown)}")
        key = ";".join(f"{d}={'+'.join(sorted(map(str, v)))}" for d, v in parts) or "national"
        return cls(key=key, label=label or key, criteria=tuple(parts))

    def contains(self, cell: FinestCell) -> bool:
        """Whether ``cell`` lies in the group. A plain loop: publishing asks this about a
        million times for a round of 200 workplaces, and ``all()`` over a generator took
        twice as long."""
        for dimension, values in self.criteria:  # noqa: SIM110 (see above)
            if getattr(cell, dimension) not in values:
                return False
        return True

    @property
    def coarseness(self) -> int:
        """How many dimensions the group is cut by: 0 for the national total."""
        return len(self.criteria)


def fixed_groups(cells: Iterable[FinestCell], extra: Iterable[Group] = ()) -> list[Group]:
    """The fixed set of published groups that hold at least one of ``cells``.

    National; each sector, workplace type, size class, centrality class and county; each
    workplace type crossed with each size class, centrality class and county; then
    ``extra`` (the findings' subgroups). Groups are returned in a deterministic order.
    """
    cells = sorted(set(cells))
    groups: dict[str, Group] = {}

    def put(group: Group) -> None:
        if group.key not in groups and any(group.contains(cell) for cell in cells):
            groups[group.key] = group

    put(Group.of("national"))
    for dimension in ("sector", "workplace_type", "size_class", "centrality", "county"):
        for value in sorted({getattr(cell, dimension) for cell in cells}, key=str):
            put(Group.of(**{dimension: value}))
    for workplace_type in sorted({cell.workplace_type for cell in cells}):
        for dimension in ("size_class", "centrality", "county"):
            for value in sorted({getattr(c, dimension) for c in cells if c.workplace_type == workplace_type}, key=str):
                put(Group.of(workplace_type=workplace_type, **{dimension: value}))
    for group in extra:
        if group.key not in groups and any(group.contains(cell) for cell in cells):
            groups[group.key] = group
    return list(groups.values())


@dataclass(frozen=True)
class Base:
    """A population some figures are on: its count quantity and the other quantities
    (numerators, sums, sums of squares) shown for a group on this base."""

    key: str
    count: Quantity
    measures: tuple[Quantity, ...] = ()

    @property
    def quantities(self) -> tuple[Quantity, ...]:
        return (self.count, *self.measures)


#: A linear combination of quantities: each quantity's coefficient.
Combination = Mapping[Quantity, int | Fraction]


@dataclass
class RoundData:
    """A round's totals per finest cell, for disclosure control.

    ``values[cell][quantity]`` is the cell's total of every quantity (ints or Fractions);
    ``composition`` says which quantities are linear combinations of others in every cell:
    a tuple of quantities for a plain sum (all workplaces = innovators + non-innovators),
    or a ``Combination`` with each part's coefficient (non-innovators = workplaces -
    innovators). Quantities not in it are *atoms*, the unknowns of the linear system.
    ``weights`` holds each cell's stratum weight when figures are weighted (None:
    unweighted). ``bases[0]`` must be the base of all workplaces: hiding its count hides
    the whole group. ``known_sets`` are sets of cells whose number of workplaces every
    viewer knows without any figure: the weighting strata, since a stratum's weight N/n
    tells n to anyone who knows its population N (and the effective n shown beside
    weighted figures gives the weights away).
    """

    values: Mapping[FinestCell, Mapping[Quantity, int | Fraction]]
    bases: tuple[Base, ...]
    composition: Mapping[Quantity, tuple[Quantity, ...] | Combination] = field(default_factory=dict)
    weights: Mapping[FinestCell, Fraction] | None = None
    known_sets: tuple[CellSet, ...] = ()
    _expansions: dict[Quantity, dict[Quantity, int | Fraction]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _expanding: set[Quantity] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seen: dict[Quantity, str] = {}
        for base in self.bases:
            for quantity in base.quantities:
                if quantity in seen:
                    raise ValueError(f"quantity {quantity} belongs to bases {seen[quantity]} and {base.key}")
                seen[quantity] = base.key

    @property
    def workplaces(self) -> Base:
        return self.bases[0]

    @property
    def cells(self) -> list[FinestCell]:
        """The finest cells with at least one workplace, sorted."""
        count = self.workplaces.count
        return sorted(cell for cell, values in self.values.items() if values.get(count, 0))

    def expansion(self, quantity: Quantity) -> dict[Quantity, int | Fraction]:
        """``quantity`` as a combination of atoms: {atom: coefficient}, no zero coefficient
        (``{quantity: 1}`` for an atom). Cached. Raises ``ValueError`` when the composition
        goes round in a circle."""
        found = self._expansions.get(quantity)
        if found is not None:
            return found
        if quantity in self._expanding:
            raise ValueError(f"the composition of {quantity} goes round in a circle")
        parts = self.composition.get(quantity)
        if not parts:
            result: dict[Quantity, int | Fraction] = {quantity: 1}
        else:
            self._expanding.add(quantity)
            terms = parts.items() if isinstance(parts, Mapping) else ((part, 1) for part in parts)
            result = {}
            for part, coefficient in terms:
                for atom, inner in self.expansion(part).items():
                    result[atom] = result.get(atom, 0) + coefficient * inner
            result = {atom: coefficient for atom, coefficient in result.items() if coefficient}
            self._expanding.discard(quantity)
        self._expansions[quantity] = result
        return result

    def atoms_of(self, quantity: Quantity) -> tuple[Quantity, ...]:
        """The atoms ``quantity`` is a combination of (itself when it is an atom)."""
        return tuple(self.expansion(quantity))

    def base_of(self, quantity: Quantity) -> Base:
        for base in self.bases:
            if quantity in base.quantities:
                return base
        raise KeyError(quantity)

    def total(self, group: Group, quantity: Quantity, cells: Iterable[FinestCell] | None = None):
        """The group's total of ``quantity`` (over ``cells`` only, when given)."""
        pool = self.cells if cells is None else cells
        return sum((self.values[cell].get(quantity, 0) for cell in pool if group.contains(cell)), 0)

    def powers(self, base: Base, quantity: Quantity) -> tuple[int, ...]:
        """The powers of the stratum weight each shown figure of ``quantity`` uses.

        Unweighted: the plain total (power 0). Weighted: a count is shown as n (0), its
        weighted total (1) and, through the effective n, its sum of squared weights (2);
        a numerator or sum is shown weighted (1).
        """
        if self.weights is None:
            return (0,)
        if quantity == base.count:
            return (0, 1, 2)
        return (1,)

    def weight(self, cell: FinestCell, power: int) -> int | Fraction:
        if power == 0 or self.weights is None:
            return 1
        weight = Fraction(self.weights[cell])
        result = weight**power
        return result.numerator if result.denominator == 1 else result


def linear_relations(
    rows: Iterable[Mapping[Quantity, int | Fraction]], quantities: Sequence[Quantity]
) -> dict[Quantity, dict[Quantity, Fraction]]:
    """Every quantity that is a linear combination of the others in every row, as that
    combination: ``{quantity: {part: coefficient}}``, ready for ``RoundData.composition``.

    ``rows`` are the respondents' profiles: each one's own value of every quantity (1 in
    every count it is part of; its numerator, score and squared score); a quantity a
    profile lacks is 0. A tie that holds for every respondent holds for every cell and
    group total, and is how the questionnaire and the indicators are built, so a viewer
    can subtract along it: all workplaces = innovators + non-innovators; innovators =
    those who collaborated outside the municipality + those who did not (the two findings
    bases); reused solutions = copied + adapted; the culture index's sum = innovators'
    sum + non-innovators' sum. Rather than list the ties by hand, they are found: each
    quantity is a column over the distinct profiles, and a column in the span of the
    columns before it is a combination of them. Columns are taken smallest total first, so
    that a total is written as the sum of its parts. A tie that holds only by chance (a
    tiny round has few distinct profiles) is still true of the round's figures: declaring
    it can only make secondary suppression and the audit stricter. A quantity that is zero
    in every row is left an unknown (declaring it a known zero would call every hidden
    zero derivable).

    The elimination runs modulo ``PRIME``; each combination is read back as exact
    fractions (``rational``) and checked row by row, so no tie is declared that does not
    hold exactly. Returns an empty dict when the quantities are independent.
    """
    rows = list(rows)
    totals = [sum(row.get(q, 0) for row in rows) for q in quantities]
    distinct = sorted({tuple(row.get(q, 0) for q in quantities) for row in rows})
    width = len(distinct)
    basis = ModularBasis()
    relations: dict[Quantity, dict[Quantity, Fraction]] = {}
    for j in sorted(range(len(quantities)), key=lambda j: (totals[j], j)):
        column = {i: residue(row[j]) for i, row in enumerate(distinct) if row[j]}
        if not column:
            continue
        # The column, tagged with itself beyond the rows: what remains of the tags when the
        # rows are eliminated says which combination of earlier columns it equals.
        residual = basis.reduce({**column, width + j: 1})
        first = min(residual)
        if first < width:
            basis.append(first, monic(residual))
            continue
        combination = {}
        for tag, value in residual.items():
            if tag == width + j:
                continue
            coefficient = rational(-value)
            if coefficient is None:
                break
            combination[tag - width] = coefficient
        else:
            if all(sum(c * row[k] for k, c in combination.items()) == row[j] for row in distinct):
                relations[quantities[j]] = {quantities[k]: c for k, c in combination.items()}
    return relations


#: A difference of two nested groups with at most this many workplaces is sensitive: 1-4,
#: and 5 for a respondent inside it (4 others).
DIFFERENCE_MAX = 5


@dataclass(frozen=True)
class CellSet:
    """A set of finest cells that is no group of the fixed set but whose totals two shown
    groups give away by subtraction (``nested_differences``). Answers ``contains`` like a
    ``Group``, so the suppression and the audit treat it alike."""

    key: str
    label: str
    cells: frozenset[FinestCell]

    def contains(self, cell: FinestCell) -> bool:
        return cell in self.cells


def population_of(data: RoundData, base: Base, quantity: Quantity) -> Quantity:
    """The count quantity whose workplaces a total of ``quantity`` is about, for judging
    whether it is sensitive: a numerator, sum or sum of squares is about the workplaces on
    its own base (how many of a cell's 2 innovators collaborated outside tells about those
    2, however many workplaces the cell has); a base's own count is about all workplaces
    (that 2 of a cell's 10 workplaces innovated is a figure about the 10)."""
    return data.workplaces.count if quantity == base.count else base.count


class FewUnknown:
    """Whether a set of cells holds 1 to ``limit`` workplaces that some viewer does not
    know, on some population (a base's count: ``population_of``): the public, who knows
    no cell, or a viewer who knows the cells of one of ``known_sets`` (a municipality's
    staff know their own workplaces' reports). Such a set's totals are sensitive for that
    viewer, however many workplaces the set holds in all.

    ``FewUnknown(data, known_sets)(cells, limit)`` -> bool."""

    def __init__(self, data: RoundData, known_sets: Iterable[frozenset[FinestCell]] = ()):
        self.values = data.values
        self.populations = tuple(dict.fromkeys(base.count for base in data.bases))
        self.owners: dict[FinestCell, list[int]] = {}
        for index, known in enumerate(known_sets):
            for cell in known:
                self.owners.setdefault(cell, []).append(index)

    def __call__(self, cells: Iterable[FinestCell], limit: int) -> bool:
        cells = list(cells)
        for count in self.populations:
            total, known = 0, {}
            for cell in cells:
                value = self.values[cell].get(count, 0)
                if value:
                    total += value
                    for index in self.owners.get(cell, ()):
                        known[index] = known.get(index, 0) + value
            if 0 < total <= limit or any(0 < total - part <= limit for part in known.values()):
                return True
        return False


def nested_differences(
    data: RoundData,
    groups: Iterable[Group],
    limit: int = DIFFERENCE_MAX,
    known_sets: Iterable[frozenset[FinestCell]] = (),
) -> list[CellSet]:
    """Every set A minus B, for groups A and B of ``groups`` where B's cells (those with
    workplaces) are a proper subset of A's, that holds more than one cell (a single cell
    is sensitive anyway) and 1 to ``limit`` workplaces unknown to some viewer on some
    population (``FewUnknown``: the public, or a viewer knowing one of ``known_sets``).
    Publishing both A and B would tell the totals of those few workplaces: a county and its
    primary schools when the county has 2 other workplaces; the innovators of a centrality
    class and of the one county inside it when 3 innovators are left; or a class and a
    county inside it when a municipality's staff know all but 4 of the rest. Sorted by
    key; each set once."""
    count = data.workplaces.count
    few_unknown = FewUnknown(data, known_sets)
    sized = []
    for group in groups:
        members = frozenset(cell for cell in data.cells if group.contains(cell))
        sized.append((group, members, sum(data.values[cell].get(count, 0) for cell in members)))
    found: dict[frozenset, CellSet] = {}
    rejected: set[frozenset] = set()
    for outer, outer_cells, outer_total in sized:
        for inner, inner_cells, inner_total in sized:
            if outer_total <= inner_total or len(outer_cells) - len(inner_cells) < 2:
                continue
            if inner_cells < outer_cells:
                difference = outer_cells - inner_cells
                if difference in found or difference in rejected:
                    continue
                if not few_unknown(difference, limit):
                    rejected.add(difference)
                    continue
                key = f"{outer.key} minus {inner.key}"
                found[difference] = CellSet(key, f"{outer.label} minus {inner.label}", difference)
    return sorted(found.values(), key=lambda cell_set: cell_set.key)


def stratum_parts(
    data: RoundData,
    groups: Iterable[Group],
    limit: int = DIFFERENCE_MAX,
    known_sets: Iterable[frozenset[FinestCell]] = (),
) -> list[CellSet]:
    """Every part of a group of ``groups`` that lies in one weighting stratum
    (``RoundData.known_sets``), when the group spans several strata, the part holds more
    than one cell (a single cell is sensitive anyway) and 1 to ``limit`` workplaces unknown
    to some viewer on some population (``FewUnknown``).

    Weighted figures use each stratum's own weight, so a group's n, weighted n and sum of
    squared weights are three equations in its counts per stratum: a group that spans up
    to three strata gives away each part (an attacker worked out a municipality's
    kindergartens this way, 14 of them). Such a part of a few workplaces is sensitive like
    a cell. Sorted by key; each set of cells once."""
    stratum_of: dict[FinestCell, int] = {}
    for index, cell_set in enumerate(data.known_sets):
        for cell in cell_set.cells:
            stratum_of[cell] = index
    if not stratum_of:
        return []
    few_unknown = FewUnknown(data, known_sets)
    found: dict[frozenset, CellSet] = {}
    for group in groups:
        parts: dict[int, list[FinestCell]] = {}
        for cell in data.cells:
            if cell in stratum_of and group.contains(cell):
                parts.setdefault(stratum_of[cell], []).append(cell)
        if len(parts) < 2:
            continue
        for index, cells in parts.items():
            members = frozenset(cells)
            if len(cells) > 1 and members not in found and few_unknown(cells, limit):
                stratum = data.known_sets[index]
                found[members] = CellSet(f"{group.key} in {stratum.key}", f"{group.label} in {stratum.label}", members)
    return sorted(found.values(), key=lambda cell_set: cell_set.key)


def derived_sets(
    data: RoundData, groups: Iterable[Group], known_sets: Iterable[frozenset[FinestCell]] = ()
) -> list[CellSet]:
    """The sets of cells that are no group but whose totals publishing ``groups`` can give
    away, each sensitive when it holds 1 to ``DIFFERENCE_MAX`` workplaces unknown to some
    viewer on some population (the public, or one knowing one of ``known_sets``):
    differences of two nested groups or strata (``nested_differences``) and a group's parts
    in one weighting stratum (``stratum_parts``). Each set of cells once; the suppression
    and the audit both take their list from here, and judge each set per viewer and per
    population themselves."""
    groups = sorted(groups, key=lambda group: group.key)
    known_sets = [known for known in known_sets if known]
    found = nested_differences(data, [*groups, *data.known_sets], known_sets=known_sets)
    seen = {cell_set.cells for cell_set in found}
    return found + [part for part in stratum_parts(data, groups, known_sets=known_sets) if part.cells not in seen]
