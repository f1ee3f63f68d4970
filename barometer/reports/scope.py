"""How a published figure fits the group of workplaces it is set beside: one rule for every
page and file that sets a round's group beside a published figure (the statistics page and
its downloads, the findings page, and the national row of a workplace's or a self-test's
report, on the page and in the PDF).

A figure is judged only beside the group it was published for (``figure_scope``). Whether
it is judged or not, a group that holds workplace types the figure's edition did not ask
(all workplaces, a county or a size class beside KS 2018, which asked education and health
and care only: ``EDITION_COVERAGE``) says so beside the figure (``unasked_note``): a
difference may come from those workplaces alone. A claim of such an edition tested without
a figure of its own (the findings page's comparisons and breakdowns) says it under the claim,
of the group or groups in its table (``claim_note``). Every such note names the types as the
self-test's list names them and the edition by its publisher and year (``unasked_in_words``):
"workplaces of the type “Other workplace”, which KS did not survey in 2018", never "other
types, which this edition did not survey".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy, pgettext

from barometer.engine.groups import Filter
from barometer.engine.published import OTHER_SCOPE, WIDER_SCOPE
from barometer.formatting import types_in_words
from barometer.models import EDITION_COVERAGE, EDITION_PUBLISHER, ReferenceFigure
from surveys.models import WorkplaceType

#: The criteria that make a group part of the national population of its workplace types:
#: KS published national figures, so a county, a municipality size or a centrality class
#: is a part of the group a figure was published for, never that group itself.
PART_CRITERIA = ("size_class", "centrality", "county", "employees_band")

#: The note beside the group shown (the statistics and findings pages, whose figure sits in
#: the group's own row). A report, which shows several groups, says it in a paragraph of its
#: own under the published figures, naming the national row by the words the table shows
#: (``national_row_notes``): inside the 2018 figure's own item, "the national figure above"
#: was read as the 2018 figure, the one that leaves those workplaces out.
#: Every note's words come from ``unasked_in_words``: ``types`` the unasked types as the
#: self-test's list names them, each quoted; ``publisher`` and ``year`` the edition's.
_UNASKED = ngettext_lazy(
    "The group shown also includes workplaces of the type %(types)s, which %(publisher)s did not survey in %(year)s.",
    "The group shown also includes workplaces of the types %(types)s, which %(publisher)s did not survey in %(year)s.",
    "count",
)
#: The same in a downloaded file, where nothing is "shown".
_UNASKED_FILE = ngettext_lazy(
    "The group in this file also includes workplaces of the type %(types)s, which %(publisher)s did not survey in "
    "%(year)s.",
    "The group in this file also includes workplaces of the types %(types)s, which %(publisher)s did not survey in "
    "%(year)s.",
    "count",
)

#: The findings page's note under a claim tested without a figure of its edition beside it:
#: of the one group its table shows (all in the round, by factor), or of the several (two
#: rows compared, the parts of a breakdown).
_CLAIM = ngettext_lazy(
    "The group in the table also includes workplaces of the type %(types)s, which %(publisher)s did not survey "
    "in %(year)s.",
    "The group in the table also includes workplaces of the types %(types)s, which %(publisher)s did not survey "
    "in %(year)s.",
    "count",
)
_CLAIM_GROUPS = ngettext_lazy(
    "The groups in the table also include workplaces of the type %(types)s, which %(publisher)s did not survey "
    "in %(year)s.",
    "The groups in the table also include workplaces of the types %(types)s, which %(publisher)s did not survey "
    "in %(year)s.",
    "count",
)

#: The report's note under the published figures, for each edition that did not survey every
#: type (``EDITION_COVERAGE``): ``row`` is the national row's name as the table shows it.
_NATIONAL_ROW = ngettext_lazy(
    "The row “%(row)s” above also includes workplaces of the type %(types)s, which %(publisher)s did not survey "
    "in %(year)s, so a difference from the %(year)s figure may partly come from them.",
    "The row “%(row)s” above also includes workplaces of the types %(types)s, which %(publisher)s did not survey "
    "in %(year)s, so a difference from the %(year)s figure may partly come from them.",
    "count",
)


@dataclass(frozen=True)
class FigureScope:
    """How a published figure fits a group (``figure_scope``): ``verdict`` None when the
    figure was published for the group as it is, else the verdict that says why it is not
    compared (``OTHER_SCOPE``, ``WIDER_SCOPE``); ``note`` the words shown beside the figure."""

    verdict: str | None
    note: str = ""


def edition_unasked_types(edition: str, filter_: Filter) -> list[str]:
    """The workplace types the group can hold that ``edition`` did not survey
    (``EDITION_COVERAGE``), in a fixed order; empty for an edition that asked every type."""
    asked = EDITION_COVERAGE.get(edition)
    if asked is None:
        return []
    held = filter_.covered_types()
    return sorted((held if held is not None else set(WorkplaceType.values)) - asked)


def unasked_types(figure: ReferenceFigure, filter_: Filter) -> list[str]:
    """The workplace types the group can hold that the figure's edition did not survey, in a
    fixed order: "other" beside a KS 2018 figure about all workplaces, for all workplaces,
    a county, a size or a centrality class alike. Empty for a figure published for named
    types (its population names them) and for an edition that asked every type."""
    if figure.workplace_types:
        return []
    return edition_unasked_types(figure.edition, filter_)


def type_name(workplace_type: str) -> str:
    """The workplace type as the self-test's list names it ("Annen virksomhet")."""
    return str(dict(WorkplaceType.choices).get(workplace_type, workplace_type))


