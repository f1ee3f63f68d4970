"""Numbers as the reader's language writes them: decimal comma and "88 %" in Norwegian,
"88%" in English."""

from __future__ import annotations

from django.utils import formats
from django.utils.text import get_text_list
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from surveys.models import SECTOR_OF_WORKPLACE_TYPE, Sector, WorkplaceType

NBSP = "\u00a0"

#: What every hidden figure says, in cells and charts, whatever hid it (too few answers, a
#: figure that could reveal a small group, or a base of none): a reason would tell a large
#: group hidden to protect another from a small one. ``NOT_SHOWN_EXPLAINED`` says it in
#: full where a figure travels without a legend (downloads).
NOT_SHOWN = _("not shown")
NOT_SHOWN_EXPLAINED = _("not shown: there are too few answers, or it could reveal a small group")


def _percent_sign() -> str:
    return "%" if (get_language() or "nb").startswith("en") else f"{NBSP}%"


def weighting_word(weighted: bool) -> str:
    """ "weighted" or "unweighted" in the active language, for a chart title or a heading."""
    return str(_("weighted") if weighted else _("unweighted"))


def with_weighting(name: str, weighted: bool) -> str:
    """A name with its weighting, for a chart's title or a column's heading: "Share with
    external collaboration (weighted)"; a name that ends in brackets takes the word inside
    them, not a second pair: "Culture index for new ideas (0–100, weighted)". Brackets
    that hold a comma already get it after a semicolon ("(5–6 on the scale from 1, ...;
    weighted)"), so that the word does not read as one more item of theirs."""
    name, word = str(name), weighting_word(weighted)
    if name.endswith(")") and "(" in name:
        inside = name[name.rindex("(") + 1 : -1]
        return f"{name[:-1]}{'; ' if ',' in inside else ', '}{word})"
    return str(_("%(name)s (%(weighting)s)") % {"name": name, "weighting": word})


def format_number(value: float | None, decimals: int = 1) -> str:
    """``value`` rounded to ``decimals`` as the reader's language writes it: decimal comma and
    thousands grouped with a no-break space in Norwegian ("1 575,7"), "1,575.7" in English;
    "" for None."""
    if value is None:
        return ""
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_count(value: int | None) -> str:
    """A whole number (workplaces, answers, invitations) as the reader's language writes it,
    grouped in thousands: "3 000" and "12 000" (with a no-break space) in Norwegian, "3,000"
    in English. ``None`` gives "". For text only: downloads keep the bare number."""
    return format_number(value, 0)


#: The most decimals a share is written with to keep it from reading as none or all.
MOST_SHARE_DECIMALS = 2


def _none_or_all(percent: float, decimals: int) -> bool:
    """Whether a percentage that is neither 0 nor 100 rounds to one of them."""
    rounded = round(percent, decimals)
    return (rounded == 0 and percent > 0) or (rounded == 100 and percent < 100)


def share_decimals(value: float | None, decimals: int = 0) -> int:
    """How many decimals the share ``value`` (0-1) needs so as not to read as none or all:
    ``decimals``, or more up to ``MOST_SHARE_DECIMALS`` (one workplace of 200 is "0,5 %",
    not "0 %"). A share beyond that is written "under 0,01 %" (``format_share``)."""
    if value is None:
        return decimals
    percent, most = value * 100, max(decimals, MOST_SHARE_DECIMALS)
    while decimals < most and _none_or_all(percent, decimals):
        decimals += 1
    return decimals


def format_share(value: float | None, decimals: int = 0) -> str:
    """A share between 0 and 1 as a percentage with ``decimals`` ("88 %"; "" for None).

    A share that is neither none nor all is never written "0 %" or "100 %": one workplace
    of 200 is "0,5 %", not "0 %", which reads as none of them. It gets more decimals, up to
    ``MOST_SHARE_DECIMALS``, until it rounds to neither (``share_decimals``), and beyond
    them is written "under 0,01 %" (or "over 99,99 %")."""
    if value is None:
        return ""
    percent = value * 100
    decimals = share_decimals(value, decimals)
    if _none_or_all(percent, decimals):
        limit = 10**-decimals
        bound, template = (limit, _("under %(share)s")) if percent < 50 else (100 - limit, _("over %(share)s"))
        return str(template % {"share": format_number(bound, decimals) + _percent_sign()})
    return format_number(percent, decimals) + _percent_sign()


