"""Disclosure control for published figures: the fixed set of groups, the public rule,
secondary suppression by Gaussian elimination and a separate exact audit.

Pure: plain values in and out, no database. See docs/disclosure.md.
"""

from barometer.engine.disclosure.audit import PUBLIC, AuditResult, HiddenFigure, Leak, ShownFigure, Viewer, audit
from barometer.engine.disclosure.gauss import Suppression, candidate_order, secondary_suppression
from barometer.engine.disclosure.model import (
    Base,
    FinestCell,
    Group,
    Quantity,
    RoundData,
    fixed_groups,
    linear_relations,
)
from barometer.engine.disclosure.publication import figures_of, naive_suppression
from barometer.engine.disclosure.rule import (
    MIN_PUBLISHED,
    MIN_UNKNOWN,
    Reason,
    StaffKnowledge,
    municipality_staff,
    primary_suppression,
)

__all__ = [
    "MIN_PUBLISHED",
    "MIN_UNKNOWN",
    "PUBLIC",
    "AuditResult",
    "Base",
    "FinestCell",
    "Group",
    "HiddenFigure",
    "Leak",
    "Quantity",
    "Reason",
    "RoundData",
    "ShownFigure",
    "StaffKnowledge",
    "Suppression",
    "Viewer",
    "audit",
    "candidate_order",
    "figures_of",
    "fixed_groups",
    "linear_relations",
    "municipality_staff",
    "naive_suppression",
    "primary_suppression",
    "secondary_suppression",
]