def unasked_in_words(edition: str, types: list[str]) -> dict[str, object]:
    """What every note about types an edition did not survey fills in: ``count`` (for the
    plural), ``types`` (each as the self-test's list names it, quoted: "“Other workplace”"),
    and the edition's ``publisher`` and ``year`` ("KS", "2018": ``EDITION_PUBLISHER``)."""
    publisher, year = EDITION_PUBLISHER[edition]
    quoted = [pgettext("a quoted name", "“%(name)s”") % {"name": type_name(t)} for t in types]
    return {"count": len(types), "types": get_text_list(quoted, _("and")), "publisher": publisher, "year": year}


def unasked_note(figure: ReferenceFigure, filter_: Filter, *, in_file: bool = False) -> str:
    """The sentence that says the group holds types the figure's edition did not survey
    (``unasked_types``), for the statistics and findings pages ("The group shown ..."), or
    with ``in_file`` for a downloaded file ("The group in this file ..."); "" when there are
    none."""
    types = unasked_types(figure, filter_)
    if not types:
        return ""
    return str((_UNASKED_FILE if in_file else _UNASKED) % unasked_in_words(figure.edition, types))


def claim_note(edition: str, filters) -> str:
    """The same for a published claim of ``edition`` that has no figure of its own to stand
    beside ("collaboration outside the municipality goes with better quality", a breakdown by
    centrality), tested on the groups of ``filters`` (the rows it compares, or the parts of a
    breakdown: "the groups in the table" when there are several): the types any of them can
    hold that the edition did not survey; "" when there are none (education against health
    and care beside KS 2018)."""
    filters = list(filters)
    types = sorted({t for filter_ in filters for t in edition_unasked_types(edition, filter_)})
    if not types:
        return ""
    return str((_CLAIM_GROUPS if len(filters) > 1 else _CLAIM) % unasked_in_words(edition, types))


def national_row_notes(figures) -> list[str]:
    """For each edition among ``figures`` that has a figure about all workplace types and did
    not survey every type the national row holds (KS 2018 and "other" workplaces), the
    sentence a report sets under its published figures: the row «Nationally» (named as the
    report's table names it; its base is said once, above the table) holds those types,
    named as the self-test names them."""
    notes = []
    for edition in sorted({figure.edition for figure in figures if not figure.workplace_types}):
        figure = next(f for f in figures if f.edition == edition and not f.workplace_types)
        types = unasked_types(figure, Filter())
        if types:
            notes.append(str(_NATIONAL_ROW % {**unasked_in_words(edition, types), "row": _("Nationally")}))
    return notes


