"""A round's population of workplaces by type and region: the loaded population table,
else the round's invitations. Read by the weighting (through ``RoundFigures``) and by the
fieldwork dashboard's representativeness table."""

from __future__ import annotations

from django.db.models import Count

from surveys.models import County, Invitation, PopulationCell, Response, Round


def county_regions() -> dict[str, str]:
    """Region code by county number (one query)."""
    return dict(County.objects.values_list("number", "region__code"))


def round_population(round_: Round) -> tuple[dict[tuple[str, str], int], str] | None:
    """Workplaces per (type, region code) and the source ("table" or "invitations"), or None
    when the round has no population to weight to."""
    table = {
        (workplace_type, region): count
        for workplace_type, region, count in PopulationCell.objects.filter(round=round_).values_list(
            "workplace_type", "region__code", "workplaces"
        )
    }
    if table:
        return table, "table"
    # The invitations are the population only when every counted answer came through one.
    if Response.objects.countable().filter(round=round_, invitation__isnull=True).exists():
        return None
    invited = (
        Invitation.objects.filter(round=round_)
        .values_list("workplace__workplace_type", "workplace__municipality__county__region__code")
        .annotate(count=Count("id"))
    )
    counted = {(workplace_type, region): count for workplace_type, region, count in invited}
    return (counted, "invitations") if counted else None
