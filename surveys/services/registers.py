"""Loading the region, county and municipality registers from CSV files.

The municipality file follows SSB's municipality list: ``number,name,county,population,
centrality`` (CSV or XLSX, read by :mod:`surveys.tabular.reading`; further columns are
ignored). The default register is SSB's, shipped in ``surveys/data/ssb/municipalities_2024.csv``:
the 357 municipalities valid from 1 January 2024, population on 1 January 2024 (SSB table
07459) and SSB's centrality classes (NLOD licence, "Kilde: Statistisk sentralbyrå (SSB)"; see
``surveys/data/ssb/README.md``). The invented sample register (9901-9930) is for tests that
need a tiny register.

Imports are idempotent (a municipality is matched by its number and updated) and
all-or-nothing: every bad row is reported with its line number and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ..models import County, ImportKind, Municipality, Region
from ..tabular.reading import (
    WHOLE_NUMBER_HINT,
    Table,
    TableFileError,
    county_number,
    municipality_number,
    read_table,
    whole_number,
)
from .imports import LINE_BREAKS, column_problems, describe_import, previous_import, record_import

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MUNICIPALITY_COLUMNS = ("number", "name", "county", "population", "centrality")
SSB_REGISTER = DATA_DIR / "ssb" / "municipalities_2024.csv"
SAMPLE_REGISTER = DATA_DIR / "sample_register.csv"
SAMPLE_PREFIX = "99"  # no county has it; the invented municipalities 9901-9930 use it


class RegisterFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    previous: str = ""  # how the same file was imported before, when it was


def _read_rows(source, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    return _read_table(source, required).rows


def _read_table(source, required: tuple[str, ...]) -> Table:
    try:
        return read_table(source, required=required)
    except TableFileError as exc:
        raise RegisterFileError(exc.errors) from exc


@transaction.atomic
def load_regions_and_counties() -> None:
    """Load the shipped regions (landsdeler) and counties (fylker, 2024 division)."""
    for position, (_line, row) in enumerate(_read_rows(DATA_DIR / "regions.csv", ("code", "name")), start=1):
        Region.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "position": position})
    regions = {region.code: region for region in Region.objects.all()}
    for _line, row in _read_rows(DATA_DIR / "counties.csv", ("number", "name", "region")):
        County.objects.update_or_create(
            number=row["number"], defaults={"name": row["name"], "region": regions[row["region"]]}
        )


def _parse_municipality(line: int, row: dict[str, str], counties: dict[str, County], errors: list[str]):
    values = {key: (row.get(key) or "").strip() for key in MUNICIPALITY_COLUMNS}
    # Cells beyond the header belong to no column: a row shifted by a stray separator
    # would otherwise be read with its cells under the wrong names, as every import refuses.
    problems = ["more cells than columns"] if None in row else []
    number = municipality_number(values["number"])  # spreadsheets drop the leading zero of 0301
    if not (len(number) == 4 and number.isascii() and number.isdigit()):
        problems.append(f"number {values['number']!r} is not a four-digit municipality number")
    if not values["name"]:
        problems.append("name is empty")
    elif LINE_BREAKS.search(values["name"]):
        problems.append(f"name {values['name'][:60]!r} holds a line break; a name stands on one line")
    county = counties.get(county_number(values["county"]))
    if county is None:
        problems.append(f"county {values['county']!r} is not a known county number")
    elif not problems and not _in_county(number, county):
        prefix = number[:2]
        why = "" if prefix in counties else f"; {prefix} is no county of the 2024 division (a number from before 2024?)"
        problems.append(
            f"number {number} is not in county {county.number}: a municipality number begins with its county's "
            f"number{why}"
        )
    try:
        population = whole_number(values["population"])
    except ValueError:
        problems.append(f"population {values['population']!r} is not a whole number of 0 or more ({WHOLE_NUMBER_HINT})")
        population = None
    try:
        centrality = whole_number(values["centrality"])
        if not 1 <= centrality <= 6:
            raise ValueError
    except ValueError:
        problems.append(f"centrality {values['centrality']!r} is not a class from 1 to 6")
        centrality = None
    parsed = {"number": number, "name": values["name"], "county": county, "population": population,
              "centrality": centrality}  # fmt: skip
    problems += [
        f"{column}: {reason}"
        for column, reason in column_problems(Municipality, [(key, key, parsed[key]) for key in ("name", "population")])
    ]
    if problems:
        errors.append(f"line {line}: " + "; ".join(problems))
        return None
    return parsed


def _in_county(number: str, county: County) -> bool:
    """Whether a municipality number begins with its county's number, as every number of the
    2024 register does. Numbers 99xx are no county's: the invented sample register's."""
    return number.startswith(county.number) or number.startswith(SAMPLE_PREFIX)


@transaction.atomic
def import_municipalities(source, *, is_sample: bool = False, imported_by: str = "") -> ImportResult:
    """Import or update municipalities from a CSV or XLSX file (path, bytes or file object).

    Municipalities are matched by number, so importing the same file again changes nothing
    (``previous`` then says when it was imported before). Raises RegisterFileError, with
    nothing saved, for any bad row."""
    if not County.objects.exists():
        load_regions_and_counties()
    counties = {county.number: county for county in County.objects.all()}
    errors: list[str] = []
    parsed = []
    seen: dict[str, int] = {}
    table = _read_table(source, MUNICIPALITY_COLUMNS)
    if not table.rows:
        raise RegisterFileError(["the file has no rows"])
    for line, row in table.rows:
        values = _parse_municipality(line, row, counties, errors)
        if values is None:
            continue
        if values["number"] in seen:
            errors.append(f"line {line}: municipality {values['number']} also appears on line {seen[values['number']]}")
            continue
        seen[values["number"]] = line
        parsed.append(values)
    if errors:
        raise RegisterFileError(errors)

    existing = {m.number: m for m in Municipality.objects.filter(number__in=seen)}
    created = updated = unchanged = 0
    for values in parsed:
        municipality = existing.get(values["number"])
        if municipality is None:
            Municipality.objects.create(is_sample=is_sample, **values)
            created += 1
            continue
        fields = ["name", "county", "population", "centrality"]
        if all(getattr(municipality, f) == values[f] for f in fields):
            unchanged += 1
            continue
        for f in fields:
            setattr(municipality, f, values[f])
        municipality.save(update_fields=fields)
        updated += 1
    previous = previous_import(ImportKind.MUNICIPALITIES, None, table.digest)
    record_import(ImportKind.MUNICIPALITIES, None, table, len(parsed), imported_by)
    return ImportResult(
        created=created,
        updated=updated,
        unchanged=unchanged,
        previous=describe_import(previous) if previous else "",
    )


def load_default_register() -> ImportResult:
    """Load the regions, counties and SSB's municipality register shipped with the project.

    Idempotent: municipalities are matched by number, so a second run reports them all as
    unchanged. Returns the counts of the municipality import.
    """
    load_regions_and_counties()
    return import_municipalities(SSB_REGISTER)
