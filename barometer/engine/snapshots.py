"""Reading published figures: ``PublishedFigures`` answers like ``RoundFigures`` from a
``PublishedSnapshot`` (see ``barometer.publishing`` and docs/disclosure.md).

Every page the public and municipality staff read takes its figures from here, so a page
cannot show anything the snapshot's audit did not check: a group of the fixed set is read
as published (hidden figures stay hidden), and any other group is answered as hidden, with
the same words as a small group. Figures never change after publishing, so fetching a group
before and after somebody submits tells nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property

from barometer.engine.disclosure.model import Group
from barometer.engine.figures import Figure, GroupFigures, ResolvedIndicator, WeightingState, resolved_indicators
from barometer.engine.groups import Filter
from barometer.engine.stats import Estimate, Suppressed
from barometer.models import PublishedSnapshot
from surveys.models import SECTOR_OF_WORKPLACE_TYPE, Round, RoundKind
from surveys.statements import Correlated, Prepared

#: Every hidden figure reads alike, whatever hid it (a small group, a protecting
#: suppression, a base with no workplaces, a group outside the fixed set): a page must not
#: tell "none" from "too few".
HIDDEN = Estimate(n=0, value=None, low=None, high=None, suppressed=Suppressed.TOO_FEW)


def group_key(filter_: Filter) -> str | None:
    """The fixed-set key (``barometer.engine.disclosure.Group.key``) of the group a staff or
    report filter selects, or None when the filter is not one group of the fixed set's shape.

    A sector given together with a workplace type of that sector is the type alone (the same
    workplaces described twice); a type outside the sector selects nobody (None).
    """
    active = filter_.active()
    if "workplace_type" in active and "workplace_types" in active:
        return None
    workplace_type = active.get("workplace_type") or active.get("workplace_types")
    sector = active.get("sector")
    if sector and workplace_type:
        types = [workplace_type] if isinstance(workplace_type, str) else list(workplace_type)
        if any(str(SECTOR_OF_WORKPLACE_TYPE.get(t, "")) != sector for t in types):
            return None
        sector = None
    group = Group.of(
        sector=sector,
        workplace_type=list(workplace_type) if isinstance(workplace_type, tuple) else workplace_type,
        size_class=active.get("size_class"),
        centrality=active.get("centrality"),
        county=active.get("county"),
        employees_band=active.get("employees_band"),
    )
    return group.key


def is_fixed_set_shape(filter_: Filter) -> bool:
    """Whether a staff filter is a combination the fixed set publishes: nothing, one of
    sector, workplace type, size class, centrality class or county, or a workplace type with
    one of size class, centrality class or county (docs/disclosure.md)."""
    key = group_key(filter_)
    if key is None:
        return False
    dimensions = [] if key == "national" else [part.split("=")[0] for part in key.split(";")]
    if len(dimensions) <= 1:
        return True
    return len(dimensions) == 2 and dimensions[0] == "workplace_type"


class PublishedFigures:
    """The figures of one ``PublishedSnapshot``, answered like ``RoundFigures``.

    ``group(filter_)`` gives a ``GroupFigures`` whose ``responses`` is None when the group is
    hidden or not published and whose every ``Figure`` is shown as published or hidden
    (``HIDDEN``). ``resolved`` gives the indicators' names and bases (resolved for the
    round's question set when not passed; two queries). No further queries.
    """

    def __init__(self, snapshot: PublishedSnapshot, resolved: list[ResolvedIndicator] | None = None):
        self.snapshot = snapshot
        self.round = snapshot.round
        self._resolved = resolved
        self._entries: Mapping[str, dict] = {entry["key"]: entry for entry in snapshot.figures["groups"]}

    @classmethod
    def latest(cls, round_: Round | None, resolved: list[ResolvedIndicator] | None = None) -> PublishedFigures | None:
        """The latest edition of ``round_``'s published results, or None (one query)."""
        if round_ is None:
            return None
        snapshot = PublishedSnapshot.objects.latest_for(round_.pk)
        if snapshot is None:
            return None
        snapshot.round = round_  # already loaded: no query for it
        return cls(snapshot, resolved)

    @cached_property
    def resolved(self) -> list[ResolvedIndicator]:
        if self._resolved is not None:
            return self._resolved
        return resolved_indicators(self.round.question_set_id)

    @cached_property
    def by_key(self) -> dict[str, ResolvedIndicator]:
        return {item.spec.key: item for item in self.resolved}

    @property
    def edition(self) -> int:
        return self.snapshot.edition

    @property
    def is_weighted(self) -> bool:
        return bool(self.snapshot.figures.get("weighted"))

    @property
    def weighting_state(self) -> WeightingState:
        """Published figures are weighted as they were published; a reader cannot turn it off."""
        return WeightingState(
            weighted=self.is_weighted,
            available=self.is_weighted,
            source=None,
            left_out_share=float(self.snapshot.figures.get("left_out_share") or 0.0),
        )

    def publishes(self, filter_: Filter) -> bool:
        """Whether the filter is a group of the snapshot (shown or hidden)."""
        key = group_key(filter_)
        return key is not None and key in self._entries

    def group(self, filter_: Filter) -> GroupFigures:
        """Every figure of the group as published; all hidden for a group the snapshot does
        not hold."""
        key = group_key(filter_)
        entry = self._entries.get(key) if key is not None else None
        figures = {}
        for item in self.resolved:
            published = (entry or {}).get("indicators", {}).get(item.spec.key)
            if entry is None or entry["hidden"] or published is None or published["hidden"]:
                estimate = HIDDEN
            else:
                estimate = Estimate(
                    n=published["n"],
                    value=published["value"],
                    low=published["low"],
                    high=published["high"],
                    effective_n=published.get("effective_n"),
                )
            figures[item.spec.key] = Figure(item.spec.key, estimate, item.base, self.is_weighted, item.spec.is_share)
        responses = entry["workplaces"] if entry is not None and not entry["hidden"] else None
        return GroupFigures(filter_, responses, figures)


