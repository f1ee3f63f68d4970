"""The workplace report: each indicator for the workplace itself, nationally, in its peer
groups and in the published barometers, with a plain-language sentence.

National and peer figures come from the round's latest published snapshot
(``barometer.engine.snapshots.PublishedFigures``), never from live answers: before the
round's results are published the report compares with the published barometers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from barometer.engine.published import benchmark
from barometer.engine.snapshots import HIDDEN, LATEST_PUBLISHED_ID, PublishedFigures, latest_published_round
from barometer.formatting import (
    NOT_SHOWN,
    among,
    format_count,
    format_number,
    format_share,
    group_with_base,
    lower_first,
    named_base,
    table_decimals,
    upper_first,
    weighting_word,
    with_weighting,
    workplaces_of_type,
)
from barometer.models import EDITION_COVERAGE, Country, Edition, Indicator, ReferenceFigure, Rule
from barometer.reports.rounds import is_preliminary
from barometer.reports.scope import national_row_notes, suggestion_for, type_name
from barometer.reports.summary import Summary, build_summary, comparison_groups, share_statement, shown_group_name
from surveys.models import AnswerChoice, Response, Round, RoundKind

if TYPE_CHECKING:
    from barometer.outputs.charts import ChartLayout, ChartPart, ShareBar


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
    #: Why figures the indicator has are not listed: one sentence for each edition that did
    #: not ask the workplace's type (``not_asked``).
    not_asked: list[str] = field(default_factory=list)
    #: What the published figures' scope adds about the national row, one sentence per
    #: edition, set under the published figures (``barometer.reports.scope.national_row_notes``):
    #: KS 2018 did not survey every type the national row holds.
    national_notes: list[str] = field(default_factory=list)

    @property
    def is_share(self) -> bool:
        return self.indicator.rule == Rule.SHARE

    @property
    def base(self) -> Base:
        return self.national.base

    @property
    def published_figures(self) -> list[ReferenceFigure]:
        """The published figures, Norwegian then Danish."""
        return self.norway + self.denmark

    @property
    def own_unsure(self) -> str:
        """ "Don't know" or "Not relevant" when that was the workplace's answer ("")."""
        return unsure_answer(self.own)

    @property
    def decimals(self) -> int:
        """The decimals of the row's table (national and peer figures, and the workplace's
        own score), ``barometer.formatting.table_decimals``; a figure not shown (all of
        them before the round's results are published) counts for nothing."""
        return table_decimals([(self.national, self.is_share)] + [(p.estimate, self.is_share) for p in self.peers])

    @property
    def among_base(self) -> str:
        """Whom every group's figure in the row's table is of, said once above it: "Among
        workplaces that answered at least 3 of the 5 statements"; "" for all workplaces.
        Every group of the row has its base (``base``), so the table's rows, its chart's
        bars and the PDF's lines name the group alone (``barometer.formatting.among``)."""
        return upper_first(among(self.base))


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
    summary: Summary | None = None
    factor_ratings: dict[str, str] = field(default_factory=dict)
    #: False until the comparison round's results are published: no national or peer
    #: figures of the round are shown then.
    published: bool = False
    #: The edition of the published results compared with (a correction is a new one).
    edition: int | None = None
    #: Built for staff (municipality staff, admins): worded about "the workplace".
    staff: bool = False

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
    def preliminary(self) -> bool:
        """Whether the round's figures shown may still change (``is_preliminary``): never,
        as things are, since the report shows a round's figures only once its results are
        published, which needs a closed round whose dates can then no longer change; so a
        cached report or chart needs no key for it. Its charts and their captions say so
        should that change, as every chart of a preliminary round does."""
        return bool(self.published and self.round is not None and is_preliminary(self.round))

    @property
    def pending_text(self) -> str:
        """What the report says while its round's results are not published."""
        return pending_results_text(self)

    @property
    def summary_not_asked(self) -> str:
        """Why a summary that compares with the published national barometer (2018), the
        round's figures not being there yet, compares with nothing: the 2018 barometer did not
        ask the workplace's type ("" when it did, or when the summary has the round's figures)."""
        covered = EDITION_COVERAGE.get(Edition.NO_2018)
        workplace_type = self.response.workplace_type
        if self.summary is None or self.summary.source != "published" or covered is None or workplace_type in covered:
            return ""
        return _(
            "There are no figures from this round yet, and the published national barometer (2018) has no figure "
            "for workplaces of the type “%(type)s”: it asked only workplaces in education and in health and care. "
            "So there is nothing to compare with yet; comparisons with workplaces like this one come with the "
            "round's results."
        ) % {"type": _type_label(workplace_type)}

    @property
    def headlines(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.indicator.headline]

    @property
    def suggestions(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.suggestion]


