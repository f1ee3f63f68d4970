"""The first screen of a workplace report: "how are we doing?".

At most two things the workplace does less than most comparable workplaces (the measure
does not hold for it, and the whole 95 % interval of the comparison group lies above 50 %)
and at most two it does more (it holds, and the interval lies below 50 %), each as a
sentence with the figure and what it counts (``share_statement``), the group named in words
and what the barometer found.

The figures come from a *figure source*: any object with ``group(filter_) -> GroupFigures``
(``RoundFigures`` or a published snapshot's ``PublishedFigures``), asked only for groups
of the published fixed set: workplace type x centrality class, workplace type, national.
The summary tries them in that order for each indicator and falls back to the next wider
group when a figure is hidden. Without a source (no round to compare with yet), it compares
with the published national figures (Norway 2018) and says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Protocol

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from barometer.engine.figures import Figure, GroupFigures
from barometer.engine.groups import Filter, centrality_label
from barometer.engine.indicators import OwnValue
from barometer.engine.published import benchmark
from barometer.formatting import (
    format_count,
    format_estimate,
    format_estimate_interval,
    in_sentence,
    named_base,
    types_in_words,
    upper_first,
    workplaces_of_type,
)
from barometer.models import Edition, Indicator, Rule
from barometer.reports.scope import suggestion_for
from surveys.i18n import current_language
from surveys.models import WorkplaceType

MAX_ITEMS = 2
CENTRALITY_CLASSES = 6


class FigureSource(Protocol):
    """Anything that answers a group's figures: a round's figures or a published snapshot."""

    def group(self, filter_: Filter) -> GroupFigures: ...


def centrality_explained(centrality: int) -> str:
    """The class in words: "class 6 of 6, the least central"."""
    if centrality == 1:
        return _("class 1 of 6, the most central")
    if centrality == CENTRALITY_CLASSES:
        return _("class 6 of 6, the least central")
    return _("class %(centrality)s of 6, where 1 is the most central and 6 the least") % {"centrality": centrality}


@dataclass(frozen=True)
class ComparisonGroup:
    """One group the summary may compare with: its filter and its name in a sentence;
    ``other_row``, the label of a peer row further down the report that is another group a
    reader may take for this one ("Workplaces in municipalities in centrality class 2", of
    every type, beside kindergartens of that class), "" when there is none. In a share's
    sentence the group of the same centrality is named without its class, which the
    sentence's parenthesis gives (``sentence_name``, ``note``): "33 % av barnehager i
    kommuner med samme sentralitet som deres oppgir at ... (sentralitet: klasse 5 av 6,
    der ...; grunnlag: ...)", not a verb that comes after two lines of explanation."""

    kind: str
    filter: Filter
    name: str
    other_row: str = ""
    #: The name inside a share's sentence when ``name`` holds an explanation that would part
    #: the sentence's subject from its verb, and that explanation, said in the sentence's
    #: parenthesis instead ("" when the name is short enough).
    sentence_name: str = ""
    note: str = ""


def comparison_groups(*, workplace_type: str, centrality: int, staff: bool = False) -> list[ComparisonGroup]:
    """The summary's groups, narrowest first: type x centrality, type, national."""
    type_name = workplaces_of_type(workplace_type)
    if staff:
        same = _("%(type)s in municipalities with the same centrality as this workplace's (%(class)s)")
        named_in_sentence = _("%(type)s in municipalities with the same centrality as this workplace's")
    else:
        same = _("%(type)s in municipalities with the same centrality as yours (%(class)s)")
        named_in_sentence = _("%(type)s in municipalities with the same centrality as yours")
    explained = centrality_explained(centrality)
    return [
        ComparisonGroup(
            "type_centrality",
            Filter(workplace_type=workplace_type, centrality=centrality),
            same % {"type": type_name, "class": explained},
            # The report's peer row of the class (``peer_filters``) holds every type.
            other_row=centrality_label(centrality),
            sentence_name=named_in_sentence % {"type": type_name},
            note=_("centrality: %(class)s") % {"class": explained},
        ),
        ComparisonGroup(
            "workplace_type", Filter(workplace_type=workplace_type), _("%(type)s nationally") % {"type": type_name}
        ),
        ComparisonGroup("national", Filter(), _("all workplaces nationally")),
    ]


