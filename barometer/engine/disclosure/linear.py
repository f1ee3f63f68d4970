"""Exact linear algebra over the rationals on sparse vectors, for disclosure control.

A vector is a ``dict`` from a column (any hashable, usually an int) to a non-zero
``int`` or ``fractions.Fraction``. Nothing here rounds: whether a sensitive count lies in
the span of the published rows is decided exactly, never by a floating-point rank.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from fractions import Fraction

Number = int | Fraction
Vector = dict[Hashable, Number]


def ratio(numerator: Number, denominator: Number) -> Number:
    """``numerator / denominator`` exactly, kept an ``int`` when it divides evenly."""
    if isinstance(numerator, int) and isinstance(denominator, int) and numerator % denominator == 0:
        return numerator // denominator
    result = Fraction(numerator) / denominator
    return result.numerator if result.denominator == 1 else result


def axpy(target: Vector, factor: Number, source: Vector) -> None:
    """``target -= factor * source`` in place, dropping entries that become zero."""
    for column, value in source.items():
        new = target.get(column, 0) - factor * value
        if new:
            target[column] = new
        else:
            target.pop(column, None)


class EchelonBasis:
    """An exact row-echelon basis of a growing set of rows.

    Each stored row has a pivot column whose entry is 1, and every stored row is zero in
    the pivot columns of the rows stored before it, so reducing a vector by the rows in
    insertion order removes all pivot entries. ``reduce`` gives the residual of a vector;
    it is empty exactly when the vector lies in the span of the rows added so far.
    """

    def __init__(self) -> None:
        self.rows: list[tuple[Hashable, Vector]] = []
        self.pivots: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def reduce(self, vector: Vector) -> Vector:
        """The residual of ``vector`` after eliminating every pivot column (a new dict)."""
        residual = {column: value for column, value in vector.items() if value}
        if not residual:
            return residual
        for pivot, row in self.rows:
            factor = residual.get(pivot)
            if factor:
                axpy(residual, factor, row)
                if not residual:
                    break
        return residual

    def contains(self, vector: Vector) -> bool:
        """Whether ``vector`` is a linear combination of the rows added so far."""
        return not self.reduce(vector)

    def add_residual(self, residual: Vector) -> Hashable:
        """Store an already reduced, non-empty residual; returns its pivot column."""
        pivot = min(residual, key=_column_order)
        scale = residual[pivot]
        row = {column: ratio(value, scale) for column, value in residual.items()}
        self.pivots[pivot] = len(self.rows)
        self.rows.append((pivot, row))
        return pivot

    def add(self, vector: Vector) -> bool:
        """Add ``vector``; True when it raised the rank (was not already in the span)."""
        residual = self.reduce(vector)
        if not residual:
            return False
        self.add_residual(residual)
        return True

    def extend(self, vectors: Iterable[Vector]) -> int:
        """Add every vector; returns by how much the rank grew."""
        return sum(1 for vector in vectors if self.add(vector))


def _column_order(column: Hashable):
    # Columns are ints in this package; anything else sorts by its text, deterministically.
    return (0, column, "") if isinstance(column, int) else (1, 0, repr(column))


def reduce_by(vector: Vector, rows: list[tuple[Hashable, Vector]]) -> Vector:
    """``vector`` reduced by a short list of (pivot, row) pairs in order (a new dict)."""
    residual = dict(vector)
    for pivot, row in rows:
        factor = residual.get(pivot)
        if factor:
            axpy(residual, factor, row)
    return residual
