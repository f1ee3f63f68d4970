"""Secondary suppression by Gaussian elimination, in the manner of Statistics Norway's
GaussSuppression (Langsrud, "Secondary cell suppression by Gaussian elimination", 2024;
R packages SSBtools/GaussSuppression). Our own implementation, exact over the rationals.

The candidates (a group's figures on one base) are taken in a fixed order: coarser
groups first, then larger ones, so that they are the last to be suppressed. Each
candidate's rows (one per shown number, over the finest cells) are reduced against the
rows already published; a candidate whose rows would complete the elimination of a
sensitive count (make it a linear combination of published rows) is suppressed instead.
The same data always gives the same result.

The linear system splits into independent blocks: the unknowns of a block are the
(atom, finest cell) counts of atoms linked by a composition (all workplaces = innovators
+ non-innovators); every other atom (a numerator, a sum) is a block of its own. Blocks
with the same shape (the same bases and roles) give the same decisions and are solved once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from barometer.engine.disclosure.linear import EchelonBasis, Vector, primitive, reduce_by
from barometer.engine.disclosure.model import Base, FinestCell, Group, Quantity, RoundData
from barometer.engine.disclosure.rule import Decisions, Reason, StaffKnowledge, primary_suppression

SMALL_CELL_MAX = 4  # a finest cell with 1-4 workplaces is sensitive
RESPONDENT_CELL_MAX = 5  # ... and one with 5, for the respondent inside it (4 others)


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


@dataclass
class _Block:
    """One block of the linear system as one viewer sees it: the unknowns are the
    (atom, cell) counts of the cells the viewer does not know."""

    data: RoundData
    atoms: tuple[Quantity, ...]
    quantities: list[tuple[Base, Quantity]]
    cells: list[FinestCell]
    basis: EchelonBasis = field(default_factory=EchelonBasis)
    sensitive: list[tuple[str, Vector]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._members: dict[str, list[FinestCell]] = {}
        self.column = {
            (atom, cell): index
            for index, (atom, cell) in enumerate((atom, cell) for cell in self.cells for atom in self.atoms)
        }

    def vector(self, quantity: Quantity, power: int, cells: Iterable[FinestCell]) -> Vector:
        vector: Vector = {}
        atoms = self.data.atoms_of(quantity)
        for cell in cells:
            coefficient = self.data.weight(cell, power)
            for atom in atoms:
                column = self.column.get((atom, cell))
                if column is not None:
                    vector[column] = vector.get(column, 0) + coefficient
        return {column: value for column, value in vector.items() if value}

    def members(self, group: Group) -> list[FinestCell]:
        """The block's cells in ``group`` (cached: groups are matched once per block)."""
        found = self._members.get(group.key)
        if found is None:
            found = self._members[group.key] = [cell for cell in self.cells if group.contains(cell)]
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

    def trial(self, rows: list[Vector]) -> tuple[list[tuple[int, Vector]], list[Vector]] | None:
        """The rows' new echelon rows and the sensitive residuals after adding them, or
        None when adding them would make a sensitive count derivable."""
        pending: list[tuple[int, Vector]] = []
        for row in rows:
            residual = reduce_by(self.basis.reduce(row), pending)
            if residual:
                pending.append((min(residual), primitive(residual)))
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

    def protect(self, name: str, vector: Vector) -> None:
        residual = self.basis.reduce(vector)
        if residual:
            self.sensitive.append((name, residual))


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


def _blocks(data: RoundData, known: frozenset[FinestCell]) -> list[_Block]:
    """One representative block per shape, for a viewer knowing ``known``."""
    cells = [cell for cell in data.cells if cell not in known]
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
            (base.key, q == base.count, tuple(sorted(index[a] for a in data.atoms_of(q)))) for base, q in quantities
        )
        if shape not in shapes:
            shapes[shape] = _Block(data, atoms, quantities, cells)
    return list(shapes.values())