@dataclass(frozen=True)
class SummaryItem:
    """One sentence of the summary: ``direction`` is "less" or "more"; ``share`` 0-1 (for a
    published figure, the middle of the range its wording allows); ``low``/``high`` the
    interval (None for a published figure); ``hidden`` the narrower groups that were not
    shown, if any (``group`` is then the wider one shown), and ``compared_as`` the group
    shown as the sentence names it (``Summary.fallback_note`` says why once for every item
    that shares them)."""

    indicator: Indicator
    direction: str
    sentence: str
    share: float
    low: float | None
    high: float | None
    n: int | None
    group: str
    suggestion: str
    hidden: tuple[ComparisonGroup, ...] = ()
    compared_as: str = ""


@dataclass(frozen=True)
class Summary:
    """The first screen: what the workplace does less and more than most; ``source`` is
    "figures" (the round's or snapshot's) or "published" (national figures of 2018);
    ``fallback_note`` the paragraph under the items that says, once, which narrower groups
    are not shown for the items that compare with a wider one ("" when none share it)."""

    less: list[SummaryItem]
    more: list[SummaryItem]
    source: str
    fallback_note: str = ""

    @property
    def empty(self) -> bool:
        return not self.less and not self.more


def _eligible(indicator: Indicator, own: OwnValue) -> bool:
    # "Don't know" is not "no": such an answer is no sign of doing less (or more) than others.
    return (
        indicator.rule == Rule.SHARE and indicator.higher_is_favourable is not None and own.applies and not own.unsure
    )


def _own_text(indicator: Indicator, own: OwnValue, staff: bool) -> str:
    if staff:
        # Whether the measure holds, not "answered yes": few of them are yes/no questions.
        if own.value == 1.0:
            return _("“%(name)s”: holds for this workplace.") % {"name": indicator.name}
        return _("“%(name)s”: does not hold for this workplace.") % {"name": indicator.name}
    return str(indicator.own_yes if own.value == 1.0 else indicator.own_no)


def share_statement(indicator: Indicator, share: str, group: str) -> str:
    """What a share of a group is, as a sentence's main clause, first letter upper-case: "80 %
    av barnehager på landsbasis har innført minst én innovasjon de siste to årene".
    ``share`` is the share as shown ("80 %"); ``group`` the group in sentence form.

    The words are the indicator's ``share_clause`` in the reader's language, which says what
    the share counts. Without them in that language (an admin's own indicator, or one whose
    words are only in bokmål) the indicator is named instead: "For 80 % av ... stemmer
    «Ledere satte i gang»", never another language's words inside this one's sentence.
    Never "80 % answered yes": most measures are no yes/no question (who initiated, what
    value, a factor's 5 or 6 on a scale)."""
    clause = str(getattr(indicator, f"share_clause_{current_language()}", "") or "")
    values = {"share": share, "group": group, "counted": clause, "name": indicator.name}
    if clause:
        return upper_first(_("%(share)s of %(group)s %(counted)s") % values)
    return upper_first(_("For %(share)s of %(group)s, “%(name)s” holds") % values)


def shown_group_name(group: str, figure: Figure, *, nationally: bool) -> str:
    """The group compared with, as the sentence names it: the national group by the figure's
    base when it is not all workplaces ("workplaces with an innovation nationally")."""
    base = named_base(figure.base)
    return _("%(base)s nationally") % {"base": base} if nationally and base else group


def _figure_sentence(
    indicator: Indicator, own_text: str, group: str, figure: Figure, *, nationally: bool = False, note: str = ""
) -> str:
    """The own answer, then what the group's share counts: "80 % av alders- og sykehjem på
    landsbasis oppgir at ... (grunnlag: virksomheter med en innovasjon; 95 %-intervall ...)"
    (``share_statement``). Whom the share is of (``named_base``, unless it is of all the
    group's workplaces) goes in the parenthesis: an indefinite base after a group ("av alders-
    og sykehjem ... av virksomheter med en innovasjon") reads as another group. The national
    group (``nationally``) is named by that base instead: "80 % av virksomheter med en
    innovasjon på landsbasis ...", not "all workplaces nationally" and a narrower base.
    ``note`` is what the group's name in the sentence leaves out (``ComparisonGroup.note``),
    said first in the parenthesis."""
    base = named_base(figure.base)
    if nationally and base:
        group, base = shown_group_name(group, figure, nationally=True), ""
    values = {
        "own": own_text,
        # The value with as many decimals as its interval ("58,4 %" beside "57,9–58,9 %").
        "statement": share_statement(indicator, format_estimate(figure), in_sentence(group)),
        "base": base,
        "interval": format_estimate_interval(figure),
        "n": format_count(figure.n),
        "note": note,
    }
    if note and base:
        return (
            _("%(own)s %(statement)s (%(note)s; base: %(base)s; 95%% interval %(interval)s, %(n)s answers).") % values
        )
    if note:
        return _("%(own)s %(statement)s (%(note)s; 95%% interval %(interval)s, %(n)s answers).") % values
    if base:
        return _("%(own)s %(statement)s (base: %(base)s; 95%% interval %(interval)s, %(n)s answers).") % values
    return _("%(own)s %(statement)s (95%% interval %(interval)s, %(n)s answers).") % values


