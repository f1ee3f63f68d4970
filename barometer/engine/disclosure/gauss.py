"""Secondary suppression by Gaussian elimination, in the manner of Statistics Norway's
GaussSuppression (Langsrud, "Secondary cell suppression by Gaussian elimination", 2024;
R packages SSBtools/GaussSuppression). Our own implementation, exact over the rationals.

The candidates (a group's figures on one base) are taken in a fixed order: coarser
groups first, then larger ones, so that they are the last to be suppressed. Each
candidate's rows (one per shown number, over the finest cells) are reduced against the
rows already published; a candidate whose rows would complete the elimination of a
sensitive count (make it a linear combination of published rows) is suppressed instead.
The same data always gives the same result.

The elimination runs modulo a large prime (``barometer.engine.disclosure.modular``): exact,
and fast with the weighted figures' coefficients. Very rarely (odds about 2^-61) it can
decide differently from rational elimination; the audit, separate code, checks the outcome
by exact rational elimination, and publishing refuses if it finds anything.

The linear system splits into independent blocks: the unknowns of a block are the
(atom, finest cell) counts of atoms linked by a composition (all workplaces = innovators
+ non-innovators, and every other relation ``round_data`` finds between the quantities);
every other atom (a numerator, a sum) is a block of its own. Blocks
with the same shape (the same bases and roles) give the same decisions and are solved once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from barometer.engine.disclosure.model import (
    Base,
    CellSet,
    FinestCell,
    Group,
    Quantity,
    RoundData,
    derived_sets,
    population_of,
)
from barometer.engine.disclosure.modular import PRIME, ModularBasis, Vector, monic, reduce_by, residue
from barometer.engine.disclosure.rule import Decisions, Reason, StaffKnowledge, primary_suppression

SMALL_CELL_MAX = 4  # a finest cell with 1-4 workplaces is sensitive
RESPONDENT_CELL_MAX = 5  # ... and one with 5, for the respondent inside it (4 others)


class KnownAlready(ValueError):
    """A sensitive count can be worked out from what a viewer knows before any figure is
    shown (its own workplaces, the sizes of the weighting strata): no suppression can
    protect it."""


def candidate_order(data: RoundData, groups: Iterable[Group]) -> list[tuple[Group, Base]]:
    """Every (group, base) in the order they are considered for publication: coarser
    groups first, then larger ones, then by key; within a group, bases in their order.
    The last in this order are the first to be suppressed."""
    sized = [(group.coarseness, -data.total(group, data.workplaces.count), group.key, group) for group in groups]
    return [(group, base) for *_key, group in sorted(sized, key=lambda item: item[:3]) for base in data.bases]


def components(data: RoundData) -> list[tuple[Quantity, ...]]:
    """The atoms of the round, grouped into blocks linked by compositions (sorted)."""
    parent: dict[Quantity, Quantity] = {}

    def find(atom: Quantity) -> Quantity:
        while parent.setdefault(atom, atom) != atom:
            parent[atom] = parent[parent[atom]]
            atom = parent[atom]
        return atom

    for base in data.bases:
        for quantity in base.quantities:
            atoms = data.atoms_of(quantity)
            for atom in atoms:
                find(atom)
            for atom in atoms[1:]:
                parent[find(atom)] = find(atoms[0])
    blocks: dict[Quantity, list[Quantity]] = {}
    for atom in sorted(parent):
        blocks.setdefault(find(atom), []).append(atom)
    return sorted(tuple(atoms) for atoms in blocks.values())


def column_classes(data: RoundData, groups: list[Group]) -> list[tuple[FinestCell, ...]]:
    """The finest cells merged into classes of identical model-matrix columns: cells in
    exactly the same groups and known sets (``RoundData.known_sets``), with the same
    stratum weight. Every shown row gives the cells
    of a class the same coefficient, so a row can only ever tell a class's total, never
    how it splits (GaussSuppression removes such duplicated columns in the same way).
    Classes are sorted by their first cell; cells within a class are sorted."""
    classes: dict[tuple, list[FinestCell]] = {}
    sets = [*groups, *data.known_sets]
    for cell in data.cells:
        weight = data.weights[cell] if data.weights is not None else None
        signature = (tuple(group.contains(cell) for group in sets), weight)
        classes.setdefault(signature, []).append(cell)
    return sorted(tuple(cells) for cells in classes.values())


@dataclass
class _Block:
    """One block of the linear system: the unknowns are the (atom, class) totals, a class
    being cells with identical columns (``column_classes``)."""

    data: RoundData
    atoms: tuple[Quantity, ...]
    quantities: list[tuple[Base, Quantity]]
    classes: list[tuple[FinestCell, ...]]
    basis: ModularBasis = field(default_factory=ModularBasis)
    sensitive: list[tuple[str, Vector]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._members: dict[str, list[int]] = {}
        self._totals: dict[str | tuple[str, str], int] = {}
        self._terms: dict[Quantity, list[tuple[Quantity, int]]] = {}
        self.class_counts = [_count(self.data, cells) for cells in self.classes]
        self.class_of = {cell: index for index, cells in enumerate(self.classes) for cell in cells}
        self.column = {
            (atom, index): position
            for position, (atom, index) in enumerate(
                (atom, index) for index in range(len(self.classes)) for atom in self.atoms
            )
        }
        self._weights = [
            tuple(residue(self.data.weight(cells[0], power)) for power in range(3)) for cells in self.classes
        ]

    def vector(self, quantity: Quantity, power: int, classes: Iterable[int]) -> Vector:
        """The row of ``quantity``'s total over ``classes`` (class indices), each class's
        weight to ``power`` as its coefficient."""
        vector: Vector = {}
        terms = self._terms.get(quantity)
        if terms is None:
            terms = self._terms[quantity] = [
                (atom, residue(coefficient)) for atom, coefficient in self.data.expansion(quantity).items()
            ]
        for index in classes:
            weight = self._weights[index][power]
            for atom, coefficient in terms:
                column = self.column[(atom, index)]
                vector[column] = (vector.get(column, 0) + weight * coefficient) % PRIME
        return {column: value for column, value in vector.items() if value}

    def total(self, group: Group) -> int:
        """The group's number of workplaces (cached)."""
        found = self._totals.get(group.key)
        if found is None:
            counts = self.class_counts
            found = self._totals[group.key] = sum(counts[i] for i in self.members(group))
        return found

    def base_total(self, group: Group, base: Base) -> int:
        """The group's number of workplaces on ``base`` (cached)."""
        return self.population_total(group, base.count)

    def population_total(self, group: Group, count: Quantity) -> int:
        """The group's total of the count quantity ``count`` (cached)."""
        key = (group.key, count)
        found = self._totals.get(key)
        if found is None:
            cells = (cell for index in self.members(group) for cell in self.classes[index])
            found = self._totals[key] = _count(self.data, cells, count)
        return found

    def members(self, group: Group) -> list[int]:
        """The classes in ``group`` (cached)."""
        found = self._members.get(group.key)
        if found is None:
            found = self._members[group.key] = [
                index for index, cells in enumerate(self.classes) if group.contains(cells[0])
            ]
        return found

    def rows(self, group: Group, base: Base) -> list[Vector]:
        members = self.members(group)
        return [
            self.vector(quantity, power, members)
            for own_base, quantity in self.quantities
            if own_base.key == base.key
            for power in self.data.powers(base, quantity)
        ]

    def touches(self, base: Base) -> bool:
        return any(own_base.key == base.key for own_base, _q in self.quantities)

    def know(self, classes: Iterable[int]) -> None:
        """Add the unit rows of classes a viewer knows entirely."""
        for index in classes:
            for atom in self.atoms:
                self.basis.add({self.column[(atom, index)]: 1})

    def know_sizes(self, sets: Iterable[CellSet]) -> None:
        """Add the number of workplaces of each set every viewer knows (the weighting
        strata), when this block holds the count of all workplaces."""
        count = self.data.workplaces.count
        if not any(quantity == count for _base, quantity in self.quantities):
            return
        for cell_set in sets:
            self.basis.add(self.vector(count, 0, self.members(cell_set)))

    def trial(self, rows: list[Vector]) -> tuple[list[tuple[int, Vector]], list[Vector]] | None:
        """The rows' new echelon rows and the sensitive residuals after adding them, or
        None when adding them would make a sensitive count derivable."""
        pending: list[tuple[int, Vector]] = []
        for row in rows:
            residual = reduce_by(self.basis.reduce(row), pending)
            if residual:
                row = monic(residual)
                pending.append((min(row), row))
        if not pending:
            return pending, []
        pivots = [pivot for pivot, _row in pending]
        updated = []
        for _name, residual in self.sensitive:
            if any(pivot in residual for pivot in pivots):
                residual = reduce_by(residual, pending)
                if not residual:
                    return None
            updated.append(residual)
        return pending, updated

    def commit(self, pending: list[tuple[int, Vector]], updated: list[Vector]) -> None:
        if not pending:
            return
        for pivot, row in pending:
            self.basis.append(pivot, row)
        self.sensitive = [(name, residual) for (name, _old), residual in zip(self.sensitive, updated, strict=True)]

    def protect(self, name: str, vector: Vector) -> bool:
        """Protect a sensitive count; False when it is derivable already (from known rows)."""
        residual = self.basis.reduce(vector)
        if residual:
            self.sensitive.append((name, residual))
        return bool(residual)


