"""The aggregate report as files: CSV, XLSX and JSON, with the same suppression as the page.
A hidden figure is written as empty with the reason, never as a number. Texts are written
so that a spreadsheet cannot run them (:mod:`surveys.tabular.writing`)."""

from __future__ import annotations

import csv
import io
import json

from django.utils.translation import gettext as _

from barometer.reports.aggregate import AggregateReport, describe
from surveys.tabular.writing import append_xlsx_rows, csv_row

COLUMNS = [
    "indicator", "name", "rule", "population", "workplaces", "value", "low", "high", "hidden",
    "previous_value", "change", "change_low", "change_high", "published_norway", "published_denmark",
]  # fmt: skip


def _number(value, digits=4):
    return None if value is None else round(value, digits)


def rows(report: AggregateReport) -> list[dict]:
    result = []
    for row in report.rows:
        estimate = row.estimate
        shown = estimate.shown
        change = row.change
        result.append(
            {
                "indicator": row.indicator.key,
                "name": str(row.indicator.name),
                "rule": row.indicator.rule,
                "population": row.indicator.population,
                "workplaces": estimate.n if shown else None,
                "value": _number(estimate.value) if shown else None,
                "low": _number(estimate.low) if shown else None,
                "high": _number(estimate.high) if shown else None,
                "hidden": "" if shown or estimate.n == 0 else _("too few answers"),
                "previous_value": _number(row.previous.value) if row.previous and row.previous.shown else None,
                "change": _number(change[0]) if change else None,
                "change_low": _number(change[1]) if change else None,
                "change_high": _number(change[2]) if change else None,
                "published_norway": "; ".join(f"{f.get_edition_display()}: {f.wording}" for f in row.norway),
                "published_denmark": "; ".join(f"{f.get_edition_display()}: {f.wording}" for f in row.denmark),
            }
        )
    return result


def meta(report: AggregateReport) -> dict:
    return {
        "round": report.round.slug,
        "round_name": report.round.localized_name,
        "synthetic": report.round.is_synthetic,
        "group": describe(report.filter),
        "workplaces": report.responses,
        "weighted": report.weighted,
        "note": _(
            "Shares are 0-1; the interval is 95 %. Groups of fewer than five workplaces, and groups that could "
            "be worked out from the others, are hidden."
        ),
    }


def as_csv(report: AggregateReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows(report):
        writer.writerow(csv_row(row[column] for column in COLUMNS))
    return buffer.getvalue()


def as_json(report: AggregateReport) -> str:
    return json.dumps({**meta(report), "indicators": rows(report)}, ensure_ascii=False, indent=2)


def as_xlsx(report: AggregateReport) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "indikatorer"
    append_xlsx_rows(sheet, [COLUMNS, *([row[column] for column in COLUMNS] for row in rows(report))])
    info = workbook.create_sheet("om")
    append_xlsx_rows(info, ([key, "" if value is None else str(value)] for key, value in meta(report).items()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