def _other_rows(hidden) -> list[str]:
    """For a hidden group that a peer row further down may be taken for (the centrality
    class, all types), that the row is another group, so that its figure is not read as the
    hidden one."""
    return [
        _("%(row)s further down is another group, with workplaces of every type.")
        % {"row": pgettext("a quoted name", "“%(name)s”") % {"name": group.other_row}}
        for group in hidden
        if group.other_row
    ]


def shared_fallback_note(hidden, shown: str, *, every_item: bool) -> str:
    """The paragraph under the summary's items that says once what each of them would
    otherwise repeat: the narrower ``hidden`` groups are not shown, and nothing else about
    them; the items compare with the wider group ``shown`` instead (every item, or, when
    ``every_item`` is false, those whose sentence names it: the others compare with a group
    of their own and keep their own words); and a peer row that may be taken for a hidden
    group is another group."""
    if every_item:
        template = ngettext(
            "The summary compares with %(group)s, a wider group, because the figure for %(groups)s is not shown: "
            "there are too few answers, or it could reveal a small group.",
            "The summary compares with %(group)s, a wider group, because the figures for %(groups)s are not "
            "shown: there are too few answers, or they could reveal a small group.",
            len(hidden),
        )
    else:
        template = ngettext(
            "Where the summary compares with %(group)s, a wider group, it is because the figure for %(groups)s "
            "is not shown: there are too few answers, or it could reveal a small group.",
            "Where the summary compares with %(group)s, a wider group, it is because the figures for %(groups)s "
            "are not shown: there are too few answers, or they could reveal a small group.",
            len(hidden),
        )
    names = get_text_list([group.name for group in hidden], _("and"))
    return " ".join([template % {"groups": names, "group": in_sentence(shown)}, *_other_rows(hidden)])


def _fallback_sentences(hidden: list[ComparisonGroup], shown: str) -> str:
    """What the summary says when the narrower ``hidden`` groups' figures are not shown and
    the wider group ``shown`` (its name as the sentence gives it) is compared instead: each
    hidden group by name, and nothing else about it; the group compared with; and, for a
    hidden group that a peer row further down may be taken for (the centrality class, all
    types), that the row is another group (``_other_rows``). Said after the item's own
    sentence only when its comparison differs from the others' (``_with_fallback_said_once``)."""
    names = [group.name for group in hidden]
    if len(names) == 1:
        text = _(
            "The figure for %(group)s is not shown: there are too few answers, or it could reveal a small group."
        ) % {"group": names[0]}
    else:
        text = _(
            "The figures for %(groups)s are not shown: there are too few answers, or they could reveal a small group."
        ) % {"groups": get_text_list(names, _("and"))}
    sentences = [text, _("This compares with %(group)s instead, a wider group.") % {"group": in_sentence(shown)}]
    return " ".join([*sentences, *_other_rows(hidden)])