@dataclass(frozen=True)
class Suppression:
    """The outcome: which (group key, base key) pairs are hidden and why; every other
    pair of the fixed set is shown."""

    groups: list[Group]
    hidden: Decisions

    def is_shown(self, group: Group, base: Base) -> bool:
        return (group.key, base.key) not in self.hidden

    def reason(self, group: Group, base: Base) -> Reason | None:
        return self.hidden.get((group.key, base.key))


def _blocks(data: RoundData, classes: list[tuple[FinestCell, ...]]) -> list[_Block]:
    """One representative block per shape (the same for every viewer: the columns are
    the same, a viewer's knowledge is added as rows)."""
    shapes: dict[tuple, _Block] = {}
    for atoms in components(data):
        index = {atom: i for i, atom in enumerate(atoms)}
        quantities = [
            (base, quantity)
            for base in data.bases
            for quantity in base.quantities
            if set(data.atoms_of(quantity)) <= set(atoms)
        ]
        shape = tuple(
            (base.key, q == base.count, tuple(sorted((index[a], c) for a, c in data.expansion(q).items())))
            for base, q in quantities
        )
        if shape not in shapes:
            shapes[shape] = _Block(data, atoms, quantities, classes)
    return list(shapes.values())


def _count(data: RoundData, cells: Iterable[FinestCell], quantity: Quantity | None = None) -> int:
    """The cells' total of ``quantity`` (default: the number of all workplaces)."""
    quantity = quantity or data.workplaces.count
    return sum(data.values[cell].get(quantity, 0) for cell in cells)


