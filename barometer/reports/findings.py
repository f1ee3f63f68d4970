"""The published findings of the 2018 barometer, recomputed from the live data.

Each finding names what the published text claims and how to test it against a round:
a share against the published figure, two groups against each other, or a breakdown by
workplace size, municipality size or centrality. The verdict is stated plainly, including
"the data cannot support this" when the interval is too wide or the groups too small.

Figures come from ``RoundFigures`` with the same weighting as ``/statistikk/`` (weighted
to the population unless the reader asks otherwise), so the same indicator and group give
the same value on both pages. A published figure is compared by the range its wording
allows (``barometer.engine.published``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from itertools import product

from django.utils.translation import gettext_lazy as _

from barometer.engine import published
from barometer.engine.counting import EMPLOYEE_BANDS
from barometer.engine.figures import (
    INNOVATORS,
    SUBGROUP,
    Base,
    Figure,
    RoundFigures,
    WeightingState,
    resolved_indicators,
)
from barometer.engine.groups import TYPE_UNIONS, Filter, centrality_label, size_class_label
from barometer.engine.snapshots import PublishedFigures
from barometer.engine.stats import difference_of_shares
from barometer.formatting import (
    among,
    format_share,
    lower_first,
    named_base,
    shared_among,
    table_decimals,
    upper_first,
)
from barometer.models import Edition, ReferenceFigure
from barometer.reports.scope import claim_note, scope_note
from surveys.models import Centrality, Round, SizeClass

INCIDENCE_YES = ["inc_services.yes", "inc_processes.yes", "inc_communication.yes"]
EXTERNAL_INITIATORS = ["users", "private", "voluntary", "research", "own_municipality", "outside_municipality"]
CULTURE = ["culture_risk", "culture_openness", "culture_recognition", "culture_collaboration", "culture_asking"]
#: "Public workplaces outside the own (county) municipality" (KS 2018): municipal, county or state.
OUTSIDE_PUBLIC = ["collaborated_with.other_municipalities", "collaborated_with.state"]


def extra_specs() -> dict[str, dict]:
    """The specs the findings need beyond the indicators: subpopulations and derived shares,
    each with its base named (in the active language)."""
    culture = _("that answered at least 3 of the 5 culture statements")
    return {
        "finding-quality-outside": {
            "rule": "share", "question_codes": ["value_created"], "option_codes": ["quality"],
            # Public workplaces outside the own (county) municipality: municipal, county or state.
            "required": OUTSIDE_PUBLIC,
            "base": Base(SUBGROUP, str(_("workplaces with an innovation that collaborated with public workplaces "
                                         "outside the municipality"))),
        },
        "finding-quality-not-outside": {
            "rule": "share", "question_codes": ["value_created"], "option_codes": ["quality"],
            "excluded": OUTSIDE_PUBLIC,
            "base": Base(SUBGROUP, str(_("workplaces with an innovation that did not collaborate with them"))),
        },
        "finding-culture-innovators": {
            "rule": "index", "question_codes": CULTURE, "min_count": 3, "required": INCIDENCE_YES,
            "base": Base(SUBGROUP, f"{_('workplaces with an innovation')} {culture}"),
        },
        "finding-culture-non-innovators": {
            "rule": "index", "question_codes": CULTURE, "min_count": 3, "excluded": INCIDENCE_YES,
            "base": Base(SUBGROUP, f"{_('workplaces without an innovation')} {culture}"),
        },
        "finding-external-initiation": {
            "rule": "share", "question_codes": ["initiated_by"], "option_codes": EXTERNAL_INITIATORS,
            "base": Base(INNOVATORS, str(_("workplaces with an innovation"))),
        },
    }  # fmt: skip


class Verdict(StrEnum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    UNDECIDED = "undecided"
    UNDECIDED_SOME = "undecided_some"
    OVERLAPPING = "overlapping"
    OVERLAPPING_AGAINST = "overlapping_against"
    CONSISTENT = "consistent"
    HIGHER = "higher"
    LOWER = "lower"
    TOO_FEW = "too_few"
    OTHER_MEASURE = "other_measure"
    UNWEIGHTED = "unweighted"


VERDICT_TEXT = {
    Verdict.SUPPORTED: _("The round's data support the published finding."),
    Verdict.CONTRADICTED: _("The round's data point the other way: they contradict the published finding."),
    Verdict.UNDECIDED: _("The data cannot support the claim: the difference could be zero (its interval includes 0)."),
    Verdict.UNDECIDED_SOME: _(
        "The data cannot support the claim: at least one of the differences could be zero (its interval includes 0)."
    ),
    Verdict.OVERLAPPING: _(
        "The data cannot support the claim: the factors it names do not stand clearly above every other. A "
        "difference counts as clear here only when the two 95% intervals do not overlap, a cautious rule, since "
        "the shares are of the same workplaces."
    ),
    Verdict.OVERLAPPING_AGAINST: _(
        "The data cannot support the claim, and the estimates point the other way: another factor's share is "
        "higher than that of a factor it names, though not clearly. A difference counts as clear here only when "
        "the two 95% intervals do not overlap, a cautious rule, since the shares are of the same workplaces."
    ),
    Verdict.CONSISTENT: _(
        "Consistent with the published figure: the 95% interval of the round's share meets the range its wording "
        "allows."
    ),
    Verdict.HIGHER: _("The round's share is clearly higher than the published figure."),
    Verdict.LOWER: _("The round's share is clearly lower than the published figure."),
    Verdict.TOO_FEW: _(
        "Nothing can be said about this: a figure it needs is not shown (there are too few answers, or it could "
        "reveal a small group)."
    ),
    Verdict.OTHER_MEASURE: _("Not compared: the published figure measures something else (see its note)."),
    Verdict.UNWEIGHTED: _(
        "Not compared: these figures are unweighted, while the published figure is weighted by workplace type "
        "and region."
    ),
}


@dataclass
class Comparison:
    """One group's figure in a finding's table: ``label`` names the group, and the words
    under it say whom the figure is of.

    Most rows name their figure's base after the label ("Kindergartens, among workplaces
    with an innovation"; nothing for a share of all the group's workplaces). A row whose
    label already names a subgroup that the base spells out in full would say it twice
    ("Collaborated with public workplaces outside the municipality, among workplaces with an
    innovation that collaborated with public workplaces outside the municipality"); it
    gives ``within``, the wider group it is part of, or ``qualifier``, the words that
    complete its label, instead. A row whose label is made of the base itself
    (``base_in_label``: "Workplaces with an innovation, whole round") names it no more.
    The figure's own ``base`` is unchanged.
    """

    label: str
    estimate: Figure
    within: str = ""
    qualifier: str = ""
    base_in_label: bool = False
    #: The figure published for this group, if any, and the verdict of the row against it.
    published: ReferenceFigure | None = None
    published_verdict: Verdict | None = None

    @property
    def published_verdict_text(self) -> str:
        return str(VERDICT_TEXT[self.published_verdict]) if self.published_verdict else ""

    @property
    def base(self) -> Base:
        return self.estimate.base

    @property
    def shown_base(self) -> Base | str:
        """The base named after the label (``barometer.formatting.among``): ``within`` when
        the row has one, else the figure's base; "" when ``qualifier`` is shown instead."""
        if self.qualifier or self.base_in_label:
            return ""
        return self.within or self.base

    @property
    def among(self) -> str:
        """The words after the label: "among workplaces with an innovation" ("" for none)."""
        return among(self.shown_base)

    @property
    def names_base(self) -> bool:
        """Whether the row itself says whom its figure is of: base words after the label, a
        ``qualifier``, or a label made of a named base ("Workplaces with an innovation, whole
        round"); False for a share of all the group's workplaces."""
        return bool(self.among or self.qualifier or (self.base_in_label and named_base(self.base)))


def rows_heading(rows: list[Comparison], shared: str, *, factors: bool = False) -> str:
    """The heading of a table's column of row labels: "Group (base)" («Gruppe (grunnlag)»)
    only when some row names its base; "Group" when the caption says the base every row
    shares (``shared``) or no row has one to name. "Factor" for rows that are factors."""
    with_base = not shared and any(row.names_base for row in rows)
    if factors:
        return str(_("Factor (base)") if with_base else _("Factor"))
    return str(_("Group (base)") if with_base else _("Group"))


@dataclass
class Finding:
    key: str
    title: str
    #: What the round's value column holds, in words ("share that found better quality").
    measure: str
    published: str
    source: str
    comparisons: list[Comparison]
    difference: tuple[float, float, float] | None
    verdict: Verdict
    is_share: bool = True
    published_figures: list[ReferenceFigure] = field(default_factory=list)
    table_title: str = ""
    #: The rows are factors ("New technology"), not groups: the rows' column says so.
    factor_rows: bool = False
    #: What each published figure's scope adds beside the row it is set beside, by the
    #: figure's key (``scope_note``): KS 2018 beside all in the round says that the round
    #: also holds workplaces it did not ask.
    scope_notes: dict[str, str] = field(default_factory=dict)
    #: The same words for the published claim itself, when no figure of its edition stands
    #: beside it to carry them (``claim_scope``): a claim of KS 2018 tested on groups that
    #: hold workplace types KS 2018 did not survey.
    claim_note: str = ""

    @property
    def verdict_text(self) -> str:
        return str(VERDICT_TEXT[self.verdict])

    @property
    def published_with_notes(self) -> list[tuple[ReferenceFigure, str]]:
        """Each published figure with its scope note ("" when it has none)."""
        return [(figure, self.scope_notes.get(figure.key, "")) for figure in self.published_figures]

    @property
    def decimals(self) -> int:
        """The decimals of the finding's table, for every row and the difference
        (``barometer.formatting.table_decimals``)."""
        return table_decimals((c.estimate, self.is_share) for c in self.comparisons)

    @property
    def among_all(self) -> str:
        """The base every row shares ("among workplaces with an innovation"), said once in
        the table's caption and left off its rows; "" when they differ or a row has words of
        its own (``qualifier``)."""
        if any(c.qualifier for c in self.comparisons):
            return ""
        return shared_among(c.shown_base for c in self.comparisons)

    @property
    def rows_heading(self) -> str:
        """The heading over the rows' labels (``rows_heading``): "(base)" only when the rows
        carry one."""
        return rows_heading(self.comparisons, self.among_all, factors=self.factor_rows)


def whole_round(figure: Figure) -> Comparison:
    """The row of a whole round's figure: "All in the round" for a share of all its
    workplaces; for a share of some of them, those named first ("Workplaces with an
    innovation, whole round"), as "All in the round, among workplaces with an innovation"
    said "all" and then fewer."""
    base = named_base(figure.base)
    if not base:
        return Comparison(str(_("All in the round")), figure)
    return Comparison(upper_first(_("%(base)s, whole round") % {"base": base}), figure, base_in_label=True)


#: The edition whose claims the findings test (``SOURCE_2018``).
CLAIM_EDITION = Edition.NO_2018
SOURCE_2018 = "KS: Innovasjonsbarometeret for kommunal sektor 2018 – medarbeidere, ledere og samarbeid"


def claim_scope(filters: list[Filter], figures: list[ReferenceFigure] = ()) -> str:
    """What a finding or a breakdown says about its claim's scope: the scope rule's note
    (``barometer.reports.scope.claim_note``) for the groups of ``filters``, as the
    statistics page says it beside a figure; "" when one of the claim's own published
    ``figures`` of its edition already says it beside that figure (once is enough)."""
    if any(figure.edition == CLAIM_EDITION for figure in figures):
        return ""
    return claim_note(CLAIM_EDITION, filters)


def _difference_verdict(difference, *, expect_positive: bool = True) -> Verdict:
    if difference is None:
        return Verdict.TOO_FEW
    _d, low, high = difference
    if (low > 0) if expect_positive else (high < 0):
        return Verdict.SUPPORTED
    if (high < 0) if expect_positive else (low > 0):
        return Verdict.CONTRADICTED
    return Verdict.UNDECIDED


def combined_verdict(differences: list[tuple[float, float, float] | None]) -> Verdict:
    """The verdict on a claim that needs every one of ``differences`` (each (difference,
    low, high), or None when a figure is not shown) to be positive.

    Supported only when every interval lies above zero: an intersection-union test, which
    keeps the 5 % error rate of each comparison without a correction for their number
    (Berger, R. L. (1982), Multiparameter hypothesis testing and acceptance sampling,
    Technometrics 24(4)). Contradicted when any interval lies below zero; ``TOO_FEW`` when
    any figure is missing; otherwise undecided.
    """
    verdicts = {_difference_verdict(difference) for difference in differences}
    if not differences or Verdict.TOO_FEW in verdicts:
        return Verdict.TOO_FEW
    if Verdict.CONTRADICTED in verdicts:
        return Verdict.CONTRADICTED
    if verdicts == {Verdict.SUPPORTED}:
        return Verdict.SUPPORTED
    return Verdict.UNDECIDED if len(differences) == 1 else Verdict.UNDECIDED_SOME


def _published_verdict(estimate: Figure, figure: ReferenceFigure | None, weighted: bool = True) -> Verdict:
    """By the range the published wording allows (``barometer.engine.published``); a
    figure not shown says that nothing can be said (``Verdict.TOO_FEW``), an unweighted
    one is not compared with the weighted published figure (``Verdict.UNWEIGHTED``)."""
    code = published.published_verdict(estimate, figure, weighted=weighted)
    return Verdict.TOO_FEW if code == published.NOT_SHOWN else Verdict(code)


def _mean_difference(a: Figure, b: Figure):
    if not (a.shown and b.shown) or None in (a.low, b.low):
        return None
    difference = a.value - b.value
    half = ((a.high - a.value) ** 2 + (b.high - b.value) ** 2) ** 0.5
    return difference, difference - half, difference + half


@dataclass
class Breakdown:
    """One indicator across the parts of a dimension, set beside a published claim.

    ``differences`` holds every comparison the claim needs, as (higher part's label, lower
    part's label, (difference, low, high)) in percentage points as fractions; the claim is
    supported only when every one of them is clearly positive (an intersection-union test,
    so several comparisons need no correction), contradicted when any is clearly negative.
    """

    title: str
    #: What the share column holds, in words, as ``Finding.measure``.
    measure: str
    rows: list[Comparison]
    claim: str
    differences: list[tuple[str, str, tuple[float, float, float]]]
    verdict: Verdict
    source: str = SOURCE_2018
    #: As ``Finding.claim_note``: every part holds workplace types KS 2018 did not survey.
    claim_note: str = ""

    @property
    def difference(self) -> tuple[float, float, float] | None:
        """The one difference of a claim that compares two parts (None otherwise)."""
        return self.differences[0][2] if len(self.differences) == 1 else None

    @property
    def verdict_text(self) -> str:
        return str(VERDICT_TEXT[self.verdict])

    @property
    def decimals(self) -> int:
        """The decimals of the breakdown's table, for every row and every difference."""
        return table_decimals((row.estimate, True) for row in self.rows)

    @property
    def among_all(self) -> str:
        """The base every row shares, said once in the table's caption (``Finding.among_all``)."""
        return shared_among(row.shown_base for row in self.rows)

    @property
    def rows_heading(self) -> str:
        """The heading over the rows' labels, as ``Finding.rows_heading``."""
        return rows_heading(self.rows, self.among_all)


def _breakdown(figures: RoundFigures, key: str, dimension: str, parts: list[tuple[object, str]]) -> list[Comparison]:
    """One indicator for every part of a dimension (each part suppressed as a group)."""
    return [Comparison(str(label), figures.group(Filter(**{dimension: value}))[key]) for value, label in parts]


@dataclass
class FindingsReport:
    """The findings of a round, its breakdowns, and how the figures are weighted."""

    findings: list[Finding]
    breakdowns: list[Breakdown]
    weighting: WeightingState
    #: The published edition the figures come from; None for live figures (internal).
    edition: int | None = None


def findings(round_: Round, *, weighted: bool = True, published: bool = False) -> FindingsReport | None:
    """The published findings recomputed for all workplaces of the round, weighted as
    ``/statistikk/`` is (unless ``weighted`` is off).

    ``published``: from the round's latest published snapshot, whose fixed set holds the
    findings' subgroups and specs (None when the round has none); otherwise live figures
    (the trusted tier)."""
    if published:
        figures = PublishedFigures.latest(round_, resolved_indicators(round_.question_set_id, extra_specs()))
        if figures is None:
            return None
    else:
        figures = RoundFigures(round_, weighted=weighted, extra_specs=extra_specs())
    national = figures.group(Filter()).figures
    published_figures = {f.key: f for f in ReferenceFigure.objects.all()}

    def figure(key: str) -> ReferenceFigure | None:
        return published_figures.get(key)

    result: list[Finding] = []

    def against_published(key: str, indicator_key: str, figure_keys: list[str], title, measure, published) -> None:
        if indicator_key not in national:
            return
        shown = [figure(k) for k in figure_keys if figure(k)]
        live = national[indicator_key]
        result.append(
            Finding(
                key=key,
                title=str(title),
                measure=str(measure),
                published=str(published),
                source=shown[0].source_title if shown else "",
                comparisons=[whole_round(live)],
                difference=None,
                verdict=_published_verdict(live, shown[0] if shown else None, figures.weighting_state.weighted),
                published_figures=shown,
                scope_notes={f.key: scope_note(f, Filter()) for f in shown},
                claim_note=claim_scope([Filter()], shown),
            )
        )

    against_published(
        "employees",
        "employees-initiated-or-implemented",
        ["no2018-employees-initiate-or-implement"],
        _("Employees initiate or implement the newest innovation"),
        _("Share in which employees initiated or implemented the innovation"),
        _("In %(share)s of the workplaces with an innovation, employees initiated or implemented it.")
        % {"share": format_share(0.88)},
    )
    against_published(
        "voluntary",
        "collaboration-voluntary",
        ["no2018-collaboration-voluntary"],
        _("Collaboration with voluntary organisations is rare"),
        _("Share that collaborated with voluntary organisations"),
        _("Only %(share)s collaborate on innovation with voluntary organisations and associations.")
        % {"share": format_share(0.03)},
    )
    against_published(
        "external",
        "external-collaboration",
        ["no2018-external-collaboration", "dk2015-external-collaboration", "dk2015-collaboration-outside"],
        _("External collaboration"),
        _("Share with external collaboration"),
        _(
            "Six in ten have external collaboration in innovation processes. The Danish barometer (2015) found "
            "79% of public innovations made with actors outside the workplace, and 59% with actors outside "
            "their own municipality, region or ministry; those are shares of Danish innovations, not of Norwegian "
            "municipal workplaces."
        ),
    )

    def two_groups(key, title, measure, published, source, indicator_key, first, second, *, is_share=True,
                   within="", qualifier="") -> None:  # fmt: skip
        """``first`` and ``second`` are (label, Filter) or (label, spec key) pairs; ``within``
        and ``qualifier`` go to both rows (see ``Comparison``)."""
        comparisons = []
        # A subgroup of a spec ("collaborated outside the municipality") is of all the round.
        groups = [target if isinstance(target, Filter) else Filter() for _label, target in (first, second)]
        for label, target in (first, second):
            value = figures.group(target).get(indicator_key) if isinstance(target, Filter) else national.get(target)
            if value is None:
                return
            comparisons.append(Comparison(str(label), value, within=str(within), qualifier=str(qualifier)))
        a, b = comparisons[0].estimate, comparisons[1].estimate
        difference = difference_of_shares(a, b) if is_share else _mean_difference(a, b)
        result.append(
            Finding(
                key=key,
                title=str(title),
                measure=str(measure),
                published=str(published),
                source=source,
                comparisons=comparisons,
                difference=difference,
                verdict=_difference_verdict(difference),
                is_share=is_share,
                claim_note=claim_scope(groups),
            )
        )

    _type_groups(result, figures, SOURCE_2018)
    two_groups(
        "education-vs-health",
        _("More municipal collaboration in education than in health and care"),
        _("Share with municipal collaboration"),
        _("There is more municipal collaboration on innovation in education than in health and care."),
        SOURCE_2018,
        "municipal-collaboration",
        (_("Education and childhood"), Filter(sector="education")),
        (_("Health and care"), Filter(sector="health_care")),
    )
    two_groups(
        "quality-outside",
        _("Collaboration outside their own municipality goes with better quality"),
        _("Share whose new solution gave better quality"),
        _(
            "Collaboration with public workplaces outside their own municipality or county goes with a higher "
            "likelihood that the new solutions give better quality."
        ),
        SOURCE_2018,
        "finding-quality-outside",
        (_("Collaborated with public workplaces outside the municipality"), "finding-quality-outside"),
        (_("Did not collaborate with them"), "finding-quality-not-outside"),
        within=_("workplaces with an innovation"),
    )
    two_groups(
        "culture",
        _("Culture goes with innovation"),
        _("Culture index (0–100)"),
        _("Willingness to take risks, openness, recognition and collaboration give more new solutions."),
        SOURCE_2018,
        "culture-index",
        (_("Workplaces with an innovation"), "finding-culture-innovators"),
        (_("Workplaces without an innovation"), "finding-culture-non-innovators"),
        is_share=False,
        qualifier=_("that answered at least 3 of the 5 culture statements"),
    )

    _factors_contributing_most(result, figures, national, SOURCE_2018)

    edition = figures.edition if published else None
    return FindingsReport(result, _breakdowns(figures), figures.weighting_state, edition)


class _TypeGroup:
    SCHOOLS, CARE = TYPE_UNIONS


def _type_groups(result: list[Finding], round_figures: RoundFigures, source: str) -> None:
    """Municipal collaboration in two groups of workplace types (each a union of types)."""
    key = "municipal-collaboration"
    if key not in round_figures.by_key:
        return
    groups = [
        (_("Primary schools and kindergartens"), Filter(workplace_types=_TypeGroup.SCHOOLS)),
        (_("Nursing homes and upper-secondary schools"), Filter(workplace_types=_TypeGroup.CARE)),
    ]
    comparisons = [Comparison(str(label), round_figures.group(filter_)[key]) for label, filter_ in groups]
    difference = difference_of_shares(comparisons[0].estimate, comparisons[1].estimate)
    # In the order of the published sentence and of the rows: schools first.
    keys = [
        "no2018-municipal-collaboration-schools-kindergartens",
        "no2018-municipal-collaboration-nursing-homes-upper-secondary",
    ]
    by_key = ReferenceFigure.objects.in_bulk(keys, field_name="key")
    figures = [by_key[key] for key in keys if key in by_key]
    # Each row is also set beside its own published figure ("6 in 10", "4 in 10"), not only
    # their difference.
    weighted = round_figures.weighting_state.weighted
    notes = {}
    for comparison, (_label, filter_), key in zip(comparisons, groups, keys, strict=True):
        if key in by_key:
            comparison.published = by_key[key]
            comparison.published_verdict = _published_verdict(comparison.estimate, by_key[key], weighted)
            notes[key] = scope_note(by_key[key], filter_)
    result.append(
        Finding(
            key="municipal-by-type",
            title=str(_("Municipal collaboration by type of workplace")),
            measure=str(_("Share with municipal collaboration")),
            published=str(
                _(
                    "Six in ten primary schools and kindergartens have municipal collaboration in innovation, "
                    "against four in ten nursing homes and upper-secondary schools."
                )
            ),
            source=source,
            comparisons=comparisons,
            difference=difference,
            verdict=_difference_verdict(difference),
            published_figures=figures,
            scope_notes=notes,
            claim_note=claim_scope([filter_ for _label, filter_ in groups], figures),
        )
    )


#: The factors asked about (each "promoted the work", 5-6 on the scale), in the question's
#: order; KS 2018 names the first two as contributing most to innovation.
FACTORS_NAMED_MOST = ["factor-employee-involvement-promoted", "factor-internal-collaboration-promoted"]
FACTORS_OTHER = [
    "factor-safe-operations-promoted",
    "factor-mistakes-promoted",
    "factor-technology-promoted",
    "factor-economy-promoted",
    "factor-user-involvement-promoted",
    "factor-political-promoted",
]


def ranking_verdict(named: list[Figure], others: list[Figure]) -> Verdict:
    """The verdict on "the ``named`` shares are the highest", all shares being of the same
    workplaces (so not independent).

    Two shares differ clearly when their 95 % intervals do not overlap: the standard error
    of a difference is at most the sum of the two standard errors whatever their
    correlation, so this is a conservative 5 % test for paired shares too (overlapping
    intervals do not rule a difference out; the counts a paired test needs are not kept).
    Supported when every named share lies clearly above every other; contradicted when
    another lies clearly above a named one; otherwise ``OVERLAPPING_AGAINST`` when another
    share's estimate is above a named one's, ``OVERLAPPING`` when not; ``TOO_FEW`` when any
    figure is not shown.
    """
    if not named or not all(figure.shown and figure.low is not None for figure in [*named, *others]):
        return Verdict.TOO_FEW
    if any(other.low > mine.high for mine in named for other in others):
        return Verdict.CONTRADICTED
    if all(mine.low > other.high for mine in named for other in others):
        return Verdict.SUPPORTED
    if any(other.value > mine.value for mine in named for other in others):
        return Verdict.OVERLAPPING_AGAINST
    return Verdict.OVERLAPPING


def _factor_label(indicator) -> str:
    """ "Employee involvement" from "Employee involvement: promoted the work (5–6)" (the
    indicator's name; the table's heading says what the share is)."""
    name = str(indicator.name)
    label, colon, _rest = name.rpartition(":")
    return label if colon else name


def _factors_contributing_most(result: list[Finding], figures, national: dict, source: str) -> None:
    """KS 2018: employees' involvement and internal collaboration contribute most."""
    keys = FACTORS_NAMED_MOST + FACTORS_OTHER
    if not all(key in national for key in keys):
        return
    comparisons = [Comparison(_factor_label(figures.by_key[key].indicator), national[key]) for key in keys]
    named, others = comparisons[: len(FACTORS_NAMED_MOST)], comparisons[len(FACTORS_NAMED_MOST) :]
    result.append(
        Finding(
            key="factors-most",
            title=str(_("Employee involvement and internal collaboration contribute most")),
            measure=str(
                _(
                    "Share that said the factor promoted the work (5–6 on the scale from 1, hindered to a "
                    "great extent, to 6, promoted to a great extent)"
                )
            ),
            published=str(
                _(
                    "Employees' involvement and internal collaboration in the workplace are the factors that "
                    "contribute most to innovation."
                )
            ),
            source=source,
            comparisons=comparisons,
            difference=None,
            factor_rows=True,
            verdict=ranking_verdict([c.estimate for c in named], [c.estimate for c in others]),
            claim_note=claim_scope([Filter()]),
        )
    )


def _breakdowns(figures: RoundFigures) -> list[Breakdown]:
    bands = [(band, _label_band(low, high)) for band, low, high in EMPLOYEE_BANDS]
    sizes = [(value, size_class_label(value)) for value in SizeClass.values]
    centralities = [(value, centrality_label(value)) for value in Centrality.values]
    result = []

    measures = {
        "innovated": _("Share that had an innovation"),
        "external-collaboration": _("Share with external collaboration"),
        "finding-external-initiation": _("Share in which external actors took part in initiating the innovation"),
    }

    def add(title, claim, key, dimension, parts, higher, lower):
        """``higher`` and ``lower``: the parts the claim says are higher, and lower (values)."""
        rows = _breakdown(figures, key, dimension, parts)
        by_value = {value: row for (value, _label), row in zip(parts, rows, strict=True)}
        differences = []
        for high_part, low_part in product(higher, lower):
            high_row, low_row = by_value[high_part], by_value[low_part]
            difference = difference_of_shares(high_row.estimate, low_row.estimate)
            # The parts' labels start with a common noun ("Workplaces in municipalities with ...").
            differences.append((high_row.label, lower_first(low_row.label), difference))
        verdict = combined_verdict([difference for _high, _low, difference in differences])
        if verdict == Verdict.TOO_FEW:
            differences = []
        note = claim_scope([Filter(**{dimension: value}) for value, _label in parts])
        result.append(
            Breakdown(str(title), str(measures[key]), rows, str(claim), differences, verdict, claim_note=note)
        )

    if "innovated" in figures.by_key:
        add(
            _("Innovation by number of employees"),
            _(
                "Larger workplaces find it easier to initiate innovations than workplaces with fewer employees "
                "(compared: the share that had an innovation, the largest against the smallest workplaces; the "
                "barometer does not ask how easy it was)."
            ),
            "innovated",
            "employees_band",
            bands,
            [4],
            [1],
        )
    if "finding-external-initiation" in figures.by_key:
        add(
            _("External actors at initiation, by municipality size"),
            _(
                "External actors are more often involved in initiating innovation in small municipalities "
                "(compared: the smallest against the largest municipalities)."
            ),
            "finding-external-initiation",
            "size_class",
            sizes,
            [SizeClass.UNDER_5000.value],
            [SizeClass.FROM_50000.value],
        )
        add(
            _("External actors at initiation, by centrality"),
            _(
                "External actors are more often involved in initiating innovation in less central municipalities "
                "(compared: the least central against the most central)."
            ),
            "finding-external-initiation",
            "centrality",
            centralities,
            [6],
            [1],
        )
    if "external-collaboration" in figures.by_key:
        # KS 2018: "det er mest samarbeid om innovasjon i mellomstore og middels sentrale kommuner".
        # Medium-sized: the two middle size classes; medium central: SSB's classes 3 and 4.
        add(
            _("Collaboration on innovation, by municipality size"),
            _(
                "There is most collaboration on innovation in medium-sized municipalities (compared: each of the "
                "two middle size classes against the smallest and against the largest municipalities)."
            ),
            "external-collaboration",
            "size_class",
            sizes,
            [SizeClass.FROM_5000.value, SizeClass.FROM_20000.value],
            [SizeClass.UNDER_5000.value, SizeClass.FROM_50000.value],
        )
        add(
            _("Collaboration on innovation, by centrality"),
            _(
                "There is most collaboration on innovation in medium-central municipalities (compared: centrality "
                "classes 3 and 4 against the most central, class 1, and against the least central, class 6)."
            ),
            "external-collaboration",
            "centrality",
            centralities,
            [3, 4],
            [1, 6],
        )
    return result


def _label_band(low: int, high: int | None) -> str:
    if high is None:
        return str(_("Workplaces with %(low)s employees or more") % {"low": low})
    return str(_("Workplaces with %(low)s–%(high)s employees") % {"low": low, "high": high})
