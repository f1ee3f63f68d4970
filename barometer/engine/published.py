"""What a published figure's wording allows, and whether a live interval agrees with it.

Published barometers round: "6 in 10", "over half", "3 %". One rule turns any such wording
into the range of true values it allows (in per cent):

- a count "N in M" (also "N av M", "N of M") stands for N/M and allows half a step of 1/M
  either side, but never more than 5 points, the half step of "N in 10": "6 in 10" is
  55-65 %, "1 in 4" 20-30 %, "12 in 100" 11.5-12.5 %. A writer picks a quarter or a third
  because the figure is close to it ("1 in 4" for 25 %, not for 13 %), so a fraction
  coarser than tenths is read no wider than tenths;
- a percentage "X %" allows half a unit of its last digit: "3 %" is 2.5-3.5 %, "7.5 %"
  is 7.45-7.55 %; a share is at most 100 %, so a larger percentage is not read (nor is a
  count of more than its whole, "11 in 10");
- "half" ("halvparten", "halvdelen") is 1 in 2, but with "over" it means above 50 % (the
  upper end open, 100 %), as published ("over half");
- a qualifier narrows that to one side: "about"/"om lag"/"omtrent"/"rundt"/"cirka" keeps
  both sides; "over"/"more than"/"mer enn"/"meir enn" keeps the upper half (N/M to
  N/M + half a step); "nearly"/"almost"/"nesten"/"nær"/"knapt" keeps the lower half.

So "over 7 in 10" is 70-75 %, "nearly 3 in 10" is 25-30 %, "about 4 in 10" 35-45 %.
Pure: strings and numbers in and out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ABOUT, OVER, NEARLY = "about", "over", "nearly"

_QUALIFIERS = {
    ABOUT: ("about", "approximately", "around", "roughly", "om lag", "omlag", "omtrent", "rundt", "cirka", "ca."),
    OVER: ("over", "more than", "above", "mer enn", "meir enn", "drøyt", "drygt"),
    NEARLY: ("nearly", "almost", "just under", "nesten", "nær", "nærmere", "nærare", "knapt", "snaut"),
}
_COUNT = re.compile(r"(\d+)\s*(?:in|av|of|ud af)\s*(\d+)")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|prosent|per cent|percent)")
#: The widest half step a count allows, in points: that of "N in 10".
_MAX_COUNT_HALF_STEP = 5.0
_HALF = re.compile(r"\b(?:half|halvparten|halvdelen|halvparten)\b")


class UnreadableWording(ValueError):
    """The wording names no count, percentage or "half" the rule can read."""


@dataclass(frozen=True)
class PublishedRange:
    """The true values (per cent, 0-100) a published wording allows: ``low`` to ``high``."""

    low: float
    high: float

    def meets(self, low: float, high: float) -> bool:
        """Whether the interval ``low``-``high`` (per cent) overlaps this range."""
        return high >= self.low and low <= self.high


def _qualifier(text: str) -> str | None:
    for name, words in _QUALIFIERS.items():
        for word in words:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                return name
    return None


def published_range(wording: str) -> PublishedRange:
    """The range the wording allows, by the rule in this module's docstring.

    Raises ``UnreadableWording`` when the wording has no count, percentage or "half".
    """
    text = " ".join(wording.lower().split())
    qualifier = _qualifier(text)
    if match := _COUNT.search(text):
        numerator, denominator = int(match.group(1)), int(match.group(2))
        if denominator <= 0 or numerator > denominator:
            raise UnreadableWording(wording)
        centre, half_step = 100 * numerator / denominator, min(100 / (2 * denominator), _MAX_COUNT_HALF_STEP)
    elif match := _PERCENT.search(text):
        number = Decimal(match.group(1).replace(",", "."))
        if number > 100:  # no share, as "11 in 10" is none
            raise UnreadableWording(wording)
        decimals = -number.as_tuple().exponent if number.as_tuple().exponent < 0 else 0
        centre, half_step = float(number), 0.5 / 10**decimals
    elif _HALF.search(text):
        if qualifier == OVER:
            return PublishedRange(50.0, 100.0)
        centre, half_step = 50.0, 5.0  # "half" reads as "5 in 10"
    else:
        raise UnreadableWording(wording)
    if qualifier == OVER:
        low, high = centre, centre + half_step
    elif qualifier == NEARLY:
        low, high = centre - half_step, centre
    else:
        low, high = centre - half_step, centre + half_step
    return PublishedRange(max(0.0, round(low, 4)), min(100.0, round(high, 4)))


CONSISTENT, HIGHER, LOWER = "consistent", "higher", "lower"
#: No verdict: the round's figure is not shown (whatever hid it: downloads must not tell
#: "too few answers" from "could reveal a small group"), or there is no interval or range.
NOT_SHOWN = "not_shown"
#: No verdict: the figure was published for some of the workplace types of the group shown
#: (``barometer.reports.scope.figure_scope``), so the two are about different populations.
OTHER_SCOPE = "other_scope"
#: No verdict: the figure was published for a wider group than the one shown, of which the
#: group is only a part (KS' "4 in 10" for nursing homes and upper-secondary schools together
#: beside upper-secondary schools alone; a national figure beside one workplace type or one
#: county). A part may lie above or below its whole without contradicting the figure, so only
#: the group the figure was published for is judged against it, as on the findings page.
WIDER_SCOPE = "wider_scope"
#: No verdict: the figure measures something else than its indicator (a Danish share of
#: innovations; a "key role" rather than initiating), as ``ReferenceFigure.same_measure`` says.
OTHER_MEASURE = "other_measure"
#: No verdict: the round's figure is unweighted, while the published Norwegian figures are
#: weighted by workplace type and region (KS 2018), so a difference could be the weighting's.
UNWEIGHTED = "unweighted"


def range_verdict(low: float | None, high: float | None, allowed: PublishedRange | None) -> str:
    """ "consistent" when the live 95 % interval ``low``-``high`` (0-1) meets the range the
    published wording allows, "higher" or "lower" when it lies wholly above or below it,
    "not_shown" when there is no interval or no range."""
    if low is None or high is None or allowed is None:
        return NOT_SHOWN
    if allowed.meets(low * 100, high * 100):
        return CONSISTENT
    return HIGHER if low * 100 > allowed.high else LOWER


def published_verdict(estimate, figure, *, weighted: bool = True, scope: str | None = None) -> str:
    """The verdict of a share of the round (anything with ``shown``, ``low`` and ``high``)
    against a published figure (anything with ``published_range()`` and ``same_measure``),
    by one rule, first match wins: ``NOT_SHOWN`` for a hidden share (or no figure), whatever
    else holds; ``OTHER_MEASURE`` for a figure that measures something else; ``scope`` when
    the figure is not about the group as it is (``OTHER_SCOPE``: published for some of the
    group's workplace types only; ``WIDER_SCOPE``: published for a wider group the group is
    a part of; ``barometer.reports.scope.figure_scope``); ``UNWEIGHTED`` for an
    unweighted share (``weighted`` False); else by ``range_verdict``."""
    if figure is None or not estimate.shown:
        return NOT_SHOWN
    if not getattr(figure, "same_measure", True):
        return OTHER_MEASURE
    if scope:
        return scope
    if not weighted:
        return UNWEIGHTED
    return range_verdict(estimate.low, estimate.high, figure.published_range())


def benchmark(figures: Iterable) -> object | None:
    """The published figure to mark beside a share on a chart, from ``figures`` (reference
    figures that cover the group: ``workplace_types`` and ``same_measure``): one that
    measures the same thing, the one published for named workplace types (the group's
    own) before one for all types; None when none measures the same thing."""
    candidates = sorted(
        (figure for figure in figures if figure.same_measure), key=lambda figure: not figure.workplace_types
    )
    return candidates[0] if candidates else None
