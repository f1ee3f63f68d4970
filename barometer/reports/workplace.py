"""The workplace report: each indicator for the workplace itself, nationally, in its peer
groups and in the published barometers, with a plain-language sentence.

National and peer figures come from the round's latest published snapshot
(``barometer.engine.snapshots.PublishedFigures``), never from live answers: before the
round's results are published the report compares with the published barometers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from barometer.engine.figures import (
    Base,
    Figure,
    GroupFigures,
    ResolvedIndicator,
    WeightingState,
    comparison_round,
    resolved_indicators,
)
from barometer.engine.groups import Filter, peer_filters
from barometer.engine.indicators import OwnValue, evaluate
from barometer.engine.snapshots import HIDDEN, PublishedFigures, latest_published_round
from barometer.formatting import format_number, format_share
from barometer.models import Country, Indicator, ReferenceFigure, Rule
from surveys.models import AnswerChoice, Response, Round, RoundKind


@dataclass
class PeerEstimate:
    kind: str
    label: str
    estimate: Figure


@dataclass
class IndicatorRow:
    indicator: Indicator
    own: OwnValue
    national: Figure
    peers: list[PeerEstimate]
    norway: list[ReferenceFigure]
    denmark: list[ReferenceFigure]
    sentence: str
    suggestion: str

    @property
    def is_share(self) -> bool:
        return self.indicator.rule == Rule.SHARE

    @property
    def base(self) -> Base:
        return self.national.base

    @property
    def national_label(self) -> str:
        """The national row's label, naming the base: "Nationally: workplaces with an innovation"."""
        return _("Nationally: %(base)s") % {"base": self.national.base.label}


@dataclass
class WorkplaceReport:
    response: Response
    round: Round | None
    responses_nationally: int | None
    rows: list[IndicatorRow]
    peer_labels: list[tuple[str, str]]
    weighting: WeightingState = field(
        default_factory=lambda: WeightingState(weighted=False, available=False, source=None)
    )
    #: False until the comparison round's results are published: no national or peer
    #: figures of the round are shown then.
    published: bool = False

    @property
    def weighted(self) -> bool:
        return self.weighting.weighted

    @property
    def weighting_available(self) -> bool:
        return self.weighting.available

    @property
    def is_synthetic(self) -> bool:
        return bool(self.round and self.round.is_synthetic)

    @property
    def pending_text(self) -> str:
        """What the report says while its round's results are not published."""
        return pending_results_text(self)

    @property
    def headlines(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.indicator.headline]

    @property
    def suggestions(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.suggestion]


def _sentence(indicator: Indicator, own: OwnValue, national: Figure, *, published: bool = True) -> str:
    if indicator.rule == Rule.SHARE:
        own_text = indicator.own_yes if own.value == 1.0 else indicator.own_no
        if not published:
            return own_text
        if not national.shown:
            return _("%(own)s There are too few answers yet to show the national figure.") % {"own": own_text}
        return _("%(own)s Nationally, “%(name)s” applies to %(share)s of %(population)s (%(n)s answers).") % {
            "own": own_text,
            "name": indicator.name,
            "share": format_share(national.value),
            "population": national.base.label,
            "n": national.n,
        }
    if own.value is None:
        own_text = _("Your workplace did not answer enough of the statements to get a score.")
    else:
        own_text = _("Your workplace scores %(value)s of 100.") % {"value": format_number(own.value, 0)}
    if not published:
        return own_text
    if not national.shown:
        return own_text + " " + _("There are too few answers yet to show the national figure.")
    return (
        own_text
        + " "
        + _("The national average is %(value)s (%(n)s answers).")
        % {
            "value": format_number(national.value, 0),
            "n": national.n,
        }
    )


def _differs_unfavourably(indicator: Indicator, own: OwnValue, national: Figure) -> bool:
    if indicator.higher_is_favourable is None or not own.applies or own.value is None or not national.shown:
        return False
    if indicator.rule == Rule.SHARE:
        # Only a gap worth telling: the workplace lacks what most workplaces report.
        lacking = own.value == 0.0 if indicator.higher_is_favourable else own.value == 1.0
        return lacking and (national.value >= 0.5 if indicator.higher_is_favourable else national.value < 0.5)
    below = own.value < national.low if national.low is not None else own.value < national.value
    return below if indicator.higher_is_favourable else not below


def chosen_option_ids(response: Response) -> set[int]:
    return set(AnswerChoice.objects.filter(response=response).values_list("option_id", flat=True))


def own_values(response: Response, resolved_for_own_set: list[ResolvedIndicator]) -> dict[str, OwnValue]:
    chosen = chosen_option_ids(response)
    return {item.spec.key: evaluate(item.spec, chosen) for item in resolved_for_own_set}


def report_round(response: Response) -> Round | None:
    """The round a report compares with: an invited response its own round (also during
    fieldwork); a self-test the latest national round whose results are published, else
    the round ``comparison_round`` names (whose figures are not shown yet)."""
    if response.round.kind != RoundKind.SELF_TEST:
        return comparison_round(response)
    return latest_published_round() or comparison_round(response)