def _sensitive(
    block: _Block,
    data: RoundData,
    groups: list[Group],
    hidden: Decisions,
    known: frozenset[FinestCell],
    *,
    cell_max: int,
    derived: list[CellSet] = (),
):
    """The block's sensitive counts for a viewer knowing the cells ``known``, as (name,
    vector) pairs over the classes.

    A hidden group's count over its unknown cells is derivable exactly when the whole
    group's is (the known cells' part is known), so the whole group's row stands for it.
    A class (cells no group tells apart) is told as one total: its unknown cells are
    sensitive together when they hold 1 to ``cell_max`` workplaces (one such cell alone
    when the viewer knows the others). A
    difference of two nested groups (``derived``) with 1 to ``cell_max`` unknown workplaces
    is sensitive like a cell. A cell's or a set's total of a quantity is judged on the
    workplaces it is about (``population_of``): a numerator on its base's workplaces.
    """
    known_cells = [cell for cell in known if cell in block.class_of]
    for group in groups:
        members = block.members(group)
        known_in_group = [cell for cell in known_cells if group.contains(cell)]
        if block.total(group) == _count(data, known_in_group):
            continue  # the viewer knows the whole group
        for base, quantity in block.quantities:
            reason = hidden.get((group.key, base.key))
            if reason is None:
                continue
            # Workplaces on the figure's own base that the viewer does not know (a base of
            # none is sensitive too: "none" must not be told from "too few").
            unknown = block.base_total(group, base) - _count(data, known_in_group, base.count)
            if reason.always_sensitive or unknown <= SMALL_CELL_MAX:
                yield f"{group.label} / {quantity}", block.vector(quantity, 0, members)
    for cell_set in derived:
        known_in_set = [cell for cell in known_cells if cell in cell_set.cells]
        for base, quantity in block.quantities:
            count = population_of(data, base, quantity)
            unknown = block.population_total(cell_set, count) - _count(data, known_in_set, count)
            if 0 < unknown <= cell_max:
                yield f"{cell_set.label} / {quantity}", block.vector(quantity, 0, block.members(cell_set))
    for index, cells in enumerate(block.classes):
        unknown = [cell for cell in cells if cell not in known]
        if not unknown:
            continue
        for base, quantity in block.quantities:
            if 0 < _count(data, unknown, population_of(data, base, quantity)) <= cell_max:
                yield f"{class_name(unknown)} / {quantity}", block.vector(quantity, 0, [index])


def class_name(cells: list[FinestCell]) -> str:
    """How a leak names a class's cells: the one cell, or the first and how many more."""
    if len(cells) == 1:
        return cells[0].name
    return f"{cells[0].name} and {len(cells) - 1} more cells no group tells apart"