def shares_decimals(values) -> int:
    """How many decimals every share of one table or column is written with: the most any
    of ``values`` (shares 0-1, None counting for nothing) needs (``share_decimals``), so that
    "0,5 %" never stands beside "1 %" in the same column."""
    return max((share_decimals(value) for value in values if value is not None), default=0)


def format_interval(low: float | None, high: float | None, *, as_share: bool = True, decimals: int = 0) -> str:
    """An interval ``low``-``high`` (shares 0-1 as percentages, or index scores) as "24–35 %".

    An interval narrower than the rounding ("78–78" for 77.6-78.4) would claim no
    uncertainty at all: it gets one more decimal (up to two) until its ends differ.
    Empty when either end is missing."""
    if low is None or high is None:
        return ""
    scale = 100 if as_share else 1
    decimals = interval_decimals(low, high, as_share=as_share, decimals=decimals)
    text = f"{format_number(low * scale, decimals)}–{format_number(high * scale, decimals)}"
    return text + _percent_sign() if as_share else text


def interval_decimals(low: float | None, high: float | None, *, as_share: bool = True, decimals: int = 0) -> int:
    """How many decimals the interval ``low``-``high`` is written with (``format_interval``):
    ``decimals``, or up to two more until its ends differ once rounded."""
    if low is None or high is None:
        return decimals
    scale = 100 if as_share else 1
    while decimals < 2 and round(low * scale, decimals) == round(high * scale, decimals) and low != high:
        decimals += 1
    return decimals


def estimate_decimals(estimate, *, as_share: bool = True, decimals: int = 0) -> int:
    """How many decimals an estimate's value and its interval are both written with:
    ``decimals``, or more where the interval's ends would meet once rounded
    (``interval_decimals``) or, for a share, where the value would read as none or all
    (``share_decimals``): "0,5 % (0,1–2,8 %)", never "0,5 % (0–3 %)". ``estimate`` has
    ``value``, ``low`` and ``high`` (an ``Estimate`` or a ``Figure``)."""
    decimals = interval_decimals(estimate.low, estimate.high, as_share=as_share, decimals=decimals)
    if as_share and estimate.value is not None:
        decimals = share_decimals(estimate.value, decimals)
    return decimals


def table_decimals(rows) -> int:
    """How many decimals every number of one table is written with: the most any of its
    rows needs, so that a table never shows "77,9 | 77,5–78,3" beside "58 | 57–59".

    ``rows`` are (estimate, as_share) pairs; an estimate has ``value``, ``low`` and
    ``high`` (an ``Estimate`` or a ``Figure``; one not shown, or None, counts for nothing).
    A row needs the decimals its value and interval are written with on their own
    (``estimate_decimals``: none, unless its interval's ends would meet once rounded or its
    share would read as none or all). Each row's value and interval, and a difference or
    change between rows, are then written with this many (``format_estimate``,
    ``format_estimate_interval``, ``format_change``)."""
    needed = [
        estimate_decimals(estimate, as_share=as_share)
        for estimate, as_share in rows
        if estimate is not None and getattr(estimate, "shown", True)
    ]
    return max(needed, default=0)


def format_estimate(estimate, *, as_share: bool = True, decimals: int | None = None) -> str:
    """An estimate's value with as many decimals as its interval is written with ("77,9"
    beside "77,5–78,3", not "78"): a share as a percentage, a score as a number; "" when it
    has no value. ``estimate`` has ``value``, ``low`` and ``high`` (an ``Estimate`` or a
    ``Figure``). In a table, ``decimals`` is the table's (``table_decimals``), so that
    every row has the same; the value gets more only if its own interval needs them, or,
    for a share, if it would otherwise read as none or all (``estimate_decimals``), and
    its interval then gets them too (``format_estimate_interval``)."""
    if estimate.value is None:
        return ""
    decimals = estimate_decimals(estimate, as_share=as_share, decimals=decimals or 0)
    return format_share(estimate.value, decimals) if as_share else format_number(estimate.value, decimals)


