"""The aggregate report as files, through one registry of formats (``FORMATS``): CSV, XLSX
and JSON today; a new format is one ``ExportFormat`` subclass passed to ``register``.

Every file says what its numbers are: whether they are final or preliminary (a round in
fieldwork), the base of each share (whom it is of), the weighting and Kish's effective n,
the published figures with the range their wording allows, their edition, population,
scope, source and notes. A hidden figure is written as
empty with the reason, never as a number; the figures come from ``RoundFigures`` through
the report, so the files hide exactly what the page hides.

Each format writes a text cell in one method (``text_cell``), so that the rule for text
cells is applied in one place per format: a spreadsheet must never run a text as a formula
(:mod:`surveys.tabular.writing`: neutralised in CSV, a string cell in XLSX).
"""

from __future__ import annotations

import csv
import io
import json
from typing import ClassVar

from django.utils.translation import gettext as _

from barometer.engine.groups import Filter
from barometer.formatting import NOT_SHOWN_EXPLAINED, base_in_group
from barometer.models import Rule
from barometer.reports.aggregate import AggregateReport, PublishedComparison, describe, weighting_statement
from barometer.reports.rounds import is_preliminary, round_status
from barometer.reports.scope import unasked_note
from surveys.tabular.writing import append_xlsx_rows, neutralise

COLUMNS = [
    "round", "round_name", "synthetic",
    "group", "indicator", "name", "rule", "scale", "population", "base", "weighting", "workplaces", "effective_n",
    "value", "low", "high", "hidden",
    "previous_value", "change", "change_low", "change_high",
    "published_norway", "published_norway_range", "published_norway_verdict", "published_norway_details",
    "published_denmark", "published_denmark_range", "published_denmark_verdict", "published_denmark_details",
    "disclosure", "round_status",
]  # fmt: skip


def scale(rule: str) -> str:
    """The unit of a row's value, interval and change, by the indicator's rule, in the
    active language: a share 0-1 (its change a difference of shares, x 100 = percentage
    points), an index 0-100 or a mean of the question's scale (their change in points)."""
    if rule == Rule.SHARE:
        return str(_("share 0-1; change: difference of shares (x 100 = percentage points)"))
    if rule == Rule.INDEX:
        return str(_("index 0-100; change in points"))
    return str(_("mean on the question's scale; change in points"))


def _number(value, digits=4):
    return None if value is None else round(value, digits)


def _published(comparisons: list[PublishedComparison], filter_: Filter) -> dict[str, str]:
    """The published figures of one country as four text columns, for the group of
    ``filter_``: a note that the group holds types an edition did not ask is worded for a
    file ("The group in this file ...", ``unasked_note``), not as the page words it."""
    wordings, ranges, verdicts, details = [], [], [], []
    for item in comparisons:
        figure = item.figure
        wordings.append(f"{figure.get_edition_display()}: {figure.wording}")
        allowed = figure.published_range()
        ranges.append(f"{allowed.low:g}-{allowed.high:g} %" if allowed else "")
        verdicts.append(item.verdict or "")
        # A figure published for some types says which, also where it covers the file's group.
        scope = (
            item.scope
            or (unasked_note(figure, filter_, in_file=True) if item.unasked else "")
            or (
                _("Published for %(types)s only.") % {"types": figure.scope_beyond_population}
                if figure.scope_beyond_population
                else ""
            )
        )
        parts = [figure.get_edition_display(), figure.population_label, scope, figure.note]
        parts.append(figure.source_title + (f" <{figure.source_url}>" if figure.source_url else ""))
        # A part that is a sentence ("… in 2018.") loses its full stop before the next "; ".
        kept = [str(part) for part in parts if part]
        details.append("; ".join([part.rstrip(".") for part in kept[:-1]] + kept[-1:]))
    return {"": "; ".join(wordings), "_range": "; ".join(ranges), "_verdict": "; ".join(verdicts),
            "_details": " | ".join(details)}  # fmt: skip


def rows(report: AggregateReport) -> list[dict]:
    """One dict per indicator, keyed by ``COLUMNS``: the round (``round`` its slug,
    ``round_name`` in the active language, ``synthetic`` whether its answers are generated
    demo data) and the group on every row, then the indicator's figures."""
    weighting = weighting_statement(report.weighting)
    disclosure = disclosure_statement(report)
    status = round_status(report.round)
    # On every row: a CSV has no header block, and "base" alone read as the whole round.
    group = describe(report.filter)
    grouped = bool(report.filter.active())
    result = []
    for row in report.rows:
        figure = row.estimate
        shown = figure.shown
        change = row.change
        entry = {
            # Which round, on every row as the group is: a CSV has no header block, and two
            # rounds' files (or a demo round's beside a real one) read alike without it.
            "round": report.round.slug,
            "round_name": report.round.localized_name,
            "synthetic": report.round.is_synthetic,
            "group": group,
            "indicator": row.indicator.key,
            "name": str(row.indicator.name),
            "rule": row.indicator.rule,
            "scale": scale(row.indicator.rule),
            "population": row.indicator.population,
            "base": base_in_group(figure.base, grouped),
            "weighting": weighting,
            "workplaces": figure.n if shown else None,
            "effective_n": _number(figure.effective_n, 1) if shown else None,
            "value": _number(figure.value) if shown else None,
            "low": _number(figure.low) if shown else None,
            "high": _number(figure.high) if shown else None,
            # Every figure not shown says the same, a base of none included.
            "hidden": "" if shown else str(NOT_SHOWN_EXPLAINED),
            "previous_value": _number(row.previous.value) if row.previous and row.previous.shown else None,
            "change": _number(change[0]) if change else None,
            "change_low": _number(change[1]) if change else None,
            "change_high": _number(change[2]) if change else None,
            "disclosure": disclosure,
            # On every row too: a CSV of a round in fieldwork must say its figures will change.
            "round_status": status,
        }
        for country, comparisons in (("norway", row.norway), ("denmark", row.denmark)):
            for suffix, text in _published(comparisons, report.filter).items():
                entry[f"published_{country}{suffix}"] = text
        result.append(entry)
    return result


