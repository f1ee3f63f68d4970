"""The disclosure audit: separate code from the suppression, so that a fault in one is
caught by the other.

Every shown number is a row of a linear system whose unknowns are the counts of the
finest cells (one unknown per atom quantity and cell): a count or numerator is the sum
of its cells; a weighted figure is a row with the stratum weights (or their squares, for
the effective n) as known coefficients. Every shown figure is treated as exact. A viewer
also knows some rows: a municipality knows every count of its own workplaces' cells
(unit rows), a respondent knows its own answers (which shifts its own cell's count by a
known constant and so changes which of its cell's totals are sensitive, not the span).

Sensitive: every figure hidden by the public rule; every figure hidden for any reason
whose group has 1-4 workplaces unknown to the viewer; every total of a finest cell, and of
a difference of two nested groups or a group's part in one stratum (``model.derived_sets``),
or of cells no group tells apart (counted together by every figure), with 1-4 workplaces
unknown to the viewer among those the total is about
(``model.population_of``: a numerator's base) (2-5 when the respondent's own cell is in it:
1-4 others). The
audit fails when a sensitive count lies in the span of the shown rows plus the viewer's
known rows, decided by exact rational elimination.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from barometer.engine.disclosure.linear import EchelonBasis, Vector
from barometer.engine.disclosure.model import (
    DIFFERENCE_MAX,
    CellSet,
    FewUnknown,
    FinestCell,
    Group,
    Quantity,
    RoundData,
    derived_sets,
    population_of,
)

CELL_SENSITIVE_MAX = 4


@dataclass(frozen=True)
class ShownFigure:
    """One shown number: the group's total of ``quantity`` weighted by the stratum
    weight to ``power`` (0: plain total, 1: weighted total, 2: sum of squared weights)."""

    group: Group
    quantity: Quantity
    power: int = 0


@dataclass(frozen=True)
class HiddenFigure:
    """A figure not shown: the group's total of ``quantity``; ``primary`` when it is
    sensitive for every viewer (a base of fewer than 6 workplaces, ``Reason.always_sensitive``);
    otherwise it is sensitive only for a viewer to whom 1-4 of its workplaces are unknown."""

    group: Group
    quantity: Quantity
    primary: bool


@dataclass(frozen=True)
class Viewer:
    """Who looks: the public (nothing known), a municipality (the counts of ``known``
    cells) or a respondent (its own answers, in ``own_cell``)."""

    name: str
    known: frozenset[FinestCell] = frozenset()
    own_cell: FinestCell | None = None


PUBLIC = Viewer("the public")


@dataclass(frozen=True)
class Leak:
    """A sensitive count that ``viewer`` can work out."""

    viewer: str
    subject: str  # the hidden group's label or the finest cell's name
    quantity: Quantity

    def __str__(self) -> str:
        return f"{self.viewer}: {self.subject} ({self.quantity})"


@dataclass(frozen=True)
class AuditResult:
    leaks: tuple[Leak, ...]
    viewers: int
    rows: int

    @property
    def passed(self) -> bool:
        return not self.leaks


def _blocks(data: RoundData, quantities: Iterable[Quantity]) -> list[tuple[Quantity, ...]]:
    """Atoms that appear together in a quantity, grouped (plain union of overlapping sets)."""
    groups: list[set[Quantity]] = []
    for quantity in quantities:
        atoms = set(data.atoms_of(quantity))
        overlapping = [g for g in groups if g & atoms]
        for g in overlapping:
            atoms |= g
            groups.remove(g)
        groups.append(atoms)
    return sorted(tuple(sorted(g)) for g in groups)


class _System:
    """The shown rows of one block of atoms, over every finest cell."""

    def __init__(self, data: RoundData, atoms: tuple[Quantity, ...], shown: list[ShownFigure], members_of):
        self.data = data
        self.members_of = members_of
        self.atoms = atoms
        self.column = {(atom, cell): i for i, (atom, cell) in enumerate((a, c) for c in data.cells for a in atoms)}
        self.basis = EchelonBasis()
        for figure in shown:
            self.basis.add(self.row(figure.group, figure.quantity, figure.power))
        self._residuals: dict[frozenset, Vector] = {}

    def row(self, group: Group | None, quantity: Quantity, power: int, cells: Iterable[FinestCell] | None = None):
        row: Vector = {}
        pool = self.members_of(group) if cells is None else cells
        terms = self.data.expansion(quantity).items()
        for cell in pool:
            weight = self.data.weight(cell, power)
            for atom, coefficient in terms:
                column = self.column[(atom, cell)]
                row[column] = row.get(column, 0) + weight * coefficient
        return {c: v for c, v in row.items() if v}

    def residual(self, vector: Vector, key=None) -> Vector:
        """``vector`` reduced by the shown rows, cached under ``key`` (every viewer asks
        about the same sensitive counts; the vector's entries when no key is given)."""
        key = frozenset(vector.items()) if key is None else key
        found = self._residuals.get(key)
        if found is None:
            found = self._residuals[key] = self.basis.reduce(vector)
        return found

    def cell_residual(self, cell_id: int, cell: FinestCell, quantity: Quantity) -> Vector:
        """The residual of one finest cell's total of ``quantity`` (cached by the cell's
        number ``cell_id``)."""
        key = (cell_id, quantity)
        found = self._residuals.get(key)
        if found is None:
            found = self._residuals[key] = self.basis.reduce(self.row(None, quantity, 0, [cell]))
        return found

    def set_residual(self, key: str, cells, quantity: Quantity) -> Vector:
        """The residual of the total of ``quantity`` over a set of cells (cached by key)."""
        found = self._residuals.get(("set", key, quantity))
        if found is None:
            found = self._residuals[("set", key, quantity)] = self.basis.reduce(
                self.row(None, quantity, 0, [cell for cell in self.data.cells if cell in cells])
            )
        return found

    def group_residual(self, group: Group, quantity: Quantity) -> Vector:
        """The residual of a whole group's total of ``quantity`` (cached)."""
        key = ("group", group.key, quantity)
        found = self._residuals.get(key)
        if found is None:
            found = self._residuals[key] = self.basis.reduce(self.row(group, quantity, 0))
        return found

    def derivable_for(self, known: frozenset[FinestCell]):
        """A test, given a vector's residual under the shown rows (``residual``,
        ``cell_residual``, ``group_residual``), of whether the vector lies in the span of the
        shown rows plus a unit row for every count of every known cell.

        Exact, and cheaper than adding the unit rows to a copy of the shown rows for each
        viewer: with R the shown rows' reduced basis, v is in span(R + E) exactly when v's
        residual under R is in the span of the unit rows' residuals under R (a non-zero
        vector of span(R) is non-zero at one of R's pivots, and residuals are zero there).
        A residual with an entry outside those residuals' columns cannot be in their span.
        """
        if not known:

            def contains_nothing_known(residual: Vector) -> bool:
                return not residual

            contains_nothing_known.support = set()
            return contains_nothing_known
        units = EchelonBasis()
        support: set = set()
        for cell in sorted(known):
            for atom in self.atoms:
                column = self.column.get((atom, cell))
                if column is not None:
                    unit = self.residual({column: 1}, key=("unit", column))
                    if unit:
                        support.update(unit)
                        units.add(unit)

        def contains(residual: Vector) -> bool:
            """Whether the vector whose residual this is lies in the span."""
            if not residual:
                return True
            if not support.issuperset(residual):
                return False
            return units.contains(residual)

        contains.support = support  # only a residual within these columns can be in the span
        return contains


def audit(
    data: RoundData,
    shown: Iterable[ShownFigure],
    hidden: Iterable[HiddenFigure],
    viewers: Iterable[Viewer] = (PUBLIC,),
) -> AuditResult:
    """Check that no viewer can work out a sensitive count from the shown figures and the
    sizes of the weighting strata (``RoundData.known_sets``), which every viewer knows.

    Returns an ``AuditResult`` whose ``leaks`` name every sensitive count some viewer
    can derive (empty when the audit passes). Raises ``KeyError`` when a figure names a
    quantity ``data`` does not hold.
    """
    # What every viewer knows without a figure: the size of each weighting stratum.
    shown = [*shown, *(ShownFigure(cell_set, data.workplaces.count, 0) for cell_set in data.known_sets)]
    hidden = list(hidden)
    viewers = list(viewers)
    published_groups = {f.group.key: f.group for f in shown} | {f.group.key: f.group for f in hidden}
    # The strata are shown as cell sets; derived_sets adds them itself.
    known_sets = [viewer.known for viewer in viewers]
    differences = derived_sets(data, [g for g in published_groups.values() if isinstance(g, Group)], known_sets)
    differences += _untold_sets(data, list(published_groups.values()), known_sets, {d.cells for d in differences})
    quantities = sorted({f.quantity for f in shown} | {f.quantity for f in hidden} | _all_quantities(data))
    leaks: list[Leak] = []
    workplaces = data.workplaces.count
    cells = data.cells
    membership: dict[str, list[FinestCell]] = {}

    def members_of(group: Group) -> list[FinestCell]:
        if group.key not in membership:
            membership[group.key] = [cell for cell in cells if group.contains(cell)]
        return membership[group.key]

    # Cells by number, so that the loops below hash small integers, not cells.
    number = {cell: i for i, cell in enumerate(cells)}
    # The workplaces a total of each quantity is about (a numerator: its base's).
    population = {q: population_of(data, data.base_of(q), q) for q in _all_quantities(data)}
    populations = sorted(set(population.values()))
    # Cells with 1-5 workplaces on some population: a total of theirs may be sensitive.
    small_cells = [
        (number[c], c)
        for c in cells
        if any(0 < data.values[c].get(count, 0) <= CELL_SENSITIVE_MAX + 1 for count in populations)
    ]
    sizes: dict[tuple[str, Quantity], int] = {}
    difference_size = {
        (d.key, count): sum(data.values[cell].get(count, 0) for cell in d.cells)
        for d in differences
        for count in populations
    }

    def size_of(group: Group, count: Quantity) -> int:
        """The group's total of the base count ``count`` (cached)."""
        key = (group.key, count)
        if key not in sizes:
            sizes[key] = sum(data.values[cell].get(count, 0) for cell in members_of(group))
        return sizes[key]

    by_known: dict[frozenset[FinestCell], list[Viewer]] = {}
    for viewer in viewers:
        by_known.setdefault(viewer.known, []).append(viewer)
    published = _all_quantities(data)
    shown_by_quantity: dict[Quantity, set[tuple[str, int]]] = {}
    for figure in shown:
        shown_by_quantity.setdefault(figure.quantity, set()).add((figure.group.key, figure.power))
    hidden_by_quantity: dict[Quantity, set[tuple[str, bool]]] = {}
    for figure in hidden:
        hidden_by_quantity.setdefault(figure.quantity, set()).add((figure.group.key, figure.primary))
    # Blocks whose quantities play the same roles with the same shown and hidden groups
    # (say, the numerators of two indicators on one base) give the same answers: solve one
    # and name the leaks for each.
    twins: dict[tuple, list[tuple[tuple[Quantity, ...], list[Quantity]]]] = {}
    for atoms in _blocks(data, quantities):
        inside = [q for q in quantities if set(data.atoms_of(q)) <= set(atoms)]
        index = {atom: i for i, atom in enumerate(atoms)}
        # In the block's own order, so that twins' quantities correspond position by position.
        signature = tuple(
            (
                data.base_of(q).key if q in published else "",
                q == data.base_of(q).count if q in published else False,
                tuple(sorted((index[a], c) for a, c in data.expansion(q).items())),
                tuple(sorted(shown_by_quantity.get(q, ()))),
                tuple(sorted(hidden_by_quantity.get(q, ()))),
            )
            for q in inside
        )
        twins.setdefault(signature, []).append((atoms, inside))
    for blocks in twins.values():
        atoms, inside = blocks[0]
        names = {q: [other[1][i] for other in blocks] for i, q in enumerate(inside)}
        inside_set = set(inside)
        system = _System(data, atoms, [f for f in shown if f.quantity in inside_set], members_of)
        # Every small cell's residual, filed under its first column (None: empty residual).
        first_columns: dict[int | None, list[tuple[int, FinestCell, int, Quantity]]] = {}
        for cell_id, cell in small_cells:
            for quantity in inside:
                count = data.values[cell].get(population.get(quantity, workplaces), 0)
                if not 0 < count <= CELL_SENSITIVE_MAX + 1:
                    continue
                residual = system.cell_residual(cell_id, cell, quantity)
                first_columns.setdefault(min(residual) if residual else None, []).append(
                    (cell_id, cell, count, quantity)
                )
        for known, group_of_viewers in by_known.items():
            derivable_by_viewer = system.derivable_for(known)
            known_ids = {number[cell] for cell in known if cell in number}
            # Hidden figures: the same for every viewer who knows the same cells.
            for figure in hidden:
                if figure.quantity not in inside_set:
                    continue
                known_members = [cell for cell in known if cell in number and figure.group.contains(cell)]
                if len(known_members) == len(members_of(figure.group)):
                    continue  # the viewer knows the whole group
                # Workplaces on the figure's own base that the viewer does not know.
                count = data.base_of(figure.quantity).count
                unknown = size_of(figure.group, count) - sum(data.values[c].get(count, 0) for c in known_members)
                if not (figure.primary or unknown <= CELL_SENSITIVE_MAX):
                    continue
                # The whole group's row: the known cells' part of it is known to the viewer.
                if derivable_by_viewer(system.group_residual(figure.group, figure.quantity)):
                    leaks.extend(
                        Leak(v.name, figure.group.label, name)
                        for v in group_of_viewers
                        for name in names[figure.quantity]
                    )
            # Finest cells: derivable once per known set; sensitive per viewer (a
            # respondent's own cell of 5 has 4 others). A residual can only lie in the span
            # of the known cells' residuals if its first column is one of theirs.
            derivable: list[tuple[FinestCell, int, Quantity]] = []
            candidates = list(first_columns.get(None, ()))
            for column in derivable_by_viewer.support:
                candidates.extend(first_columns.get(column, ()))
            for cell_id, cell, count, quantity in candidates:
                if cell_id not in known_ids and derivable_by_viewer(system.cell_residual(cell_id, cell, quantity)):
                    derivable.append((cell, count, quantity))
            for viewer in group_of_viewers:
                for cell, count, quantity in derivable:
                    others = count - 1 if cell == viewer.own_cell else count
                    if 0 < others <= CELL_SENSITIVE_MAX:
                        leaks.extend(Leak(viewer.name, cell.name, name) for name in names[quantity])
            # Differences of two nested groups: like cells, but several of them.
            for difference in differences:
                known_in = [cell for cell in known if cell in difference.cells]
                for quantity in inside:
                    count = population.get(quantity, workplaces)
                    unknown = difference_size[(difference.key, count)] - sum(
                        data.values[cell].get(count, 0) for cell in known_in
                    )
                    if not 0 < unknown <= CELL_SENSITIVE_MAX + 1:
                        continue
                    if not derivable_by_viewer(system.set_residual(difference.key, difference.cells, quantity)):
                        continue
                    for viewer in group_of_viewers:
                        others = unknown - 1 if viewer.own_cell in difference.cells else unknown
                        if 0 < others <= CELL_SENSITIVE_MAX:
                            leaks.extend(Leak(viewer.name, difference.label, name) for name in names[quantity])
    return AuditResult(leaks=tuple(leaks), viewers=len(viewers), rows=len(shown))


def _untold_sets(data: RoundData, sets: list, known_sets: list, seen: set) -> list[CellSet]:
    """The sets of several finest cells that no shown or hidden group (nor weighting
    stratum) tells apart: every such figure counts them together, so their total is what
    can be derived, never a part. Each is sensitive like a cell when some viewer has 1 to 5
    of its workplaces unknown on some population (``FewUnknown``); found here from the
    groups themselves, apart from the suppression's own classes."""
    together: dict[tuple, list[FinestCell]] = {}
    for cell in data.cells:
        weight = data.weights[cell] if data.weights is not None else None
        together.setdefault((tuple(group.contains(cell) for group in sets), weight), []).append(cell)
    few_unknown = FewUnknown(data, known_sets)
    found = []
    for cells in together.values():
        members = frozenset(cells)
        if len(cells) > 1 and members not in seen and few_unknown(cells, DIFFERENCE_MAX):
            first = min(cells)
            label = f"{first.name} and {len(cells) - 1} more cells no group tells apart"
            found.append(CellSet(f"untold:{label}", label, members))
    return sorted(found, key=lambda cell_set: cell_set.key)


def _all_quantities(data: RoundData) -> set[Quantity]:
    return {quantity for base in data.bases for quantity in base.quantities}