def build_workplace_report(response: Response, *, weighted: bool = True) -> WorkplaceReport:
    """The report; national and peer figures from the comparison round's latest published
    snapshot, weighted as published (``weighted`` is kept for callers; a snapshot has one
    weighting). Without a published snapshot: the workplace's own answers and the
    published barometers only."""
    round_ = report_round(response)
    own_resolved = resolved_indicators(response.question_set_id)
    own = own_values(response, own_resolved)
    if round_ is None:
        return WorkplaceReport(response, None, 0, [], [])
    resolved = (
        own_resolved
        if round_.question_set_id == response.question_set_id
        else resolved_indicators(round_.question_set_id)
    )
    # Published figures only: the same for every viewer, and frozen, so that neither a
    # workplace's knowledge of its own answer nor a submit between two visits gives
    # anything away (docs/disclosure.md).
    source = PublishedFigures.latest(round_, resolved)
    published = source is not None
    if source is None:
        source = _Unpublished(resolved)
    national_group = source.group(Filter())
    responses_nationally, national_estimates = national_group.responses, national_group.figures
    municipality = response.municipality
    peers = (
        peer_filters(
            workplace_type=response.workplace_type,
            size_class=municipality.size_class,
            centrality=municipality.centrality,
            county=municipality.county,
        )
        if published
        else []
    )
    group_results = [(kind, label, source.group(filter_).figures) for kind, label, filter_ in peers]
    rows = []
    for item in resolved:
        indicator = item.indicator
        mine = own.get(item.spec.key, OwnValue(applies=False, value=None))
        if not mine.applies and indicator.rule == Rule.SHARE:
            continue  # the indicator's population does not include this workplace
        national_estimate = national_estimates[item.spec.key]
        figures = [f for f in indicator.reference_figures.all() if f.applies_to(response.workplace_type)]
        rows.append(
            IndicatorRow(
                indicator=indicator,
                own=mine,
                national=national_estimate,
                peers=[PeerEstimate(kind, label, estimates[item.spec.key]) for kind, label, estimates in group_results],
                norway=[f for f in figures if f.country == Country.NORWAY],
                denmark=[f for f in figures if f.country == Country.DENMARK],
                sentence=_sentence(indicator, mine, national_estimate, published=published),
                suggestion=indicator.suggestion if _differs_unfavourably(indicator, mine, national_estimate) else "",
            )
        )
    return WorkplaceReport(
        response=response,
        round=round_,
        responses_nationally=responses_nationally,
        rows=rows,
        peer_labels=[(kind, label) for kind, label, _filter in peers],
        weighting=source.weighting_state,
        published=published,
    )


class _Unpublished:
    """Stands in for ``PublishedFigures`` before a round's results are published: every
    figure hidden, no weighting."""

    weighting_state = WeightingState(weighted=False, available=False, source=None)

    def __init__(self, resolved: list[ResolvedIndicator]):
        self.resolved = resolved

    def group(self, filter_: Filter) -> GroupFigures:
        figures = {
            item.spec.key: Figure(item.spec.key, HIDDEN, item.base, False, item.spec.is_share) for item in self.resolved
        }
        return GroupFigures(filter_, None, figures)


# --- Charts ----------------------------------------------------------------------------------

CHARTS = ("shares", "culture")


def _published_share(row: IndicatorRow) -> float | None:
    return float(row.norway[0].value) / 100 if row.norway else None


def chart_rows(report: WorkplaceReport) -> dict[str, list[IndicatorRow]]:
    return {
        "shares": [row for row in report.rows if row.is_share],
        "culture": [row for row in report.rows if row.indicator.rule == Rule.INDEX],
    }


def chart_image(report: WorkplaceReport, name: str, image_format: str = "svg") -> str | bytes:
    """One chart of the report, drawn with the active language's labels and numbers."""
    from barometer.outputs.charts import ShareBar, scores_chart, shares_chart

    rows = chart_rows(report)[name]
    hidden = _("too few answers")
    if name == "shares":
        bars = []
        for row in rows:
            peer = next((p.estimate for p in row.peers if p.kind == "workplace_type"), None)
            own = (
                _("%(name)s (of %(base)s; you: yes)") if row.own.value == 1.0 else _("%(name)s (of %(base)s; you: no)")
            )
            bars.append(
                ShareBar(
                    label=own % {"name": row.indicator.name, "base": row.base.label},
                    value=row.national.value if row.national.shown else None,
                    low=row.national.low,
                    high=row.national.high,
                    peer=peer.value if peer is not None and peer.shown else None,
                    published=_published_share(row),
                )
            )
        return shares_chart(
            bars,
            title=_("Shares nationally and in your peer group; each bar is a share of the workplaces in brackets"),
            national_label=_("Nationally (with 95 % interval)"),
            peer_label=_("Your type of workplace"),
            published_label=_("Published, Norway"),
            hidden_label=hidden,
            image_format=image_format,
        )
    row = rows[0]
    labels = [_("Your workplace"), row.national_label] + [p.label for p in row.peers]
    values = [row.own.value, row.national.value if row.national.shown else None] + [
        p.estimate.value if p.estimate.shown else None for p in row.peers
    ]
    # The base is in the national bar's label ("Nationally: ... that answered at least 3 of the 5
    # statements"); the title is the indicator's name, as its table's heading.
    return scores_chart(labels, values, title=str(row.indicator.name), hidden_label=hidden, image_format=image_format)


def pending_results_text(report: WorkplaceReport) -> str:
    """What a report says before its round's results are published."""
    return _(
        "Your answers are compared with the published results of the Norwegian (2018) and Danish (2015) "
        "barometers. The figures for %(round)s and for workplaces like yours come with the round's results, "
        "once they are published."
    ) % {"round": report.round.localized_name}


def available_charts(report: WorkplaceReport) -> list[str]:
    if not report.published:
        return []  # the charts draw the round's figures, which are not published yet
    rows = chart_rows(report)
    return [name for name in CHARTS if rows[name]]
