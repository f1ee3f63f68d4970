"""Fieldwork for a national round: who was invited, who opened, started and submitted,
overall and by group, over time, and how the respondents compare with the population."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate

from barometer.engine.population import county_regions, round_population
from surveys.models import (
    SECTOR_OF_WORKPLACE_TYPE,
    Answer,
    Invitation,
    Region,
    Response,
    ResponseStatus,
    Round,
    WorkplaceType,
)
from surveys.services.invitations import submitted_through


@dataclass(frozen=True)
class Progress:
    """Fieldwork of one group: workplaces ``invited``, invitations ``opened`` and
    ``started``, invited workplaces that ``submitted`` (through the link or by an imported
    paper answer), and ``imported`` answers from workplaces that were never invited (counted
    in the figures, but outside the invited sample, so never in the response rate)."""

    label: str
    invited: int
    opened: int
    started: int
    submitted: int
    imported: int = 0

    @property
    def rate(self) -> float | None:
        """Share of the invited workplaces that submitted, 0 to 1 (None when none invited).
        Only invited workplaces count on both sides, so the rate never exceeds 100 %."""
        return self.submitted / self.invited if self.invited else None


def _progress_rows(round_: Round, dimension: str) -> list[tuple[str, int, int, int, int, int]]:
    """(group, invited, opened, started, submitted, imported) per value of ``dimension`` (a
    path from the workplace). Submissions are counted from the countable responses, split
    by whether the workplace was invited to the round: an invited workplace whose paper
    answer was imported has submitted; a workplace never invited is ``imported``."""
    started = Answer.objects.filter(response__invitation=OuterRef("pk"))
    invited = {
        row[dimension]: row
        for row in Invitation.objects.filter(round=round_)
        .annotate(has_started=Exists(started))
        .values(dimension)
        .annotate(
            invited=Count("pk"),
            opened=Count("response"),
            started=Count("pk", filter=Q(has_started=True)),
        )
    }
    was_invited = Invitation.objects.filter(round=round_, workplace=OuterRef("workplace"))
    submitted: dict = {}
    imported: dict = {}
    for key, is_invited, count in (
        Response.objects.countable()
        .filter(round=round_)
        .annotate(is_invited=Exists(was_invited))
        .values_list(dimension, "is_invited")
        .annotate(count=Count("pk"))
    ):
        target = submitted if is_invited else imported
        target[key] = target.get(key, 0) + count
    rows = []
    for key in sorted(set(invited) | set(submitted) | set(imported), key=str):
        row = invited.get(key, {})
        rows.append(
            (
                key,
                row.get("invited", 0),
                row.get("opened", 0),
                row.get("started", 0),
                submitted.get(key, 0),
                imported.get(key, 0),
            )
        )
    return rows


def progress(round_: Round) -> dict[str, list[Progress]]:
    """Progress overall and by workplace type, sector, county and municipality size: types
    and sectors in their choices' order, counties by SSB's county number, sizes from the
    smallest."""
    from surveys.models import County, Sector, SizeClass, WorkplaceType

    # Types and sectors in the order the questionnaire and the reports list them (their
    # choices' order), not by their codes' English spelling; counties by SSB's number.
    type_order = {value: index for index, value in enumerate(WorkplaceType.values)}
    by_type = sorted(_progress_rows(round_, "workplace__workplace_type"), key=lambda row: type_order.get(row[0], 99))
    counties = dict(County.objects.values_list("number", "name"))
    result = {
        "overall": [Progress("", *[sum(row[i] for row in by_type) for i in range(1, 6)])],
        "workplace_type": [Progress(str(WorkplaceType(row[0]).label), *row[1:]) for row in by_type],
        "county": [
            Progress(counties.get(row[0], row[0]), *row[1:])
            for row in _progress_rows(round_, "workplace__municipality__county__number")
        ],
        "size_class": [
            Progress(str(SizeClass(row[0]).label), *row[1:])
            for row in _progress_rows(round_, "workplace__municipality__size_class")
        ],
    }
    sectors: dict[str, list[int]] = {}
    for workplace_type, *counts in by_type:
        totals = sectors.setdefault(SECTOR_OF_WORKPLACE_TYPE[workplace_type], [0, 0, 0, 0, 0])
        for index, count in enumerate(counts):
            totals[index] += count
    sector_order = {value: index for index, value in enumerate(Sector.values)}
    result["sector"] = [
        Progress(str(Sector(key).label), *counts)
        for key, counts in sorted(sectors.items(), key=lambda item: sector_order.get(item[0], 99))
    ]
    return result


def submissions_per_day(round_: Round) -> list[tuple[object, int]]:
    return list(
        Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )


@dataclass(frozen=True)
class Representation:
    workplace_type: str
    region: str  # region code
    region_name: str
    population: int
    respondents: int
    population_share: float
    respondent_share: float

    @property
    def missing(self) -> bool:
        return self.population > 0 and self.respondents == 0

    @property
    def workplace_type_label(self) -> str:
        return str(WorkplaceType(self.workplace_type).label)


def representativeness(round_: Round) -> list[Representation] | None:
    """Per cell (workplace type x region): its share of the population and of the respondents."""
    found = round_population(round_)
    if found is None:
        return None
    population, _source = found
    regions = county_regions()
    respondents: dict[tuple[str, str], int] = {}
    for workplace_type, county, count in (
        Response.objects.countable()
        .filter(round=round_)
        .values_list("workplace_type", "municipality__county__number")
        .annotate(count=Count("pk"))
    ):
        key = (workplace_type, regions.get(county, ""))
        respondents[key] = respondents.get(key, 0) + count
    region_names = dict(Region.objects.values_list("code", "name"))
    total_population = sum(population.values()) or 1
    total_respondents = sum(respondents.values()) or 1
    cells = sorted(set(population) | set(respondents))
    return [
        Representation(
            workplace_type=cell[0],
            region=cell[1],
            region_name=region_names.get(cell[1], cell[1]),
            population=population.get(cell, 0),
            respondents=respondents.get(cell, 0),
            population_share=population.get(cell, 0) / total_population,
            respondent_share=respondents.get(cell, 0) / total_respondents,
        )
        for cell in cells
    ]


def non_respondents(round_: Round):
    """The round's invitations without a submitted response, by municipality and name.

    NOT EXISTS, not ``NOT IN``: imported responses have no invitation, and a NULL in a
    ``NOT IN`` list empties the whole result."""
    return (
        Invitation.objects.filter(round=round_)
        .filter(~Exists(submitted_through(round_)))
        .select_related("workplace__municipality__county")
        .order_by("workplace__municipality__number", "workplace__name")
    )
