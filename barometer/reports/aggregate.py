"""Aggregate benchmarks for staff: a round, a filter, every indicator, the change since the
previous round, with small groups hidden through every combination of filters.

A filtered group is hidden for an indicator when it has fewer than the threshold, and also
when any coarser group a user can ask for (the same filter with one or more criteria
dropped, down to the national total) differs from it by fewer than the threshold: the
difference would otherwise single out those few workplaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from barometer.engine.benchmark import Filter, filtered_estimates, resolved_indicators, round_cells, round_weighting
from barometer.engine.comparability import is_comparable
from barometer.engine.stats import Estimate, difference_of_shares
from barometer.models import Country, Indicator, ReferenceFigure
from surveys.models import SECTOR_OF_WORKPLACE_TYPE, County, Round, RoundKind
from surveys.services.questionsets import export_questionset_data


def previous_round(round_: Round) -> Round | None:
    return (
        Round.objects.filter(kind=RoundKind.NATIONAL, opens_at__lt=round_.opens_at)
        .exclude(pk=round_.pk)
        .select_related("question_set")
        .order_by("-opens_at")
        .first()
    )


@dataclass
class AggregateRow:
    indicator: Indicator
    estimate: Estimate
    previous: Estimate | None
    change: tuple[float, float, float] | None
    norway: list[ReferenceFigure] = field(default_factory=list)
    denmark: list[ReferenceFigure] = field(default_factory=list)
    #: False when the questions behind the indicator changed since the previous round's
    #: version; ``previous`` and ``change`` are then None ("not comparable").
    comparable: bool = True

    @property
    def is_share(self) -> bool:
        return self.indicator.is_share


@dataclass
class AggregateReport:
    round: Round
    filter: Filter
    responses: int | None  # None when the group's size must be hidden
    rows: list[AggregateRow]
    previous_round: Round | None
    weighted: bool = False
    weighting_available: bool = False


def _mean_change(current: Estimate, previous: Estimate) -> tuple[float, float, float] | None:
    if not (current.shown and previous.shown) or None in (current.low, previous.low):
        return None
    difference = current.value - previous.value
    half = ((current.high - current.value) ** 2 + (previous.high - previous.value) ** 2) ** 0.5
    return difference, difference - half, difference + half


def aggregate_report(round_: Round, filter_: Filter, *, weighted: bool = True) -> AggregateReport:
    resolved = resolved_indicators(round_.question_set_id)
    table = round_cells(round_, [item.spec for item in resolved])
    weighting = round_weighting(round_, table)
    applied = weighting if weighted else None
    responses, estimates = filtered_estimates(table, resolved, filter_, weighting=applied)
    before = previous_round(round_)
    previous_estimates: dict[str, Estimate] = {}
    if before is not None:
        previous_resolved = resolved_indicators(before.question_set_id)
        previous_table = round_cells(before, [item.spec for item in previous_resolved])
        previous_weighting = round_weighting(before, previous_table) if weighted else None
        previous_estimates = filtered_estimates(
            previous_table, previous_resolved, filter_, weighting=previous_weighting
        )[1]
    structures = None
    if before is not None and before.question_set_id != round_.question_set_id:
        structures = (export_questionset_data(before.question_set), export_questionset_data(round_.question_set))
    rows = []
    for item in resolved:
        current = estimates[item.spec.key]
        previous = previous_estimates.get(item.spec.key)
        comparable = structures is None or is_comparable(item.spec.question_codes, *structures)
        if not comparable:
            previous = None
        if previous is None:
            change = None
        elif item.spec.is_share:
            change = difference_of_shares(current, previous)
        else:
            change = _mean_change(current, previous)
        figures = [f for f in item.indicator.reference_figures.all() if _figure_fits(f, filter_)]
        rows.append(
            AggregateRow(
                indicator=item.indicator,
                estimate=current,
                previous=previous,
                change=change,
                norway=[f for f in figures if f.country == Country.NORWAY],
                denmark=[f for f in figures if f.country == Country.DENMARK],
                comparable=comparable,
            )
        )
    return AggregateReport(
        round_,
        filter_,
        responses,
        rows,
        before,
        weighted=applied is not None,
        weighting_available=weighting is not None,
    )


def _figure_fits(figure: ReferenceFigure, filter_: Filter) -> bool:
    """A published figure for some workplace types fits only a filter on those types."""
    if not figure.workplace_types:
        return True
    if filter_.workplace_type:
        return filter_.workplace_type in figure.workplace_types
    if filter_.sector:
        return all(SECTOR_OF_WORKPLACE_TYPE[t] == filter_.sector for t in figure.workplace_types)
    return False


def describe(filter_: Filter) -> str:
    from surveys.models import Centrality, Sector, SizeClass, WorkplaceType

    parts = []
    active = filter_.active()
    if "sector" in active:
        parts.append(str(Sector(active["sector"]).label))
    if "workplace_type" in active:
        parts.append(str(WorkplaceType(active["workplace_type"]).label))
    if "size_class" in active:
        parts.append(_("municipalities with %(size)s") % {"size": SizeClass(active["size_class"]).label})
    if "centrality" in active:
        parts.append(_("centrality %(label)s") % {"label": Centrality(active["centrality"]).label})
    if "county" in active:
        county = County.objects.filter(number=active["county"]).first()
        parts.append(county.name if county else active["county"])
    return ", ".join(parts) if parts else _("all workplaces")
