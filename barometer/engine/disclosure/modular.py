"""Linear algebra modulo a large prime on sparse vectors, for choosing secondary
suppressions quickly.

The weighted figures' coefficients are stratum weights N/n and their squares: in exact
rational elimination their common denominators grow into integers of hundreds of digits,
and the demo round's choice took many minutes. Modulo the prime ``PRIME`` every number
stays below 2^61, and the arithmetic is still exact (no rounding anywhere).

What this gives up, and why it is safe here: a set of rows that is independent over the
rationals can, very rarely (odds about 2^-61 for weights like ours; two weights that are
equal modulo the prime can force it), be dependent modulo the prime. A vector can then
look derivable that is not (secondary suppression hides a figure more than needed), and,
because the rank dropped, a derivable vector can look safe (it hides one too few). So the
suppression's decisions are never trusted on their own: the audit
(``barometer.engine.disclosure.audit``, separate code) checks every published snapshot by
exact rational elimination, and publishing refuses when it finds anything.

A vector is a ``dict`` from a column (an int) to a non-zero residue in ``[1, PRIME)``.
"""

from __future__ import annotations

from collections.abc import Hashable
from fractions import Fraction
from math import isqrt

from barometer.engine.disclosure.linear import reduce_in_order

#: The Mersenne prime 2^61 - 1: larger than any denominator a stratum weight (or its
#: square) has, so every coefficient has a residue.
PRIME = (1 << 61) - 1

Vector = dict[Hashable, int]


def residue(value: int | Fraction) -> int:
    """``value`` modulo ``PRIME`` (a fraction as its numerator times the inverse of its
    denominator). Raises ``ZeroDivisionError`` for a denominator divisible by the prime."""
    if isinstance(value, Fraction):
        return value.numerator * pow(value.denominator, -1, PRIME) % PRIME
    return value % PRIME


def rational(value: int) -> Fraction | None:
    """The fraction a/b with |a|, |b| at most sqrt(PRIME / 2) (about 1.5 billion) whose
    residue is ``value``, or None when there is none (rational reconstruction by the
    extended Euclidean algorithm; Wang, "A p-adic algorithm for univariate partial
    fractions", 1981). Such a fraction, when it exists, is the only one."""
    bound = isqrt(PRIME // 2)
    previous, remainder = PRIME, value % PRIME
    previous_factor, factor = 0, 1
    while remainder > bound:
        quotient = previous // remainder
        previous, remainder = remainder, previous - quotient * remainder
        previous_factor, factor = factor, previous_factor - quotient * factor
    if factor == 0 or abs(factor) > bound:
        return None
    return Fraction(remainder, factor)


def monic(vector: Vector) -> Vector:
    """``vector`` scaled so that its entry in its first (smallest) column is 1 (a new dict)."""
    pivot = min(vector)
    scale = pow(vector[pivot], -1, PRIME)
    if scale == 1:
        return dict(vector)
    return {column: value * scale % PRIME for column, value in vector.items()}


def eliminate(target: Vector, pivot: Hashable, row: Vector) -> Vector:
    """``target`` minus ``target[pivot]`` times ``row``, whose ``pivot`` entry is 1 (a new
    dict, zero entries dropped)."""
    factor = target[pivot]
    result = dict(target)
    for column, value in row.items():
        new = (result.get(column, 0) - factor * value) % PRIME
        if new:
            result[column] = new
        else:
            del result[column]
    return result


def reduce_by(vector: Vector, rows: list[tuple[Hashable, Vector]]) -> Vector:
    """``vector`` reduced by monic (pivot, row) pairs in order (a new dict)."""
    residual = vector
    for pivot, row in rows:
        if not residual:
            break
        if residual.get(pivot):
            residual = eliminate(residual, pivot, row)
    return dict(residual) if residual is vector else residual


class ModularBasis:
    """A row-echelon basis modulo ``PRIME`` of a growing set of rows, each stored monic
    and zero in the pivot columns of the rows stored before it. ``reduce`` gives a
    vector's residual: empty exactly when the vector lies in the span (modulo the prime)."""

    def __init__(self) -> None:
        self.rows: list[tuple[Hashable, Vector]] = []
        self.position: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def append(self, pivot: Hashable, row: Vector) -> None:
        """Store a monic row that is zero in every earlier pivot column."""
        self.position[pivot] = len(self.rows)
        self.rows.append((pivot, row))

    def reduce(self, vector: Vector) -> Vector:
        """The residual of ``vector`` (residues) after eliminating every pivot column."""
        residual = reduce_in_order(vector, self.rows, self.position, eliminate)
        return dict(residual) if residual is vector else residual

    def add(self, vector: Vector) -> bool:
        """Add ``vector``; True when it raised the rank."""
        residual = self.reduce(vector)
        if not residual:
            return False
        row = monic(residual)
        self.append(min(row), row)
        return True

    def contains(self, vector: Vector) -> bool:
        return not self.reduce(vector)


__all__ = ["PRIME", "ModularBasis", "Vector", "eliminate", "monic", "rational", "reduce_by", "residue"]
