"""Aggregate benchmarks for staff: a round, a filter, every indicator, the change since the
previous round.

Two sources (docs/disclosure.md): municipality staff read the round's published snapshot
(``published=True``: the fixed set of groups, the change only where both rounds' snapshots
show the figure); analysts and admins read live figures with any filter, where the rule
below is display hygiene and every page and file says "internal: not disclosure-checked".

A filtered group is hidden for an indicator when it has fewer than the threshold, and also
when any coarser group a user can ask for (the same filter with one or more criteria
dropped, down to the national total) differs from it by fewer than the threshold: the
difference would otherwise single out those few workplaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from barometer.engine.comparability import is_comparable
from barometer.engine.disclosure import MIN_PUBLISHED
from barometer.engine.figures import Base, Figure, RoundFigures, WeightingState
from barometer.engine.groups import Filter, municipalities_phrase, workplace_type_label
from barometer.engine.published import OTHER_SCOPE, benchmark, published_verdict
from barometer.engine.snapshots import PublishedFigures
from barometer.engine.stats import difference_of_shares
from barometer.formatting import format_share, table_decimals, upper_first, workplaces_in_words
from barometer.models import Country, Indicator, ReferenceFigure
from barometer.reports.scope import figure_scope
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


@dataclass(frozen=True)
class PublishedComparison:
    """A published figure beside a live one: the verdict by the range its wording allows,
    and a scope note when the figure was published for fewer workplace types than the
    group shown. Such a figure gets no verdict (``OTHER_SCOPE``): it is about another
    population, and a group that also holds other types may differ from it for that reason
    alone; nor does a figure published for a wider group than the one shown
    (``WIDER_SCOPE``), nor one that measures something else (``OTHER_MEASURE``, see
    ``ReferenceFigure.same_measure``). ``verdict`` is None for means, which have no
    published counterpart to meet. ``covers`` says whether the figure was published for
    the group as it is (``figure_scope``). ``unasked`` says that the group holds types the
    figure's edition did not ask (``unasked_note``): the same for every figure of the
    edition, so a page says it once, under its table (``AggregateReport.unasked_notes``),
    not in each cell."""

    figure: ReferenceFigure
    verdict: str | None
    scope: str
    covers: bool = True
    unasked: str = ""


@dataclass
class AggregateRow:
    indicator: Indicator
    estimate: Figure
    previous: Figure | None
    change: tuple[float, float, float] | None
    norway: list[PublishedComparison] = field(default_factory=list)
    denmark: list[PublishedComparison] = field(default_factory=list)
    #: False when the questions behind the indicator changed since the previous round's
    #: version; ``previous`` and ``change`` are then None ("not comparable").
    comparable: bool = True

    @property
    def is_share(self) -> bool:
        return self.indicator.is_share

    @property
    def benchmark(self) -> ReferenceFigure | None:
        """The Norwegian figure to mark beside the group's share: one that measures the same
        thing and was published for the group as it is (``figure_scope``), the one published
        for the group's own workplace types (say, health and care) before one for all types;
        None when there is none. A figure that is not compared is not marked."""
        return benchmark(p.figure for p in self.norway if p.covers)

    @property
    def base(self) -> Base:
        return self.estimate.base


@dataclass
class AggregateReport:
    round: Round
    filter: Filter
    responses: int | None  # None when the group's size must be hidden
    rows: list[AggregateRow]
    previous_round: Round | None
    weighting: WeightingState
    #: The published edition the figures come from; None for live figures (internal).
    edition: int | None = None

    @property
    def decimals(self) -> int:
        """The decimals of the report's table, for every row's value, interval and change
        (``barometer.formatting.table_decimals``)."""
        return table_decimals((row.estimate, row.is_share) for row in self.rows)

    @property
    def internal(self) -> bool:
        """Live figures, not disclosure-checked: for the trusted tier only."""
        return self.edition is None

    @property
    def hiding(self) -> str:
        """Which groups are hidden, in one sentence: the published rule for published
        figures, the display threshold alone for live ones (docs/disclosure.md)."""
        if self.internal:
            return _(
                "Groups of fewer than %(n)s workplaces are hidden, and so is a group whose rest within a larger group "
                "or a breakdown has fewer than %(n)s; nothing else is checked, so a hidden figure can often be found "
                "from other pages."
            ) % {"n": settings.BAROMETER_MIN_GROUP_SIZE}
        return _(
            "Groups of fewer than %(n)s workplaces, groups in which one municipality's staff know all but 1 to 4, "
            "and groups that could be worked out from the others, are hidden."
        ) % {"n": MIN_PUBLISHED}

    @property
    def weighted(self) -> bool:
        return self.weighting.weighted

    @property
    def unasked_notes(self) -> list[str]:
        """Each different note that the group holds types a published figure's edition did not
        ask (``PublishedComparison.unasked``), once, in the table's order: said under the
        table, not in every cell."""
        notes = [item.unasked for row in self.rows for item in row.norway + row.denmark if item.unasked]
        return list(dict.fromkeys(notes))

    @property
    def weighting_available(self) -> bool:
        return self.weighting.available


def _mean_change(current: Figure, previous: Figure) -> tuple[float, float, float] | None:
    if not (current.shown and previous.shown) or None in (current.low, previous.low):
        return None
    difference = current.value - previous.value
    half = ((current.high - current.value) ** 2 + (previous.high - previous.value) ** 2) ** 0.5
    return difference, difference - half, difference + half


def aggregate_report(
    round_: Round, filter_: Filter, *, weighted: bool = True, published: bool = False
) -> AggregateReport | None:
    """Every indicator for the group, with the change since the previous national round and
    the published figures.

    Live (``published`` False): weighted as asked when the round has a population.
    Published: from the round's latest snapshot (None when the round has none), the change
    from the previous round's snapshot, so it is shown only where both sides are shown.
    """
    before = previous_round(round_)
    if published:
        figures = PublishedFigures.latest(round_)
        if figures is None:
            return None
        earlier_figures = PublishedFigures.latest(before)
    else:
        figures = RoundFigures(round_, weighted=weighted)
        earlier_figures = RoundFigures(before, weighted=weighted) if before is not None else None
    edition = figures.edition if published else None
    group = figures.group(filter_)
    previous = earlier_figures.group(filter_) if earlier_figures is not None else None
    structures = None
    if before is not None and before.question_set_id != round_.question_set_id:
        structures = (export_questionset_data(before.question_set), export_questionset_data(round_.question_set))
    # The published Norwegian figures are weighted: an unweighted share is not judged against them.
    weighted = figures.weighting_state.weighted
    rows = []
    for item in figures.resolved:
        current = group[item.spec.key]
        earlier = previous.get(item.spec.key) if previous is not None else None
        comparable = structures is None or is_comparable(item.spec.question_codes, *structures)
        if not comparable:
            earlier = None
        if earlier is None:
            change = None
        elif item.spec.is_share:
            change = difference_of_shares(current, earlier)
        else:
            change = _mean_change(current, earlier)
        comparisons = [
            PublishedComparison(
                f,
                published_verdict(current, f, weighted=weighted, scope=scope.verdict) if item.spec.is_share else None,
                scope.note if scope.verdict == OTHER_SCOPE else "",
                covers=scope.verdict is None,
                unasked="" if scope.verdict == OTHER_SCOPE else scope.note,
            )
            for f in item.indicator.reference_figures.all()
            if (scope := figure_scope(f, filter_)) is not None
        ]
        rows.append(
            AggregateRow(
                indicator=item.indicator,
                estimate=current,
                previous=earlier,
                change=change,
                norway=[p for p in comparisons if p.figure.country == Country.NORWAY],
                denmark=[p for p in comparisons if p.figure.country == Country.DENMARK],
                comparable=comparable,
            )
        )
    return AggregateReport(round_, filter_, group.responses, rows, before, figures.weighting_state, edition)


def describe(filter_: Filter) -> str:
    """The group a filter chooses, named as workplaces: "Kindergartens in Vestland, in
    municipalities with under 5,000 inhabitants and centrality class 1 (most central)",
    "Workplaces in the health and care sector, in Vestland", "Workplaces in municipalities
    in centrality class 3", "all workplaces". Never "municipalities with ..." or a county's
    name on its own: beside a share they read as a share of the municipalities or of the
    county. It starts with a common noun, so inside a sentence it takes a lower-case first
    letter (``lower_first``).

    The county comes first, then the municipalities, said once ("in municipalities with
    ... and centrality class ...", not "in municipalities ..., in municipalities ...").
    Each place after the first, and any after a sector (whose name is already "... in the
    ... sector"), follows a comma."""
    active = filter_.active()
    where = []
    if "county" in active:
        county = County.objects.filter(number=active["county"]).first()
        where.append(_("in %(county)s") % {"county": county.name if county else active["county"]})
    if municipalities := municipalities_phrase(active.get("size_class"), active.get("centrality")):
        where.append(municipalities)
    if "workplace_type" in active:
        who = workplace_type_label(active["workplace_type"])
    elif "sector" in active:
        sector = [t for t, s in SECTOR_OF_WORKPLACE_TYPE.items() if s == active["sector"]]
        # "Workplaces in the health and care sector": a place of its own, so the next follows a comma.
        who = upper_first(workplaces_in_words(sector)) + ","
    elif where:
        # "Workplaces" alone is a column heading elsewhere ("Antall virksomheter").
        who = str(pgettext("a group's name, followed by where", "Workplaces"))
    else:
        return str(_("all workplaces"))
    if not where:
        return who.rstrip(",")
    return f"{who} {', '.join(str(part) for part in where)}"


def weighting_statement(state: WeightingState) -> str:
    """One sentence saying how figures are weighted, for pages and files alike."""
    if state.weighted:
        text = _("Weighted to the population of workplaces by workplace type and region.")
        if state.left_out_share > 0:
            text += " " + _(
                "%(share)s of the population's workplaces are in groups with no answers and are not represented."
            ) % {"share": format_share(state.left_out_share)}
        return text
    if state.available:
        return _("Unweighted: each answer counts the same.")
    return _("Unweighted: the round has no population data to weight to.")