#: Why a report lists no figure from an edition that did not ask its workplace's type
#: (``EDITION_COVERAGE``), in words a manager understands: a reader who sees no 2018 figure
#: beside "Har innovert" should not have to guess.
NOT_ASKED = {
    Edition.NO_2018: gettext_lazy(
        "There is no Norwegian figure from 2018 here: KS' barometer that year asked only workplaces in education "
        "and in health and care, not workplaces of the type “%(type)s”."
    ),
}


def not_asked(figures, workplace_type: str) -> list[str]:
    """For each edition that has a figure about all workplaces among ``figures`` but did
    not ask ``workplace_type`` (KS 2018 and "other" workplaces, ``EDITION_COVERAGE``), the
    sentence that says why the report shows none of its figures."""
    editions = sorted(
        {figure.edition for figure in figures if not figure.workplace_types and not figure.applies_to(workplace_type)}
    )
    label = _type_label(workplace_type)
    return [str(NOT_ASKED[edition]) % {"type": label} for edition in editions if edition in NOT_ASKED]


def _type_label(workplace_type: str) -> str:
    """The workplace type as the self-test's list names it ("Annen virksomhet")."""
    return type_name(workplace_type)


def report_heading(response: Response, *, staff: bool) -> str:
    """The report's heading, as its page, its ``<title>`` and its PDF name it.

    A respondent reads about "your workplace"; staff read about the workplace by name, or,
    for a self-test (no workplace), about a self-test by its workplace type. Returns the
    text in the active language."""
    if not staff:
        return _("How your workplace is doing")
    if response.workplace is not None:
        return _("How %(name)s is doing") % {"name": response.workplace.name}
    return _("Self-test report: %(type)s") % {"type": _type_label(response.workplace_type).lower()}


#: The answers that are neither yes nor no, as the report names them.
UNSURE_ANSWERS = {"dont_know": gettext_lazy("Don't know"), "not_relevant": gettext_lazy("Not relevant")}


def unsure_answer(own: OwnValue) -> str:
    """ "Don't know" or "Not relevant" for an own value that is neither yes nor no ("")."""
    return str(UNSURE_ANSWERS.get(own.unsure, "")) if own.unsure else ""


def unsure_text(own: OwnValue) -> str:
    """The sentence for a share the workplace answered "don't know" or "not relevant" to
    (``OwnValue.unsure``): it did not say no, and the figures count it among the workplaces
    the measure does not hold for ("" for any other answer). Addressed to the workplace, as
    the sentence it replaces."""
    if not own.unsure:
        return ""
    template = _(
        "You answered “%(answer)s”; the figures count your workplace among those for which this does not hold."
    )
    return template % {"answer": lower_first(unsure_answer(own))}


