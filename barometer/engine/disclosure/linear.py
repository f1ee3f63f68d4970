"""Exact linear algebra over the rationals on sparse vectors, for disclosure control.

A vector is a ``dict`` from a column (an int) to a non-zero number. Rational entries are
scaled to integers (a row and any non-zero multiple of it span the same line), and
elimination is fraction-free: a row is combined with a basis row by integer multiples and
then divided by the greatest common divisor of its entries. Nothing rounds: whether a
sensitive count lies in the span of the published rows is decided exactly, never by a
floating-point rank, and integer arithmetic keeps it fast.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable
from fractions import Fraction

Number = int | Fraction
Vector = dict[Hashable, int]


def integral(vector: dict[Hashable, Number]) -> Vector:
    """``vector`` times the least common multiple of its denominators, divided by the
    greatest common divisor of the result: a primitive integer vector on the same line."""
    denominators = [value.denominator for value in vector.values() if isinstance(value, Fraction)]
    scale = math.lcm(*denominators) if denominators else 1
    result = {column: int(value * scale) for column, value in vector.items() if value}
    return primitive(result)


def primitive(vector: Vector) -> Vector:
    """Divide an integer vector by the gcd of its entries (in place; returned)."""
    divisor = math.gcd(*vector.values()) if vector else 1
    if divisor > 1:
        for column in vector:
            vector[column] //= divisor
    return vector


def eliminate(target: Vector, pivot: Hashable, row: Vector) -> Vector:
    """``target`` with its ``pivot`` entry cancelled by an integer combination with ``row``
    (a new vector; zero entries dropped)."""
    f = target[pivot]
    p = row[pivot]
    g = math.gcd(f, p)
    a, b = p // g, f // g
    result = {column: a * value for column, value in target.items()} if a != 1 else dict(target)
    for column, value in row.items():
        new = result.get(column, 0) - b * value
        if new:
            result[column] = new
        else:
            result.pop(column, None)
    return result


class EchelonBasis:
    """An exact row-echelon basis of a growing set of rows.

    Every stored row is zero in the pivot columns of the rows stored before it, so
    reducing a vector by the rows in insertion order removes all pivot entries.
    ``reduce`` gives the residual of a vector; it is empty exactly when the vector lies in
    the span of the rows added so far.
    """

    def __init__(self) -> None:
        self.rows: list[tuple[Hashable, Vector]] = []
        self.position: dict[Hashable, int] = {}  # pivot column -> index of its row

    def __len__(self) -> int:
        return len(self.rows)

    def copy(self) -> EchelonBasis:
        other = EchelonBasis()
        other.rows = list(self.rows)  # stored rows are never changed in place
        other.position = dict(self.position)
        return other

    def append(self, pivot: Hashable, row: Vector) -> None:
        """Store a row that is zero in every earlier pivot column."""
        self.position[pivot] = len(self.rows)
        self.rows.append((pivot, row))

    def reduce(self, vector: dict[Hashable, Number]) -> Vector:
        """The residual of ``vector`` after eliminating every pivot column (a new dict).

        Visits only the rows whose pivots the residual holds, in insertion order: a row
        is zero at earlier pivots, so eliminating it only adds entries at later ones.
        """
        return primitive(reduce_in_order(integral(vector), self.rows, self.position, eliminate))

    def contains(self, vector: dict[Hashable, Number]) -> bool:
        """Whether ``vector`` is a linear combination of the rows added so far."""
        return not self.reduce(vector)

    def add_residual(self, residual: Vector) -> Hashable:
        """Store an already reduced, non-empty residual; returns its pivot column."""
        pivot = min(residual)
        self.append(pivot, primitive(dict(residual)))
        return pivot

    def add(self, vector: dict[Hashable, Number]) -> bool:
        """Add ``vector``; True when it raised the rank (was not already in the span)."""
        residual = self.reduce(vector)
        if not residual:
            return False
        self.add_residual(residual)
        return True

    def extend(self, vectors: Iterable[dict[Hashable, Number]]) -> int:
        """Add every vector; returns by how much the rank grew."""
        return sum(1 for vector in vectors if self.add(vector))


def reduce_in_order(residual: dict, rows: list, position: dict, eliminate_pivot) -> dict:
    """``residual`` reduced by the echelon ``rows`` ((pivot, row) pairs; ``position`` maps a
    pivot column to its row's index) with ``eliminate_pivot(residual, pivot, row)``.

    Visits only the rows whose pivots the residual holds, in insertion order: a row is zero
    at earlier pivots, so eliminating it only adds entries at later ones. Shared by the exact
    basis here and the modular one of the suppression; each brings its own elimination.
    """
    queue = [position[column] for column in residual if column in position]
    heapq.heapify(queue)
    seen = set(queue)
    while queue:
        index = heapq.heappop(queue)
        pivot, row = rows[index]
        if not residual.get(pivot):
            continue
        residual = eliminate_pivot(residual, pivot, row)
        for column in row:
            later = position.get(column)
            if later is not None and later > index and later not in seen and column in residual:
                seen.add(later)
                heapq.heappush(queue, later)
        if not residual:
            break
    return residual


def reduce_by(vector: Vector, rows: list[tuple[Hashable, Vector]]) -> Vector:
    """An integer ``vector`` reduced by (pivot, row) pairs in order (a new, primitive dict)."""
    residual = vector
    changed = False
    for pivot, row in rows:
        if not residual:
            break
        if residual.get(pivot):
            residual = eliminate(residual, pivot, row)
            changed = True
    return primitive(residual) if changed else dict(residual)