def _known_classes(block: _Block, known: frozenset[FinestCell]) -> list[int]:
    return sorted({block.class_of[cell] for cell in known if cell in block.class_of} - {
        index for index, cells in enumerate(block.classes) if any(cell not in known for cell in cells)
    })  # fmt: skip


def _reachable(block: _Block, data: RoundData, groups: list[Group], hidden: Decisions, sensitive):
    """The sensitive (name, vector) pairs that publishing *every* candidate still open
    (with what the block already knows) would make derivable: only these can become
    derivable during a pass, which publishes a subset of the open candidates."""
    ceiling = ModularBasis()
    for _pivot, row in block.basis.rows:
        ceiling.add(row)
    for group in groups:
        for base in data.bases:
            if (group.key, base.key) not in hidden and block.touches(base):
                for row in block.rows(group, base):
                    ceiling.add(row)
    return [(name, vector) for name, vector in sensitive if not ceiling.reduce(vector)]


def _pass(
    data: RoundData,
    groups: list[Group],
    classes: list[tuple[FinestCell, ...]],
    hidden: Decisions,
    known: frozenset[FinestCell],
    *,
    cell_max: int,
    only: dict[int, list[tuple[str, Vector]]] | None = None,
    derived: list[CellSet] = (),
) -> list[_Block]:
    """One GaussSuppression pass for a viewer knowing the cells ``known``, adding secondary
    suppressions to ``hidden``; returns the blocks with the rows it published (and the
    viewer's known rows).

    Without ``only``, each block protects the sensitive counts that publishing all open
    candidates would reveal (``_reachable``). With ``only`` (block index: sensitive counts,
    from ``_viewer_risks``), just those blocks and counts: the open candidates are a subset
    of what the public pass published, so nothing else can become derivable for the viewer.
    The candidates are then taken in order, and one whose rows would make a protected count
    derivable in any block is hidden.
    """
    blocks = _blocks(data, classes)
    chosen = []
    for index, block in enumerate(blocks):
        if only is not None and index not in only:
            continue
        block.know(_known_classes(block, known))
        block.know_sizes(data.known_sets)
        if only is not None:
            reachable = only[index]
        else:
            sensitive = list(_sensitive(block, data, groups, hidden, known, cell_max=cell_max, derived=derived))
            reachable = _reachable(block, data, groups, hidden, sensitive)
        for name, vector in reachable:
            if not block.protect(name, vector):
                raise KnownAlready(f"{name} is derivable from what the viewer knows alone")
        chosen.append(block)
    workplaces = data.workplaces.key
    for group, base in candidate_order(data, groups):
        if (group.key, base.key) in hidden:
            continue
        trials = []
        for block in chosen:
            if not block.touches(base):
                continue
            outcome = block.trial(block.rows(group, base))
            if outcome is None:
                trials = None
                break
            trials.append((block, outcome))
        if trials is None:
            hidden[(group.key, base.key)] = Reason.SECONDARY
            if base.key == workplaces:
                for other in data.bases[1:]:
                    hidden.setdefault((group.key, other.key), Reason.SECONDARY)
            continue
        for block, (pending, updated) in trials:
            block.commit(pending, updated)
    return chosen


class _PublicResiduals:
    """The residuals of one public block's sensitive counts under the rows the public pass
    published, computed once and shared by every viewer's check: by class (a class's
    total) and by hidden group (the whole group's total), per quantity."""

    def __init__(self, block: _Block, data: RoundData):
        self.block = block
        self.counts = block.class_counts
        self.total = block.total
        self._cache: dict[tuple, Vector] = {}

    def of_class(self, index: int, quantity: Quantity) -> Vector:
        key = ("class", index, quantity)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self.block.basis.reduce(self.block.vector(quantity, 0, [index]))
        return found

    def of_group(self, group: Group, quantity: Quantity) -> Vector:
        key = ("group", group.key, quantity)
        found = self._cache.get(key)
        if found is None:
            members = self.block.members(group)
            found = self._cache[key] = self.block.basis.reduce(self.block.vector(quantity, 0, members))
        return found

    def of_unit(self, column: int) -> Vector:
        key = ("unit", column)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self.block.basis.reduce({column: 1})
        return found


