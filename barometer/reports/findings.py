"""The published findings of the 2018 barometer, recomputed from the live data.

Each finding names what the published text claims and how to test it against a round:
a share against the published figure, two groups against each other, or a breakdown by
workplace size, municipality size or centrality. The verdict is stated plainly, including
"the data cannot support this" when the interval is too wide or the groups too small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from barometer.engine.benchmark import (
    Filter,
    ResolvedIndicator,
    estimate,
    filtered_estimates,
    min_group_size,
    resolved_indicators,
    round_cells,
)
from barometer.engine.counting import EMPLOYEE_BANDS
from barometer.engine.indicators import IndicatorSpec, OptionInfo
from barometer.engine.stats import Estimate, Suppressed, difference_of_shares, suppress_group, suppress_partition
from barometer.formatting import format_share
from barometer.models import Indicator, ReferenceFigure
from surveys.models import Centrality, Option, Round, SizeClass

INCIDENCE_YES = ["inc_services.yes", "inc_processes.yes", "inc_communication.yes"]
EXTERNAL_INITIATORS = ["users", "private", "voluntary", "research", "own_municipality", "outside_municipality"]
CULTURE = ["culture_risk", "culture_openness", "culture_recognition", "culture_collaboration", "culture_asking"]

# Extra specs the findings need beyond the indicators: subpopulations and derived shares.
EXTRA_SPECS = {
    "finding-quality-outside": {"rule": "share", "question_codes": ["value_created"], "option_codes": ["quality"],
                                "required": ["collaborated_with.other_municipalities"]},
    "finding-quality-not-outside": {"rule": "share", "question_codes": ["value_created"], "option_codes": ["quality"],
                                    "excluded": ["collaborated_with.other_municipalities"]},
    "finding-culture-innovators": {"rule": "index", "question_codes": CULTURE, "min_count": 3,
                                   "required": INCIDENCE_YES},
    "finding-culture-non-innovators": {"rule": "index", "question_codes": CULTURE, "min_count": 3,
                                       "excluded": INCIDENCE_YES},
    "finding-external-initiation": {"rule": "share", "question_codes": ["initiated_by"],
                                    "option_codes": EXTERNAL_INITIATORS},
}  # fmt: skip


class Verdict(StrEnum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    UNDECIDED = "undecided"
    CONSISTENT = "consistent"
    HIGHER = "higher"
    LOWER = "lower"
    TOO_FEW = "too_few"


VERDICT_TEXT = {
    Verdict.SUPPORTED: _("The live data support the published finding."),
    Verdict.CONTRADICTED: _("The live data point the other way: they contradict the published finding."),
    Verdict.UNDECIDED: _("The data cannot support the claim: the difference could be zero (its interval includes 0)."),
    Verdict.CONSISTENT: _("The published figure lies within the live share's 95 % interval: the two agree."),
    Verdict.HIGHER: _("The live share is clearly higher than the published figure."),
    Verdict.LOWER: _("The live share is clearly lower than the published figure."),
    Verdict.TOO_FEW: _("There are too few answers to say anything about this yet."),
}


@dataclass
class Comparison:
    label: str
    estimate: Estimate


@dataclass
class Finding:
    key: str
    title: str
    published: str
    source: str
    comparisons: list[Comparison]
    difference: tuple[float, float, float] | None
    verdict: Verdict
    is_share: bool = True
    published_figures: list[ReferenceFigure] = field(default_factory=list)
    table_title: str = ""

    @property
    def verdict_text(self) -> str:
        return str(VERDICT_TEXT[self.verdict])


def _difference_verdict(difference, *, expect_positive: bool = True) -> Verdict:
    if difference is None:
        return Verdict.TOO_FEW
    _d, low, high = difference
    if (low > 0) if expect_positive else (high < 0):
        return Verdict.SUPPORTED
    if (high < 0) if expect_positive else (low > 0):
        return Verdict.CONTRADICTED
    return Verdict.UNDECIDED


def _published_verdict(estimate: Estimate, figure: ReferenceFigure | None) -> Verdict:
    if not estimate.shown or figure is None or estimate.low is None:
        return Verdict.TOO_FEW
    value = float(figure.value) / 100
    if figure.bound == "at_least":
        return Verdict.CONSISTENT if estimate.high >= value else Verdict.LOWER
    if figure.bound == "below":
        return Verdict.CONSISTENT if estimate.low <= value else Verdict.HIGHER
    if estimate.low <= value <= estimate.high:
        return Verdict.CONSISTENT
    return Verdict.HIGHER if estimate.low > value else Verdict.LOWER


def _mean_difference(a: Estimate, b: Estimate):
    if not (a.shown and b.shown) or None in (a.low, b.low):
        return None
    difference = a.value - b.value
    half = ((a.high - a.value) ** 2 + (b.high - b.value) ** 2) ** 0.5
    return difference, difference - half, difference + half


def _resolved(round_: Round) -> list[ResolvedIndicator]:
    """The round's indicators plus the findings' own specs, resolved for its question set."""
    resolved = resolved_indicators(round_.question_set_id)
    options = [
        OptionInfo(id=row[0], question_code=row[1], code=row[2], score=None if row[3] is None else float(row[3]))
        for row in Option.objects.filter(question__question_set_id=round_.question_set_id).values_list(
            "pk", "question__code", "code", "score"
        )
    ]
    for key, definition in EXTRA_SPECS.items():
        spec = IndicatorSpec.resolve(
            key=key,
            rule=definition["rule"],
            question_codes=definition["question_codes"],
            option_codes=definition.get("option_codes", []),
            min_count=definition.get("min_count", 1),
            options=options,
            required=definition.get("required", []),
            excluded=definition.get("excluded", []),
        )
        if spec.is_resolvable:
            resolved.append(ResolvedIndicator(Indicator(key=key, rule=definition["rule"], name_nb=key), spec))
    return resolved


@dataclass
class Breakdown:
    title: str
    rows: list[Comparison]
    claim: str
    difference: tuple[float, float, float] | None
    verdict: Verdict

    @property
    def verdict_text(self) -> str:
        return str(VERDICT_TEXT[self.verdict])


def _breakdown(table, resolved, key: str, dimension: str, parts: list[tuple[object, str]]) -> list[Comparison]:
    """One indicator for every part of a dimension, with partition suppression."""
    item = next(i for i in resolved if i.spec.key == key)
    threshold = min_group_size()
    estimates = {}
    sizes = {}
    for value, _label in parts:
        _count, sums = table.total(Filter(**{dimension: value}).keep)
        accumulators = sums.get(key, ())
        estimates[value] = estimate(item.spec, accumulators)
        sizes[value] = int(accumulators[0]) if accumulators else 0
    national_n = int((table.total()[1].get(key) or (0,))[0])
    hidden = suppress_partition(sizes, threshold, total=national_n)
    rows = []
    for value, label in parts:
        result = estimates[value]
        if value in hidden:
            result = result.hidden(hidden[value])
        elif 0 < national_n - sizes[value] < threshold:
            result = result.hidden(Suppressed.COMPLEMENT)
        rows.append(Comparison(str(label), result))
    return rows


def findings(round_: Round) -> tuple[list[Finding], list[Breakdown]]:
    resolved = _resolved(round_)
    table = round_cells(round_, [item.spec for item in resolved])
    _responses, national = filtered_estimates(table, resolved, Filter())
    {item.spec.key: item.indicator for item in resolved}
    figures = {f.key: f for f in ReferenceFigure.objects.all()}

    def figure(key: str) -> ReferenceFigure | None:
        return figures.get(key)

    result: list[Finding] = []

    def against_published(key: str, indicator_key: str, figure_keys: list[str], title, published) -> None:
        if indicator_key not in national:
            return
        shown = [figure(k) for k in figure_keys if figure(k)]
        live = national[indicator_key]
        result.append(
            Finding(
                key=key,
                title=str(title),
                published=str(published),
                source=shown[0].source_title if shown else "",
                comparisons=[Comparison(str(_("All workplaces in the round")), live)],
                difference=None,
                verdict=_published_verdict(live, shown[0] if shown else None),
                published_figures=shown,
            )
        )

    against_published(
        "employees",
        "employees-initiated-or-implemented",
        ["no2018-employees-initiate-or-implement"],
        _("Employees initiate or implement the newest innovation"),
        _("%(share)s of the innovations were initiated or implemented by employees.") % {"share": format_share(0.88)},
    )
    against_published(
        "voluntary",
        "collaboration-voluntary",
        ["no2018-collaboration-voluntary"],
        _("Collaboration with voluntary organisations is rare"),
        _("Only %(share)s collaborate on innovation with voluntary organisations and associations.")
        % {"share": format_share(0.03)},
    )
    against_published(
        "external",
        "external-collaboration",
        ["no2018-external-collaboration", "dk2015-external-collaboration", "dk2015-collaboration-outside"],
        _("External collaboration"),
        _(
            "Six in ten have external collaboration in innovation processes. The Danish barometer (2015) found "
            "79 % of public innovations made with actors outside the workplace, and 59 % with actors outside the "
            "own municipality, region or ministry; those are shares of Danish innovations, not of Norwegian "
            "municipal workplaces."
        ),
    )

    def two_groups(key, title, published, source, indicator_key, first, second, *, is_share=True) -> None:
        """``first`` and ``second`` are (label, Filter) or (label, spec key) pairs."""
        comparisons = []
        for label, target in (first, second):
            if isinstance(target, Filter):
                value = filtered_estimates(table, resolved, target)[1].get(indicator_key)
            else:
                value = national.get(target)
            if value is None:
                return
            comparisons.append(Comparison(str(label), value))
        a, b = comparisons[0].estimate, comparisons[1].estimate
        difference = difference_of_shares(a, b) if is_share else _mean_difference(a, b)
        result.append(
            Finding(
                key=key,
                title=str(title),
                published=str(published),
                source=source,
                comparisons=comparisons,
                difference=difference,
                verdict=_difference_verdict(difference),
                is_share=is_share,
            )
        )

    source_2018 = "KS: Innovasjonsbarometeret for kommunal sektor 2018 – medarbeidere, ledere og samarbeid"
    _type_groups(result, table, resolved, source_2018)
    two_groups(
        "education-vs-health",
        _("More municipal collaboration in education than in health and care"),
        _("There is more municipal collaboration on innovation in education than in health and care."),
        source_2018,
        "municipal-collaboration",
        (_("Education and childhood"), Filter(sector="education")),
        (_("Health and care"), Filter(sector="health_care")),
    )
    two_groups(
        "quality-outside",
        _("Collaboration outside the own municipality goes with better quality"),
        _(
            "Collaboration with public workplaces outside the own (county) municipality goes with a higher "
            "likelihood that the new solutions give better quality."
        ),
        source_2018,
        "finding-quality-outside",
        (_("Collaborated with public workplaces outside the municipality"), "finding-quality-outside"),
        (_("Did not collaborate with them"), "finding-quality-not-outside"),
    )
    two_groups(
        "culture",
        _("Culture goes with innovation"),
        _("Risk willingness, openness, recognition and collaboration give more new solutions."),
        source_2018,
        "culture-index",
        (_("Culture index of workplaces with an innovation"), "finding-culture-innovators"),
        (_("Culture index of workplaces without one"), "finding-culture-non-innovators"),
        is_share=False,
    )

    breakdowns = _breakdowns(table, resolved)
    return result, breakdowns


class _TypeGroup:
    SCHOOLS = ("primary_school", "kindergarten")
    CARE = ("nursing_home", "upper_secondary")


def _type_groups(result: list[Finding], table, resolved, source: str) -> None:
    """Municipal collaboration in two groups of workplace types (each a union of types)."""
    item = next((i for i in resolved if i.spec.key == "municipal-collaboration"), None)
    if item is None:
        return
    threshold = min_group_size()
    national_n = int((table.total()[1].get(item.spec.key) or (0,))[0])
    comparisons = []
    for label, types in (
        (_("Primary schools and kindergartens"), _TypeGroup.SCHOOLS),
        (_("Nursing homes and upper-secondary schools"), _TypeGroup.CARE),
    ):
        _count, sums = table.total(lambda cell, types=types: cell.workplace_type in types)
        accumulators = sums.get(item.spec.key, ())
        group_estimate = estimate(item.spec, accumulators)
        n = int(accumulators[0]) if accumulators else 0
        # Hidden like any group: too small itself, or too close to the national total.
        reason = suppress_group(n, national_n, threshold) if n else None
        if reason:
            group_estimate = group_estimate.hidden(reason)
        comparisons.append(Comparison(str(label), group_estimate))
    difference = difference_of_shares(comparisons[0].estimate, comparisons[1].estimate)
    figures = list(
        ReferenceFigure.objects.filter(
            key__in=[
                "no2018-municipal-collaboration-schools-kindergartens",
                "no2018-municipal-collaboration-nursing-homes-upper-secondary",
            ]
        )
    )
    result.append(
        Finding(
            key="municipal-by-type",
            title=str(_("Municipal collaboration by type of workplace")),
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
        )
    )


def _breakdowns(table, resolved) -> list[Breakdown]:
    bands = [(band, _label_band(low, high)) for band, low, high in EMPLOYEE_BANDS]
    sizes = [(value, SizeClass(value).label) for value in SizeClass.values]
    centralities = [(value, Centrality(value).label) for value in Centrality.values]
    result = []

    def add(title, claim, key, dimension, parts, high_part, low_part):
        rows = _breakdown(table, resolved, key, dimension, parts)
        by_value = {value: row.estimate for (value, _label), row in zip(parts, rows, strict=True)}
        difference = difference_of_shares(by_value[high_part], by_value[low_part])
        result.append(Breakdown(str(title), rows, str(claim), difference, _difference_verdict(difference)))

    if any(i.spec.key == "innovated" for i in resolved):
        add(
            _("Innovation by number of employees"),
            _(
                "Larger workplaces find it easier to initiate innovations than workplaces with fewer employees "
                "(compared: the largest against the smallest workplaces)."
            ),
            "innovated",
            "employees_band",
            bands,
            4,
            1,
        )
    if any(i.spec.key == "finding-external-initiation" for i in resolved):
        add(
            _("External actors at initiation, by municipality size"),
            _(
                "External actors are more often involved in initiating innovation in small municipalities "
                "(compared: the smallest against the largest municipalities)."
            ),
            "finding-external-initiation",
            "size_class",
            sizes,
            SizeClass.UNDER_5000.value,
            SizeClass.FROM_50000.value,
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
            6,
            1,
        )
    return result


def _label_band(low: int, high: int | None) -> str:
    if high is None:
        return str(_("%(low)s employees or more") % {"low": low})
    return str(_("%(low)s–%(high)s employees") % {"low": low, "high": high})