def figure_scope(figure: ReferenceFigure, filter_: Filter) -> FigureScope | None:
    """How a published figure fits the group; None when it is about other types: published
    for other types, or from an edition that did not ask the group's types (KS 2018 beside
    a group of "other" workplaces only, ``EDITION_COVERAGE``).

    A figure is judged only beside the group it was published for, nationally, as on the
    findings page: the same workplace types (for a figure about all types, all workplaces;
    a group that also holds types its edition did not ask, all workplaces beside KS 2018, is
    compared as it is, as the method page says). Beside a group that also holds types the
    figure leaves out it is not compared (``OTHER_SCOPE``, with a note naming the types it
    was published for); beside a part of its group, fewer types ("4 in 10" for nursing homes
    and upper-secondary schools beside upper-secondary schools) or a county, a municipality
    size or a centrality class, it is not compared either (``WIDER_SCOPE``): a part may lie
    above or below the whole without contradicting it. Compared or a part, a group that
    holds types the edition did not ask says so (``unasked_note``)."""
    types = filter_.covered_types()
    published = set(figure.workplace_types) if figure.workplace_types else None
    asked = published if published is not None else figure.covered_types()
    if types is not None and asked is not None and not types & asked:
        return None
    if published is not None and (types is None or not types <= published):
        note = _("Published for %(types)s only.") % {"types": types_in_words(figure.workplace_types)}
        return FigureScope(OTHER_SCOPE, note)
    note = unasked_note(figure, filter_)
    # The group's types, within those the figure is about: fewer than all of them is a part.
    fewer_types = types is not None and (asked is None or not asked <= types)
    if fewer_types or any(name in filter_.active() for name in PART_CRITERIA):
        return FigureScope(WIDER_SCOPE, note)
    return FigureScope(None, note)


def scope_note(figure: ReferenceFigure, filter_: Filter) -> str:
    """The words ``figure_scope`` sets beside the figure for the group of ``filter_`` ("" for
    none, or for a figure about other types): the findings page's rows, each beside the
    figure published for it, say what the statistics page says."""
    scope = figure_scope(figure, filter_)
    return scope.note if scope is not None else ""


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

#: Counts up to ten as the advice spells them out ("Seks av ti", "six in ten"), in bokmål,
#: nynorsk and English, each with the digit a published wording writes ("6 av 10").
_COUNT_WORDS = {
    **dict.fromkeys(("en", "ett", "én", "ein", "eitt", "éin", "one"), "1"),
    **dict.fromkeys(("to", "two"), "2"),
    **dict.fromkeys(("tre", "three"), "3"),
    **dict.fromkeys(("fire", "four"), "4"),
    **dict.fromkeys(("fem", "five"), "5"),
    **dict.fromkeys(("seks", "six"), "6"),
    **dict.fromkeys(("sju", "syv", "seven"), "7"),
    **dict.fromkeys(("åtte", "eight"), "8"),
    **dict.fromkeys(("ni", "nine"), "9"),
    **dict.fromkeys(("ti", "ten"), "10"),
}
_COUNT = r"(\d+|" + "|".join(sorted(map(re.escape, _COUNT_WORDS), key=len, reverse=True)) + r")"
#: "x av y" / "x in y" / "x of y": only there is a word such as "to" or "ten" read as a count.
_COUNT_OF = re.compile(r"(?<![\w,.])" + _COUNT + r"\s+(av|in|of)\s+" + _COUNT + r"(?!\w)")


def _as_digits(text: str) -> str:
    """``text`` lower-cased, with non-breaking spaces as spaces and each count written out in
    words ("Seks av ti", "six in ten") in digits ("6 av 10", "6 in 10"), so that a published
    wording is found however the advice writes it."""

    def digits(match: re.Match) -> str:
        first, word, second = match.groups()
        return f"{_COUNT_WORDS.get(first, first)} {word} {_COUNT_WORDS.get(second, second)}"

    return _COUNT_OF.sub(digits, text.replace("\xa0", " ").lower())


def suggestion_for(indicator, workplace_type: str) -> str:
    """The indicator's advice ("From the barometer: …") as a report for a workplace of
    ``workplace_type`` quotes it: a sentence that quotes a published figure whose population
    leaves that type out (KS 2018's "88 %" to an "other" workplace, ``EDITION_COVERAGE``;
    a figure published for other types) is left out, as the tables leave the figure out, and
    the rest of the advice stands; "" when nothing is left. A figure is quoted when the
    sentence holds its wording in the active language ("88 %"), in any case and with a count
    in digits or words ("6 av 10" is quoted by "Seks av ti"). Without a type (a summary
    built for no workplace), the advice as written."""
    text = str(indicator.suggestion)
    if not workplace_type:
        return text
    foreign = [
        # "3 %" is not quoted by "13 %" or "2,3 %".
        re.compile(r"(?<![\d,.])" + re.escape(_as_digits(str(figure.wording))))
        for figure in indicator.reference_figures.all()
        if not figure.applies_to(workplace_type) and str(figure.wording).strip()
    ]
    if not text or not foreign:
        return text
    kept = [
        sentence
        for sentence in _SENTENCE_END.split(text.strip())
        if not any(wording.search(_as_digits(sentence)) for wording in foreign)
    ]
    return " ".join(kept)