def format_estimate_interval(estimate, *, as_share: bool = True, decimals: int | None = None) -> str:
    """An estimate's 95 % interval with the decimals its value is written with
    (``estimate_decimals``, as ``format_estimate``): "0,1–2,8 %" beside "0,5 %"; "" when an
    end is missing."""
    decimals = estimate_decimals(estimate, as_share=as_share, decimals=decimals or 0)
    return format_interval(estimate.low, estimate.high, as_share=as_share, decimals=decimals)


def format_change(change: tuple[float, float, float] | None, *, as_share: bool = True, decimals: int = 1) -> str:
    """A change or difference with its unit and 95 % interval: ``(0.052, -0.01, 0.114)`` of
    shares as "+5,2 prosentpoeng (−1,0 til +11,4)", of scores (``as_share`` False) as
    "+0,3 poeng (...)". ``change`` is (estimate, low, high), as ``difference_of_shares``
    gives it; empty for None. A change in a share is in percentage points, never per cent:
    a share that goes from 40 % to 44 % grew by 4 points, that is 10 per cent.

    ``decimals``: one on its own; beside a table of the rows it is the difference of, the
    table's (``table_decimals``), one more only where the interval's ends would meet.

    A number that rounds to zero has no sign ("0 prosentpoeng (−7 til +6)", not "+0"); the
    unit is singular beside a number written "1" ("−1 percentage point")."""
    if change is None:
        return ""
    scale = 100 if as_share else 1
    value, low, high = change
    decimals = interval_decimals(low, high, as_share=as_share, decimals=decimals)

    def signed(number: float) -> str:
        size = round(abs(number) * scale, decimals)
        if not size:
            return format_number(0, decimals)
        return ("−" if number < 0 else "+") + format_number(size, decimals)

    # The count the unit agrees with: the number as written ("1", but "1,0" takes the plural).
    size = round(abs(value) * scale, decimals)
    count = int(size) if decimals == 0 else 2
    # Each call with its words written out, for makemessages.
    percentage_points = ngettext("percentage point", "percentage points", count)
    unit = percentage_points if as_share else ngettext("point", "points", count)
    return _("%(change)s %(unit)s (%(low)s to %(high)s)") % {
        "change": signed(value),
        "unit": unit,
        "low": signed(low),
        "high": signed(high),
    }


def lower_first(text: str) -> str:
    """``text`` with a lower-case first letter, the rest as it is ("Virksomheter med KS ..." ->
    "virksomheter med KS ..."): a published statement after a dash."""
    text = str(text)
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    """``text`` with an upper-case first letter, the rest as it is: a name from inside a
    sentence ("alders- og sykehjem") as a row's heading."""
    text = str(text)
    return text[:1].upper() + text[1:]


def in_sentence(name: str) -> str:
    """A group's name as it reads inside a sentence ("Blant alders- og sykehjem ..."): a
    name that starts with a workplace type's or a sector's label (a common noun) gets a lower-case first
    letter; any other name (a county, "Vestland") is returned as it is, since it
    may start with a proper noun."""
    text = str(name)
    if any(text.startswith(str(label)) for label in (*WorkplaceType.labels, *Sector.labels)):
        return text[:1].lower() + text[1:]
    return text


def named_base(base) -> str:
    """The label of a figure's base where a group's name must be followed by it: "" for a
    share of all the group's workplaces (``base.kind`` "workplaces": the group's name says
    whom) or for none. ``base`` is a ``barometer.engine.figures.Base``, or the words of a
    wider group the row is a part of ("workplaces with an innovation"), which are always
    named."""
    if base is None:
        return ""
    if isinstance(base, str):
        return base
    return "" if base.kind == "workplaces" else str(base.label)


def base_in_group(base, grouped: bool) -> str:
    """A figure's base as a table's column or a file's ``base`` field names it: in a table or
    file of one group (a filter on ``/statistikk/``), a figure of all workplaces is of all
    the group's workplaces ("all the group's workplaces"): "all workplaces" beside
    "Kindergartens in Vestland" read as a national figure. Any other base is the group's
    own already ("workplaces with an innovation")."""
    if named_base(base) or not grouped:
        return str(base.label)
    return str(_("all the group's workplaces"))