def _sentence(indicator: Indicator, own: OwnValue, national: Figure, *, published: bool = True) -> str:
    """The workplace's own answer, then the national figure, as a person would say them:
    "Virksomheten deres har ikke tatt i bruk noen innovasjon de siste to årene. 74 % av alle
    virksomheter på landsbasis har tatt i bruk minst én innovasjon de siste to årene (400
    svar)." The indicator's name is never quoted into the sentence. Before the round's
    results are published (``published`` false), the own answer only."""
    if indicator.rule == Rule.SHARE:
        own_text = unsure_text(own) or (indicator.own_yes if own.value == 1.0 else indicator.own_no)
        if not published:
            return own_text
        if not national.shown:
            return _(
                "%(own)s The national figure is not shown: there are too few answers, or it could reveal a small group."
            ) % {"own": own_text}
        # The national group named by whom the share is of ("virksomheter med en innovasjon
        # på landsbasis"), as in the summary: "88 % av virksomheter med en innovasjon ja" and
        # "Nasjonalt svarte 88 % ja" said neither whom nor what.
        group = shown_group_name(_("all workplaces nationally"), national, nationally=True)
        values = {
            "own": own_text,
            "statement": share_statement(indicator, format_share(national.value), group),
            "n": format_count(national.n),
        }
        return _("%(own)s %(statement)s (%(n)s answers).") % values
    if own.value is None and indicator.rule == Rule.INDEX:
        # Why there is no score, in the respondent's terms: a manager who answered all five
        # statements, three of them "Vet ikke", was told the workplace had not answered enough.
        own_text = _(
            "Your workplace took a position on %(rated)s of the %(total)s statements. A score needs at least"
            " %(needed)s, and “Don't know” does not count as one."
        ) % {
            "rated": format_count(own.rated),
            "total": format_count(len(indicator.question_codes)),
            "needed": format_count(indicator.min_count),
        }
    elif own.value is None:
        own_text = _("Your workplace did not answer enough of the statements to get a score.")
    else:
        own_text = _("Your workplace's score is %(value)s on a scale from 0 to 100.") % {
            "value": format_number(own.value, 0)
        }
    if not published:
        return own_text
    if not national.shown:
        return (
            own_text
            + " "
            + _("The national figure is not shown: there are too few answers, or it could reveal a small group.")
        )
    return (
        own_text
        + " "
        + _("The national average is %(value)s (%(n)s answers).")
        % {
            "value": format_number(national.value, 0),
            "n": format_count(national.n),
        }
    )


def _differs_unfavourably(indicator: Indicator, own: OwnValue, national: Figure) -> bool:
    if (
        indicator.higher_is_favourable is None
        or not own.applies
        or own.value is None
        or own.unsure
        or not national.shown
    ):
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


def factor_ratings(response: Response) -> dict[str, str]:
    """The workplace's own rating of each promoting/hindering factor it rated, by question
    code: "1" to "6", or the option's label ("Don't know", "Not relevant") in the active
    language (one query)."""
    from surveys.models import Option

    chosen = Option.objects.filter(
        choices__response=response, question__kind="rating", question__code__startswith="factor_"
    ).select_related("question")
    return {option.question.code: option.code if option.code.isdigit() else str(option.label) for option in chosen}


def report_round(response: Response) -> Round | None:
    """The round a report compares with: an invited response its own round once its
    results are published, and until then (during fieldwork, or closed but not yet
    published) the latest national round whose results are published, so that a workplace
    sees published peer groups at once; a self-test the latest national round whose results
    are published. Without any published round, the round ``comparison_round`` names (whose
    figures are not shown yet).

    For a self-test that is one query, not up to three: every self-test report, cached or
    not, asks this before anything else (issue 16's query budgets). The rounds are ranked
    in the database: published first, by closing date; then closed, by closing date; then
    opened, by opening date; the first one wins."""
    if response.round.kind != RoundKind.SELF_TEST:
        own = comparison_round(response)
        if own is not None and own.results_published_at is not None:
            return own
        return latest_published_round() or own
    return _self_test_report_round()


def report_round_id(response: Response) -> int | None:
    """``report_round``'s id, without a statement of its own for an invited response read
    with ``LATEST_PUBLISHED_ROUND_ID`` (a respondent's link: ``barometer.access``): the id
    came with the link. Every workplace report asks this first, for its cache's key."""
    if response.round.kind != RoundKind.SELF_TEST and LATEST_PUBLISHED_ID in response.__dict__:
        own = comparison_round(response)
        if own is not None and own.results_published_at is not None:
            return own.pk
        latest = response.__dict__[LATEST_PUBLISHED_ID]
        return latest if latest is not None else (own.pk if own is not None else None)
    round_ = report_round(response)
    return round_.pk if round_ is not None else None


def _self_test_report_round() -> Round | None:
    now = timezone.now()
    published, closed = Q(results_published_at__isnull=False), Q(closes_at__lte=now)
    rank = Case(When(published, then=Value(0)), When(closed, then=Value(1)), default=Value(2))
    newest = Case(When(published | closed, then=F("closes_at")), default=F("opens_at"))
    return (
        Round.objects.filter(Q(kind=RoundKind.NATIONAL) & (published | Q(opens_at__lte=now)))
        .select_related("question_set")
        .order_by(rank, newest.desc())
        .first()
    )