def _viewer_risks(
    public: list[_PublicResiduals],
    data: RoundData,
    groups: list[Group],
    hidden: Decisions,
    known: frozenset[FinestCell],
    derived: list[CellSet] = (),
) -> dict[int, list[tuple[str, Vector]]]:
    """By block index, the sensitive counts (name, vector) a viewer knowing the cells
    ``known`` could derive from the rows the public pass published plus its known classes
    (blocks with none are left out). The sensitive counts are those of ``_sensitive`` for
    the viewer, enumerated from the cached residuals.

    v lies in span(published + known unit rows) exactly when v's residual under the
    published rows lies in the span of the unit rows' residuals (a non-zero vector of
    span(published) is non-zero at a pivot, where residuals are zero); a residual with an
    entry outside those residuals' columns cannot.
    """
    risks: dict[int, list[tuple[str, Vector]]] = {}
    for index, residuals in enumerate(public):
        block = residuals.block
        units = ModularBasis()
        support: set = set()
        for class_index in _known_classes(block, known):
            for atom in block.atoms:
                unit = residuals.of_unit(block.column[(atom, class_index)])
                if unit:
                    support.update(unit)
                    units.add(unit)

        def derivable(residual: Vector, support=support, units=units) -> bool:
            return not residual or (bool(support) and support.issuperset(residual) and units.contains(residual))

        touched = {block.class_of[cell] for cell in known if cell in block.class_of}
        known_cells = [cell for cell in known if cell in block.class_of]
        found = []
        for group in groups:
            known_in_group = [cell for cell in known_cells if group.contains(cell)]
            if residuals.total(group) == _count(data, known_in_group):
                continue  # the viewer knows the whole group
            for base, quantity in block.quantities:
                reason = hidden.get((group.key, base.key))
                if reason is None:
                    continue
                unknown = block.base_total(group, base) - _count(data, known_in_group, base.count)
                sensitive = reason.always_sensitive or unknown <= SMALL_CELL_MAX
                if sensitive and derivable(residuals.of_group(group, quantity)):
                    found.append((f"{group.label} / {quantity}", block.vector(quantity, 0, block.members(group))))
        for cell_set in derived:
            known_in_set = [cell for cell in known_cells if cell in cell_set.cells]
            for base, quantity in block.quantities:
                count = population_of(data, base, quantity)
                unknown = block.population_total(cell_set, count) - _count(data, known_in_set, count)
                if 0 < unknown <= SMALL_CELL_MAX and derivable(residuals.of_group(cell_set, quantity)):
                    found.append((f"{cell_set.label} / {quantity}", block.vector(quantity, 0, block.members(cell_set))))
        for class_index, cells in enumerate(block.classes):
            unknown = cells if class_index not in touched else [cell for cell in cells if cell not in known]
            if not unknown:
                continue
            for base, quantity in block.quantities:
                if not 0 < _count(data, unknown, population_of(data, base, quantity)) <= SMALL_CELL_MAX:
                    continue
                if derivable(residuals.of_class(class_index, quantity)):
                    found.append((f"{class_name(unknown)} / {quantity}", block.vector(quantity, 0, [class_index])))
        if found:
            risks[index] = found
    return risks


def secondary_suppression(
    data: RoundData,
    groups: list[Group],
    staff: list[StaffKnowledge] = (),
) -> Suppression:
    """Primary suppression by the public rule, then secondary suppression so that no
    sensitive count can be derived by the public, by any respondent (own answers known)
    or by any viewer in ``staff`` (the reports of its cells known).

    Sensitive: every (group, base) hidden by the rule, every finest cell and every
    difference of two nested groups or part of a group in one stratum (``derived_sets``)
    with 1-4 workplaces (1-5 for the respondent inside it) among those a total is about
    (``population_of``: a numerator's base), and for a viewer in ``staff`` every hidden
    figure of a group, cell or difference with 1-4 such workplaces unknown to that viewer.

    A viewer's own pass runs only in the blocks where the viewer could derive something
    from what the public pass published; a viewer's pass publishes a subset of the
    public's rows, so a block that is safe for the viewer after the public pass stays safe.
    """
    hidden = primary_suppression(data, groups, staff)
    classes = column_classes(data, groups)
    derived = derived_sets(data, groups, [viewer.cells for viewer in staff])
    public = _pass(data, groups, classes, hidden, frozenset(), cell_max=RESPONDENT_CELL_MAX, derived=derived)
    residuals = [_PublicResiduals(block, data) for block in public]
    for viewer in staff:
        risks = _viewer_risks(residuals, data, groups, hidden, viewer.cells, derived)
        if risks:
            _pass(data, groups, classes, hidden, viewer.cells, cell_max=SMALL_CELL_MAX, only=risks)
    return Suppression(groups=list(groups), hidden=hidden)


__all__ = ["Suppression", "candidate_order", "components", "secondary_suppression"]
