"""How a published figure fits the group of workplaces it is set beside: one rule for every
page and file that sets a round's group beside a published figure (the statistics page and
its downloads, the findings page, and the national row of a workplace's or a self-test's
report, on the page and in the PDF).

A figure is judged only beside the group it was published for (``figure_scope``). Whether
it is judged or not, a group that holds workplace types the figure's edition did not ask
(all workplaces, a county or a size class beside KS 2018, which asked education and health
and care only: ``EDITION_COVERAGE``) says so beside the figure (``unasked_note``): a
difference may come from those workplaces alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barometer.engine.groups import Filter
from barometer.engine.published import OTHER_SCOPE, WIDER_SCOPE
from barometer.formatting import types_in_words, workplaces_of_type
from barometer.models import ReferenceFigure
from surveys.models import WorkplaceType

#: The criteria that make a group part of the national population of its workplace types:
#: KS published national figures, so a county, a municipality size or a centrality class
#: is a part of the group a figure was published for, never that group itself.
PART_CRITERIA = ("size_class", "centrality", "county", "employees_band")

#: Where the note stands: beside the group shown (the statistics and findings pages, whose
#: figure sits in the group's own row), or under the national row of a report, which shows
#: several groups and sets the figures about all workplace types beside the national one.
GROUP_SHOWN, NATIONAL_ROW = "group_shown", "national_row"
_UNASKED = {
    GROUP_SHOWN: gettext_lazy("The group shown also holds %(types)s, which this edition did not ask."),
    NATIONAL_ROW: gettext_lazy("The national figure above also covers %(types)s, which this edition did not ask."),
}


@dataclass(frozen=True)
class FigureScope:
    """How a published figure fits a group (``figure_scope``): ``verdict`` None when the
    figure was published for the group as it is, else the verdict that says why it is not
    compared (``OTHER_SCOPE``, ``WIDER_SCOPE``); ``note`` the words shown beside the figure."""

    verdict: str | None
    note: str = ""


def unasked_types(figure: ReferenceFigure, filter_: Filter) -> list[str]:
    """The workplace types the group can hold that the figure's edition did not ask, in a
    fixed order: "other" beside a KS 2018 figure about all workplaces, for all workplaces,
    a county, a size or a centrality class alike. Empty for a figure published for named
    types (its population names them) and for an edition that asked every type."""
    if figure.workplace_types:
        return []
    asked = figure.covered_types()
    if asked is None:
        return []
    held = filter_.covered_types()
    return sorted((held if held is not None else set(WorkplaceType.values)) - asked)


def unasked_note(figure: ReferenceFigure, filter_: Filter, *, beside: str = GROUP_SHOWN) -> str:
    """The sentence that says the group holds types the figure's edition did not ask
    (``unasked_types``), worded for where it stands (``beside``: ``GROUP_SHOWN`` or
    ``NATIONAL_ROW``); "" when there are none."""
    types = unasked_types(figure, filter_)
    if not types:
        return ""
    return str(_UNASKED[beside]) % {"types": get_text_list([workplaces_of_type(t) for t in types], _("and"))}


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
