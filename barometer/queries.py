"""The one query that counts a round: every indicator, for every cell of workplaces.

A cell is a combination of the dimensions reports filter and group by (workplace type,
municipality size class, centrality class and county). One SQL statement, grouped twice
(per response, then per cell), returns each cell's accumulators for all indicators at
once, so the number of queries does not depend on the number of questions, indicators or
responses. Every group a report shows (national, a peer group, a staff filter) is then a
sum over cells in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from surveys.models import AnswerChoice, County, Municipality, Response, ResponseStatus, Round

from .indicators import INDEX, IndicatorSpec

CellKey = tuple[str, int, int, str]  # workplace type, size class, centrality, county number


@dataclass
class CellTable:
    """Accumulators per cell: ``responses`` workplaces, and per indicator either
    ``(denominator, numerator)`` for a share or ``(n, sum, sum of squares)`` otherwise."""

    indicator_keys: tuple[str, ...]
    cells: dict[CellKey, tuple[int, tuple[tuple[float, ...], ...]]]

    def total(self, keep=lambda key: True) -> tuple[int, dict[str, tuple[float, ...]]]:
        """The sum over the cells ``keep`` accepts: (responses, accumulators by indicator key)."""
        responses = 0
        sums = [None] * len(self.indicator_keys)
        for key, (count, accumulators) in self.cells.items():
            if not keep(key):
                continue
            responses += count
            for index, values in enumerate(accumulators):
                sums[index] = (
                    values if sums[index] is None else tuple(a + b for a, b in zip(sums[index], values, strict=True))
                )
        return responses, {
            key: (sums[index] if sums[index] is not None else ()) for index, key in enumerate(self.indicator_keys)
        }


def _ids(ids) -> str:
    # Option ids come from the database as integers; int() keeps anything else out of the SQL.
    return ", ".join(str(int(i)) for i in sorted(ids)) or "NULL"


def _score_case(spec: IndicatorSpec) -> str:
    whens = " ".join(f"WHEN {int(option_id)} THEN {float(score)!r}" for option_id, score in sorted(spec.scores.items()))
    return f"CASE ac.option_id {whens} END"


def cell_table(round_: Round, specs: Sequence[IndicatorSpec]) -> CellTable:
    """Count every indicator of ``specs`` for every cell of the round's countable responses."""
    specs = [spec for spec in specs if spec.is_resolvable]
    inner, outer = [], []
    relevant: set[int] = set()
    for i, spec in enumerate(specs):
        relevant |= spec.answered_option_ids
        if spec.is_share:
            inner.append(f"MAX(CASE WHEN ac.option_id IN ({_ids(spec.answered_option_ids)}) THEN 1 ELSE 0 END) AS a{i}")
            inner.append(f"SUM(CASE WHEN ac.option_id IN ({_ids(spec.counted_option_ids)}) THEN 1 ELSE 0 END) AS h{i}")
            outer.append(f"COALESCE(SUM(pr.a{i}), 0)")
            outer.append(
                f"COALESCE(SUM(CASE WHEN pr.a{i} = 1 AND pr.h{i} >= {int(spec.min_count)} THEN 1 ELSE 0 END), 0)"
            )
        else:
            inner.append(f"SUM({_score_case(spec)}) AS s{i}")
            inner.append(f"SUM(CASE WHEN ac.option_id IN ({_ids(spec.scores)}) THEN 1 ELSE 0 END) AS c{i}")
            if spec.rule == INDEX:
                span = float(spec.scale_max - spec.scale_min)
                value = f"((pr.s{i} * 1.0 / pr.c{i}) - {float(spec.scale_min)!r}) * {100.0 / span!r}"
                enough = f"pr.c{i} >= {int(spec.min_count)}"
            else:
                value = f"(pr.s{i} * 1.0 / pr.c{i})"
                enough = f"pr.c{i} >= 1"
            outer.append(f"COALESCE(SUM(CASE WHEN {enough} THEN 1 ELSE 0 END), 0)")
            outer.append(f"COALESCE(SUM(CASE WHEN {enough} THEN {value} END), 0)")
            outer.append(f"COALESCE(SUM(CASE WHEN {enough} THEN {value} * {value} END), 0)")

    response = Response._meta.db_table
    choice = AnswerChoice._meta.db_table
    municipality = Municipality._meta.db_table
    county = County._meta.db_table
    inner_sql = ", ".join(inner) if inner else "0 AS no_indicator"
    outer_sql = (", " + ", ".join(outer)) if outer else ""
    sql = f"""
        SELECT r.workplace_type, m.size_class, m.centrality, c.number, COUNT(*) {outer_sql}
        FROM {response} r
        JOIN {municipality} m ON m.id = r.municipality_id
        JOIN {county} c ON c.id = m.county_id
        LEFT JOIN (
            SELECT ac.response_id AS rid, {inner_sql}
            FROM {choice} ac
            WHERE ac.option_id IN ({_ids(relevant)})
              AND ac.response_id IN (
                  SELECT id FROM {response}
                  WHERE round_id = %s AND status = %s AND workplace_id IS NOT NULL
              )
            GROUP BY ac.response_id
        ) pr ON pr.rid = r.id
        WHERE r.round_id = %s AND r.status = %s AND r.workplace_id IS NOT NULL
        GROUP BY r.workplace_type, m.size_class, m.centrality, c.number
    """
    params = [round_.pk, ResponseStatus.SUBMITTED, round_.pk, ResponseStatus.SUBMITTED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    cells: dict[CellKey, tuple[int, tuple[tuple[float, ...], ...]]] = {}
    for row in rows:
        key = (row[0], int(row[1]), int(row[2]), row[3])
        values, position = [], 5
        for spec in specs:
            width = 2 if spec.is_share else 3
            values.append(tuple(float(v or 0) for v in row[position : position + width]))
            position += width
        cells[key] = (int(row[4]), tuple(values))
    return CellTable(indicator_keys=tuple(spec.key for spec in specs), cells=cells)