def meta(report: AggregateReport) -> dict:
    """What the whole file is: round, group, weighting, strata and the published sources."""
    state = report.weighting
    sources = sorted(
        {
            f"{item.figure.get_edition_display()}: {item.figure.source_title}"
            for row in report.rows
            for item in row.norway + row.denmark
        }
    )
    if report.internal:
        strata = {
            "strata_left_out": [f"{s.workplace_type}, {s.region}: {s.workplaces}" for s in state.left_out],
            "strata_merged": [f"{s.workplace_type}, {s.region}: {s.workplaces}" for s in state.merged],
        }
    else:
        # Naming a merged stratum would tell that it had few answers: published files say
        # how strata are merged, not which (the left-out share is in the weighting text).
        strata = {
            "strata": _(
                "Published results do not name the weighting groups that were merged or left out; the method "
                "page gives the rule."
            )
        }
    return {
        "round": report.round.slug,
        "round_name": report.round.localized_name,
        "synthetic": report.round.is_synthetic,
        "preliminary": is_preliminary(report.round),
        "round_status": round_status(report.round),
        "group": describe(report.filter),
        "workplaces": report.responses,
        "weighted": report.weighted,
        "weighting": weighting_statement(state),
        **strata,
        "sources": sources,
        "disclosure": disclosure_statement(report),
        "note": " ".join(
            [
                _(
                    "Shares are 0–1 of the base named in each row, indices 0–100; the column “scale” gives each "
                    "row's unit and its change's. The interval is 95%."
                ),
                report.hiding,
                _(
                    "A published range is what the published wording allows (“6 in 10” is 55–65%); the verdict "
                    "says whether the round's interval meets it. A published figure is compared only with the "
                    "group it was published for, nationally: not one published for some of the group's workplace "
                    "types only (verdict “other_scope”), nor one published for a wider group of which the group "
                    "is only a part, such as all workplaces beside one workplace type or one county (verdict "
                    "“wider_scope”), nor one that measures something else, such as a Danish share of innovations "
                    "(verdict “other_measure”), nor an unweighted figure, since the published Norwegian figures "
                    "are weighted (verdict “unweighted”)."
                ),
            ]
        ),
    }


def disclosure_statement(report: AggregateReport) -> str:
    """Whether the figures are the published, disclosure-checked ones or live (internal)."""
    if report.internal:
        return _("Internal: not disclosure-checked. Live figures for analysts and admins; do not pass them on.")
    return _("Published results, edition %(edition)s: disclosure-checked.") % {"edition": report.edition}


class ExportFormat:
    """One file format of the aggregate report: ``name`` (the URL's format), the file
    ``extension`` and ``content_type``, and ``render`` to bytes or text."""

    name: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]

    def text_cell(self, value: str) -> str:
        """How this format writes one text cell: the one place for rules on text cells."""
        return value

    def cell(self, value):
        if value is None:
            return self.empty
        return self.text_cell(value) if isinstance(value, str) else value

    empty: ClassVar[object] = ""

    def render(self, report: AggregateReport) -> bytes | str:
        raise NotImplementedError


FORMATS: dict[str, ExportFormat] = {}


def register(format_class: type[ExportFormat]) -> type[ExportFormat]:
    """Add a format to the registry (a class decorator)."""
    FORMATS[format_class.name] = format_class()
    return format_class


@register
class CsvExport(ExportFormat):
    name, extension, content_type = "csv", "csv", "text/csv; charset=utf-8"

    def text_cell(self, value: str) -> str:
        return neutralise(value)

    def cell(self, value):
        """A yes/no (``synthetic``) as JSON writes it, ``true`` or ``false``, not Python's
        ``True``."""
        if isinstance(value, bool):
            return "true" if value else "false"
        return super().cell(value)

    def render(self, report: AggregateReport) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([self.text_cell(column) for column in COLUMNS])
        for row in rows(report):
            writer.writerow([self.cell(row[column]) for column in COLUMNS])
        return buffer.getvalue()


@register
class XlsxExport(ExportFormat):
    name, extension = "xlsx", "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    empty = None

    def render(self, report: AggregateReport) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "indikatorer"
        # Texts become string cells (never formulas) in append_xlsx_rows.
        append_xlsx_rows(
            sheet,
            [
                [self.text_cell(column) for column in COLUMNS],
                *([self.cell(row[c]) for c in COLUMNS] for row in rows(report)),
            ],
        )
        info = workbook.create_sheet("om")
        append_xlsx_rows(
            info,
            (
                [
                    self.text_cell(key),
                    self.text_cell(
                        "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)
                    ),
                ]
                for key, value in meta(report).items()
            ),
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


@register
class JsonExport(ExportFormat):
    name, extension, content_type = "json", "json", "application/json; charset=utf-8"
    empty = None

    def render(self, report: AggregateReport) -> str:
        indicators = [{column: self.cell(row[column]) for column in COLUMNS} for row in rows(report)]
        return json.dumps({**meta(report), "indicators": indicators}, ensure_ascii=False, indent=2)
