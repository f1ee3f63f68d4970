"""The one public rule (primary suppression), decided per group and base.

A group's figures on a base are published only if the base counts at least
``MIN_PUBLISHED`` workplaces in the group (5 besides any one respondent, who knows its own
answer), and, for every staff user who can read individual reports, the group's
workplaces on that base whose reports the user cannot read number 0 or at least
``MIN_UNKNOWN``. A base with no workplaces in the group is hidden the same way (so that
"none" is never told apart from "too few"). Hiding a group's count of all workplaces
hides every figure of the group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from barometer.engine.disclosure.model import Base, FinestCell, Group, RoundData

MIN_PUBLISHED = 6
MIN_UNKNOWN = 5


class Reason(StrEnum):
    """Why a group's figures on a base are hidden."""

    TOO_FEW = "too_few"  # the base has fewer than MIN_PUBLISHED workplaces in the group
    STAFF_KNOWLEDGE = "staff_knowledge"  # 1-4 workplaces unknown to a staff user with report access
    GROUP_HIDDEN = "group_hidden"  # the group's count of all workplaces is hidden
    SECONDARY = "secondary"  # publishing it would let a hidden figure be worked out

    @property
    def always_sensitive(self) -> bool:
        """Whether the hidden figure is sensitive for every viewer: only a base of fewer
        than ``MIN_PUBLISHED`` workplaces. A figure hidden for what one municipality knows
        (or with such a group) has at least 6 workplaces; it is sensitive only for a viewer
        who knows all but 1-4 of them, and each such viewer's own pass protects it."""
        return self is Reason.TOO_FEW


@dataclass(frozen=True)
class StaffKnowledge:
    """A staff user (or any viewer) who can read the individual reports of ``cells``."""

    name: str
    cells: frozenset[FinestCell]


Decisions = dict[tuple[str, str], Reason]  # (group key, base key) -> why hidden


def primary_suppression(data: RoundData, groups: list[Group], staff: list[StaffKnowledge] = ()) -> Decisions:
    """The hidden (group, base) pairs under the public rule, with the reason.

    Returns a dict keyed by (group key, base key); pairs not in it pass the rule.
    """
    cells = data.cells
    # Only a viewer who knows some of a group's cells can know all but 1-4 of its
    # workplaces: each cell lists the viewers who know it, so a group costs its members.
    viewers_of: dict[FinestCell, list[int]] = {}
    for index, viewer in enumerate(staff):
        for cell in viewer.cells:
            viewers_of.setdefault(cell, []).append(index)
    hidden: Decisions = {}
    for group in groups:
        members = [cell for cell in cells if group.contains(cell)]
        for base in data.bases:
            reason = _rule(data, base, members, viewers_of)
            if reason:
                hidden[(group.key, base.key)] = reason
        if (group.key, data.workplaces.key) in hidden:
            for base in data.bases[1:]:
                hidden.setdefault((group.key, base.key), Reason.GROUP_HIDDEN)
    return hidden


def rule_reason(count: int, known_by_viewer: Iterable[int]) -> Reason | None:
    """The public rule for a set of ``count`` workplaces of which each staff viewer knows
    the numbers in ``known_by_viewer``: TOO_FEW below ``MIN_PUBLISHED``, STAFF_KNOWLEDGE
    when some viewer knows all but 1 to ``MIN_UNKNOWN - 1``, else None (it may be shown).
    Groups, and the weighting strata whose size a weight tells, are held to it alike."""
    if count < MIN_PUBLISHED:
        return Reason.TOO_FEW
    if any(0 < count - known < MIN_UNKNOWN for known in known_by_viewer):
        return Reason.STAFF_KNOWLEDGE
    return None


def _rule(
    data: RoundData, base: Base, members: list[FinestCell], viewers_of: Mapping[FinestCell, list[int]]
) -> Reason | None:
    count = sum(data.values[cell].get(base.count, 0) for cell in members)
    known: dict[int, int] = {}
    for cell in members:
        for viewer in viewers_of.get(cell, ()):
            known[viewer] = known.get(viewer, 0) + data.values[cell].get(base.count, 0)
    return rule_reason(count, known.values())


def municipality_staff(data: RoundData, municipalities: Mapping[str, str] | None = None) -> list[StaffKnowledge]:
    """One viewer per municipality of the round, knowing all its workplaces' reports.

    ``municipalities`` maps a municipality number to a display name (the number is used
    when it is missing)."""
    names = municipalities or {}
    by_municipality: dict[str, set[FinestCell]] = {}
    for cell in data.cells:
        by_municipality.setdefault(cell.municipality, set()).add(cell)
    return [
        StaffKnowledge(names.get(number, f"municipality {number}"), frozenset(cells))
        for number, cells in sorted(by_municipality.items())
    ]