def build_workplace_report(response: Response, *, weighted: bool = True, staff: bool = False) -> WorkplaceReport:
    """The report; national and peer figures from the comparison round's latest published
    snapshot, weighted as published (``weighted`` is kept for callers; a snapshot has one
    weighting). Without a published snapshot: the workplace's own answers and the
    published barometers only. ``staff`` words the summary about the workplace in the
    third person (municipality staff and admins reading it)."""
    round_ = report_round(response)
    own_resolved = resolved_indicators(response.question_set_id)
    own = own_values(response, own_resolved)
    municipality = response.municipality
    groups = comparison_groups(workplace_type=response.workplace_type, centrality=municipality.centrality, staff=staff)
    if round_ is None:
        items = [(item.indicator, own[item.spec.key]) for item in own_resolved]
        summary = build_summary(None, items, groups, workplace_type=response.workplace_type, staff=staff)
        return WorkplaceReport(response, None, 0, [], [], summary=summary)
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
        every_figure = indicator.reference_figures.all()
        figures = [f for f in every_figure if f.applies_to(response.workplace_type)]
        rows.append(
            IndicatorRow(
                indicator=indicator,
                own=mine,
                national=national_estimate,
                peers=[PeerEstimate(kind, label, estimates[item.spec.key]) for kind, label, estimates in group_results],
                norway=[f for f in figures if f.country == Country.NORWAY],
                denmark=[f for f in figures if f.country == Country.DENMARK],
                sentence=_sentence(indicator, mine, national_estimate, published=published),
                suggestion=suggestion_for(indicator, response.workplace_type)
                if _differs_unfavourably(indicator, mine, national_estimate)
                else "",
                not_asked=not_asked(every_figure, response.workplace_type),
                # Only about a national row: none is shown before the results are published.
                national_notes=national_row_notes(figures) if published else [],
            )
        )
    summary = build_summary(
        source if published else None,
        [(row.indicator, row.own) for row in rows],
        groups,
        workplace_type=response.workplace_type,
        staff=staff,
    )
    return WorkplaceReport(
        response=response,
        round=round_,
        responses_nationally=responses_nationally,
        rows=rows,
        peer_labels=[(kind, label) for kind, label, _filter in peers],
        weighting=source.weighting_state,
        summary=summary,
        factor_ratings=factor_ratings(response),
        staff=staff,
        published=published,
        edition=source.snapshot.edition if published else None,
    )


