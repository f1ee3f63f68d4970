"""From suppression decisions to the shown and hidden figures the audit reads."""

from __future__ import annotations

from barometer.engine.disclosure.audit import HiddenFigure, ShownFigure
from barometer.engine.disclosure.gauss import Suppression
from barometer.engine.disclosure.model import Group, RoundData
from barometer.engine.disclosure.rule import StaffKnowledge, primary_suppression


def figures_of(data: RoundData, suppression: Suppression) -> tuple[list[ShownFigure], list[HiddenFigure]]:
    """Every number a publication shows (one per group, quantity and weight power) and
    every figure it hides, as the audit reads them."""
    shown: list[ShownFigure] = []
    hidden: list[HiddenFigure] = []
    for group in suppression.groups:
        for base in data.bases:
            reason = suppression.reason(group, base)
            for quantity in base.quantities:
                if reason is None:
                    shown.extend(ShownFigure(group, quantity, power) for power in data.powers(base, quantity))
                else:
                    hidden.append(HiddenFigure(group, quantity, reason.always_sensitive))
    return shown, hidden


def naive_suppression(data: RoundData, groups: list[Group], staff: list[StaffKnowledge] = ()) -> Suppression:
    """The public rule alone, without secondary suppression: what the audit must reject."""
    return Suppression(groups=list(groups), hidden=primary_suppression(data, groups, staff))