def among(base) -> str:
    """What follows a group's name to say whom its figure is of: "among workplaces with an
    innovation", "" when the group's name says it already (``named_base``). Every kind of
    group reads with it: "All in the round", "Workplaces in municipalities in centrality class
    3", "Workplaces in Vestland", "Workplaces with 10–19 employees", each then ", among ..."
    (not "... of workplaces with an innovation", which reads as the group belonging to the
    base). A group is named as workplaces (``barometer.engine.groups``): "Vestland, among
    ..." read as a share of the county."""
    label = named_base(base)
    return str(_("among %(base)s") % {"base": label}) if label else ""


def group_with_base(group: str, base) -> str:
    """A group's name and the base of its figure as one phrase, for a table row, a chart
    bar or a line of the PDF: "Workplaces in Vestland, among workplaces with an innovation";
    the name alone when the figure is of all the group's workplaces (``among``). A page
    shows the same words, the base on a line of its own (the ``group_with_base`` tag).

    A chart's bar is worded the same way, an indicator's name in the group's place ("The
    innovation was put to use, among workplaces with an innovation"): never "... (of ...)",
    which mixed "av" and "blant" beside the tables. A name that says its base already ("...
    (among workplaces without an innovation)") is not followed by it again."""
    words = among(base)
    if not words or named_base(base) in str(group):
        return str(group)
    return f"{group}, {words}"


def shared_among(bases) -> str:
    """What follows every row's group when all the rows of one table or chart share a base:
    "among workplaces with an innovation", said once (in its caption or title) and left off
    the rows; "" when the bases differ, or none is named (``among``)."""
    words = {among(base) for base in bases}
    return words.pop() if len(words) == 1 else ""


def workplaces_of_type(workplace_type: str) -> str:
    """The workplace type in the plural, lower case, for use inside a sentence."""
    names = {
        WorkplaceType.PRIMARY_SCHOOL: _("primary and lower-secondary schools"),
        WorkplaceType.KINDERGARTEN: _("kindergartens"),
        WorkplaceType.UPPER_SECONDARY: _("upper-secondary schools"),
        WorkplaceType.NURSING_HOME: _("nursing homes"),
        WorkplaceType.HEALTH_CENTRE: _("health centres and school health services"),
        WorkplaceType.OTHER: _("workplaces of other types"),
    }
    return str(names.get(workplace_type, _("workplaces of other types")))


def _by_sector(workplace_types) -> tuple[list[Sector], set[str]]:
    """The sectors all of whose types are among ``workplace_types``, and those types."""
    wanted = set(workplace_types)
    sectors = [
        sector
        for sector in Sector
        if (members := {t for t, s in SECTOR_OF_WORKPLACE_TYPE.items() if s == sector}) and members <= wanted
    ]
    return sectors, {t for t, s in SECTOR_OF_WORKPLACE_TYPE.items() if s in sectors}


def types_in_words(workplace_types) -> str:
    """Workplace types as a sentence names them: whole sectors by their name ("the
    education and childhood sector and the health and care sector"), other types in the
    plural ("primary and lower-secondary schools and kindergartens")."""
    sectors, covered = _by_sector(workplace_types)
    names = [str(_("the %(sector)s sector") % {"sector": in_sentence(sector.label)}) for sector in sectors]
    names += [workplaces_of_type(t) for t in workplace_types if t not in covered]
    return str(get_text_list(names, _("and")))


def workplaces_in_words(workplace_types) -> str:
    """Whom a figure about all workplaces of some types is about: "workplaces in the
    health and care sector" for whole sectors, else the types by name ("primary and
    lower-secondary schools and kindergartens")."""
    _sectors, covered = _by_sector(workplace_types)
    if covered >= set(workplace_types):
        return str(_("workplaces in %(sectors)s") % {"sectors": types_in_words(workplace_types)})
    return types_in_words(workplace_types)