#: The published barometers the report compares with: (title as published, address, language).
SOURCES = (
    (
        "KS: Innovasjonsbarometeret for kommunal sektor",
        "https://www.ks.no/fagomrader/innovasjon/innovasjonsbarometeret/",
        "nb",
    ),
    ("COI: Innovationsbarometeret", "https://www.coi.dk/innovationsbarometeret/", "da"),
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
    """The published Norwegian figure marked on the row's national bar (0-1): one published
    for all workplace types, since the bar is all workplaces, and only one that measures
    what the indicator does (``barometer.engine.published.benchmark``). A figure published
    for the workplace's own type is not drawn on the national bar: a figure for a part set
    on the whole invites the comparison the statistics page refuses (the method page)."""
    figure = benchmark(figure for figure in row.norway if not figure.workplace_types)
    return float(figure.value) / 100 if figure is not None else None


def chart_rows(report: WorkplaceReport) -> dict[str, list[IndicatorRow]]:
    return {
        "shares": [row for row in report.rows if row.is_share and not is_factor(row)],
        "culture": [row for row in report.rows if row.indicator.rule == Rule.INDEX],
    }


def _share_bars(report: WorkplaceReport) -> tuple[list[ShareBar], dict]:
    """The shares chart's bars and its title and label arguments (``shares_chart``)."""
    from barometer.outputs.charts import ShareBar

    bars = []
    for row in chart_rows(report)["shares"]:
        peer = next((p.estimate for p in row.peers if p.kind == "workplace_type"), None)
        bars.append(
            ShareBar(
                # As the tables word a group and its base: "..., among workplaces with an innovation".
                label=group_with_base(row.indicator.name, row.base),
                value=row.national.value if row.national.shown else None,
                low=row.national.low,
                high=row.national.high,
                peer=peer.value if peer is not None and peer.shown else None,
                published=_published_share(row),
                own=None if row.own.unsure else row.own.value,
            )
        )
    arguments = {
        "title": _(
            "Share of workplaces for which each measure holds, nationally and in your peer group "
            "(%(weighting)s). Where a bar names a group of workplaces, the share is among those."
        )
        % {"weighting": weighting_word(report.weighting.weighted)},
        "national_label": _("Nationally (with 95% interval)"),
        "peer_label": _("Same type of workplace as yours: %(type)s")
        % {"type": workplaces_of_type(report.response.workplace_type)},
        "published_label": _("Published, Norway"),
        # No break inside either half: a line "ikke" on its own in the legend said nothing.
        "own_label": _("Your workplace: 100% if it holds, 0% if not"),
        "hidden_label": str(NOT_SHOWN),
        "preliminary": report.preliminary,
    }
    return bars, arguments


def _culture_scores(report: WorkplaceReport) -> tuple[list[str], list[float | None], dict]:
    """The culture chart's labels, values and title and label arguments (``scores_chart``)."""
    row = chart_rows(report)["culture"][0]
    # Every group's figure has the row's base: it is said once, in the title (the
    # indicator's name with its weighting, as its table's heading), and the bars are the
    # groups alone, as its table's rows ("Nationally", not "Nationally, among ..." each time).
    labels = [_("Your workplace"), _("Nationally")] + [p.label for p in row.peers]
    values = [row.own.value, row.national.value if row.national.shown else None] + [
        p.estimate.value if p.estimate.shown else None for p in row.peers
    ]
    arguments = {
        "title": group_with_base(with_weighting(row.indicator.name, report.weighting.weighted), row.base),
        "hidden_label": str(NOT_SHOWN),
        # Too few statements answered is no score, not a figure hidden to protect anyone.
        "own_missing_label": _("no score"),
        "preliminary": report.preliminary,
    }
    return labels, values, arguments


def chart_image(report: WorkplaceReport, name: str, layout: ChartLayout | None = None) -> str:
    """One chart of the report (``name``: one of ``CHARTS``) for the web page as SVG text,
    drawn in ``layout`` (one of ``SCREEN_LAYOUTS``; a phone's, ``PHONE_LAYOUT``, by
    default) with the active language's labels and numbers. The PDF draws its own
    (``chart_parts``)."""
    from barometer.outputs.charts import PHONE_LAYOUT, scores_chart, shares_chart

    layout = layout or PHONE_LAYOUT
    if name == "shares":
        bars, arguments = _share_bars(report)
        return shares_chart(bars, layout=layout, **arguments)
    labels, values, arguments = _culture_scores(report)
    return scores_chart(labels, values, layout=layout, **arguments)


def chart_parts(report: WorkplaceReport, name: str, *, first_height: float, page_height: float) -> list[ChartPart]:
    """One chart of the report for the PDF (``PRINT_LAYOUT``), as ``ChartPart``s (PNG and
    height in inches): the shares chart split into parts of at most ``page_height`` inches,
    the first at most ``first_height`` when three bars fit there (``shares_chart_parts``;
    a single bar with a label taller than a page is a part of its own, which the PDF
    scales down). The culture chart has a few bars and is one part."""
    from barometer.outputs.charts import PRINT_LAYOUT, ChartPart, scores_chart, shares_chart_parts

    if name == "shares":
        bars, arguments = _share_bars(report)
        return shares_chart_parts(bars, first_height=first_height, page_height=page_height, **arguments)
    labels, values, arguments = _culture_scores(report)
    return [ChartPart.from_png(scores_chart(labels, values, image_format="png", layout=PRINT_LAYOUT, **arguments))]


def pending_results_text(report: WorkplaceReport) -> str:
    """What a report says before its round's results are published (about "the answers"
    and "workplaces like this one" in a report built for staff)."""
    if report.staff:
        text = _(
            "The answers are compared with the published results of the Norwegian (2018 and 2020) and Danish "
            "(2015 and 2018–19) barometers. The figures for the round “%(round)s” and for workplaces like this "
            "one come with the round's results, once they are published."
        )
    else:
        text = _(
            "Your answers are compared with the published results of the Norwegian (2018 and 2020) and Danish "
            "(2015 and 2018–19) barometers. The figures for the round “%(round)s” and for workplaces like yours "
            "come with the round's results, once they are published."
        )
    return text % {"round": report.round.localized_name}


def available_charts(report: WorkplaceReport) -> list[str]:
    if not report.published:
        return []  # the charts draw the round's figures, which are not published yet
    rows = chart_rows(report)
    return [name for name in CHARTS if rows[name]]


# --- Blocks: the details sections, one per questionnaire section answered ---------------------

FACTOR_PREFIX = "factor-"


@dataclass
class FactorFeedback:
    """One promoting/hindering factor: its name (the question's subject), the workplace's own
    rating, and the shares that rated it 5-6 (promoted) and 1-2 (hindered) in the narrowest
    shown group among ``groups`` (workplace type, then national): ``group`` names it, as
    inside a sentence, and ``base`` whom the shares are of."""

    name: str
    own: str | None
    promoted: Figure | None
    hindered: Figure | None
    group: str
    #: Whom the shares are of, when the group's name does not say it ("workplaces with an
    #: innovation", ``barometer.formatting.named_base``); "" otherwise.
    base: str = ""


@dataclass
class ReportBlock:
    """A questionnaire section the workplace saw: its answers (``answer_rows`` as in
    ``Questionnaire.answer_summary``), the indicator rows about it, and its factors."""

    section: object
    answer_rows: list[dict]
    rows: list[IndicatorRow]
    factors: list[FactorFeedback]


def is_factor(row: IndicatorRow) -> bool:
    return row.indicator.key.startswith(FACTOR_PREFIX)


def _factor_figures(
    promoted_row: IndicatorRow | None, hindered_row: IndicatorRow | None, type_name: str
) -> tuple[Figure | None, Figure | None, str]:
    """A factor's shares that promoted and hindered it, both from one group, and the group's
    name as in a sentence: workplaces of the same type (``type_name``, plural) when both are
    shown there, else all workplaces, named by whom the shares are of ("workplaces with an
    innovation", not "all workplaces" followed by it); (None, None, "") when neither group
    shows both, so that the two shares always describe the same workplaces."""
    if promoted_row is None or hindered_row is None:
        return None, None, ""
    for promoted, hindered, label in (
        *(
            (p.estimate, h.estimate, type_name)
            for p, h in zip(promoted_row.peers, hindered_row.peers, strict=False)
            if p.kind == h.kind == "workplace_type"
        ),
        (promoted_row.national, hindered_row.national, named_base(promoted_row.base) or _("all workplaces")),
    ):
        if promoted.shown and hindered.shown:
            return promoted, hindered, label
    return None, None, ""


def report_blocks(report: WorkplaceReport, answer_summary: list[dict]) -> list[ReportBlock]:
    """The report's details, in questionnaire order: every section the workplace answered,
    with the indicators whose first question is in it and, for the factors, the own rating
    beside the distribution among workplaces of the same type."""
    by_code = {}
    for row in report.rows:
        if row.indicator.question_codes:
            by_code.setdefault(row.indicator.question_codes[0], []).append(row)
    blocks = []
    for entry in answer_summary:
        codes = [answer["question"].code for answer in entry["rows"]]
        rows = [row for code in codes for row in by_code.get(code, [])]
        factors = []
        for answer in entry["rows"]:
            question = answer["question"]
            if question.kind != "rating" or not question.code.startswith("factor_"):
                continue
            slug = question.code.removeprefix("factor_").replace("_", "-")
            found = {row.indicator.key: row for row in rows}
            type_name = workplaces_of_type(report.response.workplace_type)
            promoted, hindered, group = _factor_figures(
                found.get(f"{FACTOR_PREFIX}{slug}-promoted"), found.get(f"{FACTOR_PREFIX}{slug}-hindered"), type_name
            )
            subject = str(question.text).split(": ", 1)[-1]
            factors.append(
                FactorFeedback(
                    name=subject[:1].upper() + subject[1:],
                    own=report.factor_ratings.get(question.code),
                    promoted=promoted,
                    hindered=hindered,
                    group=group,
                    # The national group is named by the base already (``_factor_figures``).
                    base=named_base(found[f"{FACTOR_PREFIX}{slug}-promoted"].base) if group == type_name else "",
                )
            )
        blocks.append(ReportBlock(entry["section"], entry["rows"], [r for r in rows if not is_factor(r)], factors))
    return blocks