def _sensitive(
    block: _Block,
    data: RoundData,
    groups: list[Group],
    hidden: Decisions,
    known: frozenset[FinestCell],
    *,
    cell_max: int,
):
    """The block's sensitive counts for a viewer knowing ``known``: (name, vector) pairs
    over the cells the viewer does not know."""
    workplaces = data.workplaces.count
    unknown_cells = [cell for cell in block.cells if cell not in known]
    for group in groups:
        members = [cell for cell in block.members(group) if cell not in known]
        unknown = sum(data.values[cell].get(workplaces, 0) for cell in members)
        for base, quantity in block.quantities:
            reason = hidden.get((group.key, base.key))
            if reason is None or not members:
                continue
            if reason.is_primary or 0 < unknown <= SMALL_CELL_MAX:
                yield f"{group.label} / {quantity}", block.vector(quantity, 0, members)
    for cell in unknown_cells:
        if 0 < data.values[cell].get(workplaces, 0) <= cell_max:
            for _base, quantity in block.quantities:
                yield f"{cell.name} / {quantity}", block.vector(quantity, 0, [cell])


def _viewer_can_derive(
    blocks: list[_Block], data: RoundData, groups: list[Group], hidden: Decisions, known: frozenset[FinestCell]
) -> set[int]:
    """The indices of the blocks in which a viewer knowing ``known`` could derive a
    sensitive count from the rows there (a superset of what is published: a block not
    named can never make a candidate unsafe for this viewer)."""
    risky = set()
    for index, block in enumerate(blocks):
        # v lies in span(published + known unit rows) exactly when v's residual under the
        # published rows lies in the span of the unit rows' residuals (see
        # ``audit._System.derivable_for``); a residual with an entry outside their columns
        # cannot, which settles most counts without elimination.
        units = EchelonBasis()
        support: set = set()
        for cell in sorted(known):
            for atom in block.atoms:
                column = block.column.get((atom, cell))
                if column is not None:
                    unit = block.basis.reduce({column: 1})
                    if unit:
                        support.update(unit)
                        units.add(unit)
        for _name, vector in _sensitive(block, data, groups, hidden, known, cell_max=SMALL_CELL_MAX):
            residual = block.basis.reduce(vector)
            if not residual or (support.issuperset(residual) and units.contains(residual)):
                risky.add(index)
                break
    return risky


def _pass(
    data: RoundData,
    groups: list[Group],
    hidden: Decisions,
    known: frozenset[FinestCell],
    *,
    cell_max: int,
    only: set[int] | None = None,
) -> list[_Block]:
    """One GaussSuppression pass for one viewer, adding secondary suppressions to ``hidden``;
    returns the blocks with the rows it published. ``only`` limits the pass to the blocks
    with those indices (the others cannot make a candidate unsafe)."""
    blocks = _blocks(data, known)
    if only is not None:
        blocks = [block for index, block in enumerate(blocks) if index in only]
    for block in blocks:
        for name, vector in _sensitive(block, data, groups, hidden, known, cell_max=cell_max):
            block.protect(name, vector)
    workplaces = data.workplaces.key
    for group, base in candidate_order(data, groups):
        if (group.key, base.key) in hidden:
            continue
        trials = []
        for block in blocks:
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
    return blocks


def secondary_suppression(
    data: RoundData,
    groups: list[Group],
    staff: list[StaffKnowledge] = (),
) -> Suppression:
    """Primary suppression by the public rule, then secondary suppression so that no
    sensitive count can be derived by the public, by any respondent (own answers known)
    or by any viewer in ``staff`` (the reports of its cells known).

    Sensitive: every (group, base) hidden by the rule, every finest cell with 1-4
    workplaces (1-5 for the respondent inside it), and for a viewer in ``staff`` every
    hidden figure of a group with 1-4 workplaces unknown to that viewer.
    """
    hidden = primary_suppression(data, groups, staff)
    public = _pass(data, groups, hidden, frozenset(), cell_max=RESPONDENT_CELL_MAX)
    for viewer in staff:
        # A viewer pass costs as much as the public one: run it only for a viewer who
        # could derive something from what the public pass published.
        risky = _viewer_can_derive(public, data, groups, hidden, viewer.cells)
        if risky:
            _pass(data, groups, hidden, viewer.cells, cell_max=SMALL_CELL_MAX, only=risky)
    return Suppression(groups=list(groups), hidden=hidden)


__all__ = ["Suppression", "candidate_order", "components", "secondary_suppression"]