#: Every report during fieldwork asks for it: one query written once.
_LATEST_PUBLISHED = Prepared(
    "surveys.Round",
    ("question_set",),
    "{kind} = %s AND {results_published_at} IS NOT NULL",
    "{closes_at} DESC, {id} DESC",
)


def latest_published_round() -> Round | None:
    """The latest national round whose results are published (for the self-test), or None."""
    return _LATEST_PUBLISHED.first([RoundKind.NATIONAL.value])


#: Where a response read with ``LATEST_PUBLISHED_ROUND_ID`` keeps that id (None: no round
#: is published).
LATEST_PUBLISHED_ID = "_latest_published_round_id"


def _latest_published_id(connection, key: None) -> str:
    """``latest_published_round``'s id as a subquery that stands alone, written for
    ``connection`` from the model's columns (the same order: closing date, then id)."""
    quote, meta = connection.ops.quote_name, Round._meta

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    # The kind is a fixed word of ours ("national"), not input: written as a literal, the
    # column needs no parameter of its own.
    return (
        f"SELECT {column('id')} FROM {quote(meta.db_table)} WHERE {column('kind')} = '{RoundKind.NATIONAL.value}'"
        f" AND {column('results_published_at')} IS NOT NULL ORDER BY {column('closes_at')} DESC, {column('id')} DESC"
        " LIMIT 1"
    )


#: The latest published national round's id, read with a respondent's link in its statement
#: (``surveys.links.find_link``'s ``response_columns``): a report during fieldwork compares
#: with that round, and asking for it was a round trip of its own on every report.
LATEST_PUBLISHED_ROUND_ID = Correlated("", LATEST_PUBLISHED_ID, _latest_published_id, keyed=False)


__all__ = [
    "HIDDEN",
    "LATEST_PUBLISHED_ID",
    "LATEST_PUBLISHED_ROUND_ID",
    "PublishedFigures",
    "group_key",
    "is_fixed_set_shape",
    "latest_published_round",
]
