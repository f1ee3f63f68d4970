"""A round's population by workplace type and region, for weighting, from a CSV or XLSX file:
``workplace_type,region,workplaces`` (region is a region code, e.g. ``vestlandet``). The
file replaces the round's cells whole, or changes nothing if any row is bad."""

from __future__ import annotations

from django.db import transaction

from ..models import ImportKind, PopulationCell, Region, Round, WorkplaceType
from ..tabular.reading import WHOLE_NUMBER_HINT, TableFileError, read_table, whole_number
from .answering import bump_data_versions_on_commit
from .imports import column_problems, record_import


class PopulationFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def load_population(round_: Round, source, *, imported_by: str = "") -> int:
    """Replace the round's population cells with the file's (CSV or XLSX); returns how many
    cells were loaded. Loading the same file again gives the same cells. Raises
    PopulationFileError, with nothing changed, for a file without rows and for any bad row
    (a count that is not a whole number, or too large for the database, included).

    A round with invitations may have a table too: it then takes the invitations' place as
    the population (see ``barometer.engine.population.round_population``)."""
    if round_.results_published:
        # The published weights were computed from the population as it was.
        raise PopulationFileError([f"round {round_.slug} has published results; its population can no longer change"])
    try:
        table = read_table(source, required=("workplace_type", "region", "workplaces"))
    except TableFileError as exc:
        raise PopulationFileError(exc.errors) from exc
    if not table.rows:
        # An empty file would replace the round's population with nothing.
        raise PopulationFileError(["the file has no rows"])
    regions = {region.code: region for region in Region.objects.all()}
    errors, cells, seen = [], [], set()
    for line, row in table.rows:
        problems = ["more cells than columns"] if None in row else []
        workplace_type = (row.get("workplace_type") or "").strip()
        region = regions.get((row.get("region") or "").strip())
        if workplace_type not in WorkplaceType.values:
            problems.append(f"workplace_type {workplace_type!r} is not a workplace type")
        if region is None:
            problems.append(f"region {row.get('region')!r} is not one of {', '.join(sorted(regions))}")
        try:
            count = whole_number(row.get("workplaces") or "")
        except ValueError:
            problems.append(
                f"workplaces {row.get('workplaces')!r} is not a whole number of 0 or more ({WHOLE_NUMBER_HINT})"
            )
            count = None
        problems += [
            f"workplaces: {reason}" for _column, reason in column_problems(PopulationCell, [("workplaces", "", count)])
        ]
        if not problems and (workplace_type, region.code) in seen:
            problems.append("the same workplace type and region appear twice")
        if problems:
            errors.append(f"line {line}: " + "; ".join(problems))
            continue
        seen.add((workplace_type, region.code))
        cells.append(PopulationCell(round=round_, workplace_type=workplace_type, region=region, workplaces=count))
    if errors:
        raise PopulationFileError(errors)
    with transaction.atomic():
        PopulationCell.objects.filter(round=round_).delete()
        PopulationCell.objects.bulk_create(cells)
        record_import(ImportKind.POPULATION, round_, table, len(cells), imported_by)
        # The weights change with the population: every cached figure of the round must go.
        bump_data_versions_on_commit([round_.pk])
    return len(cells)