def build_summary(
    source: FigureSource | None,
    items: list[tuple[Indicator, OwnValue]],
    groups: list[ComparisonGroup],
    *,
    workplace_type: str = "",
    staff: bool = False,
) -> Summary:
    """The summary for a workplace's ``items`` (indicator and own value, in report order;
    indicators with ``headline`` first, then by how clear the difference is).

    With a ``source``, each indicator is compared with the narrowest group in ``groups``
    whose figure is shown; a workplace lacking what the group's whole interval puts above
    50 % does "less", one having what the interval puts below 50 % does "more". Without a
    source, the published Norwegian figure of 2018 is the comparison (the one for the
    workplace's type if there is one), judged by the range its wording allows and quoted
    as published.
    """
    less: list[tuple[float, SummaryItem]] = []
    more: list[tuple[float, SummaryItem]] = []
    group_figures: dict[str, GroupFigures] = {}
    for indicator, own in items:
        if not _eligible(indicator, own):
            continue
        own_text = _own_text(indicator, own, staff)
        item = None
        if source is not None:
            hidden: list[ComparisonGroup] = []
            for group in groups:
                if group.kind not in group_figures:
                    group_figures[group.kind] = source.group(group.filter)
                figure = group_figures[group.kind].get(indicator.key)
                if figure is None or not figure.shown or figure.low is None or figure.high is None:
                    hidden.append(group)
                    continue
                direction = "less" if own.value == 0.0 and figure.low > 0.5 else None
                direction = direction or ("more" if own.value == 1.0 and figure.high < 0.5 else None)
                if direction is None:
                    break
                nationally = group.kind == "national"
                sentence = _figure_sentence(
                    indicator,
                    own_text,
                    group.sentence_name or group.name,
                    figure,
                    nationally=nationally,
                    note=group.note,
                )
                item = SummaryItem(
                    indicator, direction, sentence, figure.value, figure.low, figure.high, figure.n,
                    group.name, suggestion_for(indicator, workplace_type), tuple(hidden),
                    # The group as the sentence names it ("workplaces with an innovation nationally").
                    shown_group_name(group.name, figure, nationally=nationally) if hidden else "",
                )  # fmt: skip
                clarity = figure.low - 0.5 if direction == "less" else 0.5 - figure.high
                break
        else:
            # The 2018 figure for the workplace's own type if there is one, else for all types,
            # of the same measure (the chart's rule); said as published ("8 in 10", not "80 %")
            # and judged by the range it allows.
            reference = benchmark(
                f
                for f in indicator.reference_figures.all()
                if f.edition == Edition.NO_2018 and f.applies_to(workplace_type)
            )
            allowed = reference.published_range() if reference is not None else None
            if allowed is not None:
                value = (allowed.low + allowed.high) / 200
                direction = "less" if own.value == 0.0 and allowed.low >= 50 else None
                direction = direction or ("more" if own.value == 1.0 and allowed.high <= 50 else None)
                if direction:
                    sentence = _published_sentence(own_text, reference)
                    item = SummaryItem(
                        indicator, direction, sentence, value, None, None, None,
                        pgettext("comparison group", "the published national figures"),
                        suggestion_for(indicator, workplace_type),
                    )  # fmt: skip
                    clarity = abs(value - 0.5)
        if item is not None:
            (less if item.direction == "less" else more).append(((not indicator.headline, -clarity), item))
    return _with_fallback_said_once(
        Summary(
            less=[item for _key, item in sorted(less, key=lambda pair: pair[0])[:MAX_ITEMS]],
            more=[item for _key, item in sorted(more, key=lambda pair: pair[0])[:MAX_ITEMS]],
            source="figures" if source is not None else "published",
        )
    )


def _published_sentence(own_text: str, reference) -> str:
    """The summary's sentence that compares the workplace with a published figure of the
    national barometer (2018): the figure in its published words ("8 av 10") beside the
    statement it was published for, quoted, not the indicator's own words: 2018 counted
    some things otherwise (political leadership as "an important cause", collaboration in
    innovation in general, not on the newest innovation). Then whom it is a share of (its
    base: "all workplaces", "workplaces with an innovation") and, when it covers only some
    workplace types (those it was published for, else those its edition asked: KS 2018
    asked education and health and care only), which, named as a sentence names them."""
    covered = reference.covered_types()
    words = {
        "own": own_text,
        "statement": str(reference.statement),
        "share": str(reference.wording),
        "base": str(reference.get_population_display()),
    }
    if covered is None:
        return (
            _(
                "%(own)s In the national barometer of 2018, the figure for “%(statement)s” was %(share)s "
                "(base: %(base)s)."
            )
            % words
        )
    types = types_in_words([t for t in WorkplaceType.values if t in covered])
    return _(
        "%(own)s In the national barometer of 2018, the figure for “%(statement)s” was %(share)s "
        "(base: %(base)s; published for %(types)s)."
    ) % {**words, "types": types}


def _with_fallback_said_once(summary: Summary) -> Summary:
    """The summary with what its items compared with a wider group would each repeat (which
    narrower groups are not shown, and which group is compared instead) said once, in
    ``fallback_note`` under the items, for the items that share it: all of them, or at least
    two when some differ. An item whose comparison differs keeps its own sentences, after
    its own; every item's sentence names the group it compares with."""
    items = summary.less + summary.more
    keys = [(item.hidden, item.compared_as) if item.hidden else None for item in items]
    counts = Counter(key for key in keys if key is not None)
    shared = None
    if counts:
        key, count = counts.most_common(1)[0]
        shared = key if count >= 2 or count == len(items) else None

    def own(item: SummaryItem) -> SummaryItem:
        if not item.hidden or (item.hidden, item.compared_as) == shared:
            return item
        return replace(item, sentence=f"{item.sentence} {_fallback_sentences(list(item.hidden), item.compared_as)}")

    note = shared_fallback_note(*shared, every_item=counts[shared] == len(items)) if shared else ""
    return replace(summary, less=[own(i) for i in summary.less], more=[own(i) for i in summary.more],
                   fallback_note=note)  # fmt: skip
