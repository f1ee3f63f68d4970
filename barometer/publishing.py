"""Publishing a round's results: one snapshot of figures for every group of the fixed set,
computed once, protected by the public rule and secondary suppression, audited, stored and
never changed (see docs/disclosure.md).

``snapshot_figures`` is the one place the snapshot's numbers come from; it reads them from
the engine's front door (``RoundFigures``) without any suppression, so that the suppression
decided here is the only one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from barometer.engine.disclosure import (
    MIN_PUBLISHED,
    PUBLIC,
    Group,
    RoundData,
    ShownFigure,
    Suppression,
    Viewer,
    audit,
    figures_of,
    fixed_groups,
    municipality_staff,
    secondary_suppression,
)
from barometer.engine.disclosure.gauss import KnownAlready
from barometer.engine.disclosure.rounds import (
    FINDINGS_GROUPS,
    failing_strata,
    finest_cell_of,
    round_data,
    stratum_rule,
)
from barometer.engine.figures import RoundFigures
from barometer.engine.stats import Estimate
from barometer.engine.suppression import NoSuppression
from barometer.models import PublishedSnapshot
from surveys.models import Round
from surveys.services.answering import bump_data_versions_on_commit

SNAPSHOT_FORMAT = 1


class PublishError(Exception):
    """Publishing was refused; ``problems`` says why (for an audit failure: every cell or
    group that could be worked out, and by whom)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class GroupFigures:
    responses: int
    estimates: dict[str, Estimate]


def snapshot_figures(figures: RoundFigures, groups: list[Group]) -> dict[str, GroupFigures]:
    """Every group's number of workplaces and every indicator's estimate, unsuppressed, read
    through ``RoundFigures`` (weighted as the round is). Keyed by group key."""
    result = {}
    for group in groups:

        def keep(cell, group=group):
            return group.contains(finest_cell_of(cell))

        responses, computed = figures.unsuppressed_where(keep)
        result[group.key] = GroupFigures(responses, {key: figure.estimate for key, figure in computed.items()})
    return result


def _number(value):
    return None if value is None else round(float(value), 6)


def build_snapshot(round_: Round) -> tuple[dict, RoundData, Suppression, dict[str, str]]:
    """The snapshot's figures (JSON-ready), with the disclosure input and decisions."""
    # The findings' own specs are published (and audited) with the indicators, so that the
    # findings page of municipality staff reads them from the snapshot too.
    from barometer.reports.findings import extra_specs

    # A weight N/n tells a stratum's n to anyone who knows N: every weighting stratum of a
    # snapshot must pass the rule a published group passes (small strata are merged). A
    # round too small for that even merged is published unweighted (and says so).
    def engine_for(weighted: bool) -> RoundFigures:
        return RoundFigures(
            round_,
            weighted=weighted,
            suppression=NoSuppression(),
            extra_specs=extra_specs(),
            min_stratum_respondents=max(settings.BAROMETER_MIN_STRATUM_RESPONDENTS, MIN_PUBLISHED),
            stratum_rule=stratum_rule(round_) if weighted else None,
        )

    engine = engine_for(weighted=True)
    data, indicator_base = round_data(round_, engine.resolved, engine.weighting)
    if engine.weighting is not None and failing_strata(data):
        engine = engine_for(weighted=False)
        data, indicator_base = round_data(round_, engine.resolved, None)
    resolved, weighting = engine.resolved, engine.weighting
    groups = fixed_groups(data.cells, FINDINGS_GROUPS)
    suppression = secondary_suppression(data, groups, municipality_staff(data))
    computed = snapshot_figures(engine, groups)
    workplaces = data.workplaces
    bases = {base.key: base for base in data.bases}
    figures_by_group = []
    for group in groups:
        figures = computed[group.key]
        checked = data.total(group, workplaces.count)
        if figures.responses != checked:
            raise PublishError(
                [
                    f"{group.label}: the engine counts {figures.responses} workplaces, the check counts {checked}; "
                    "publish again once no answer is being saved"
                ]
            )
        group_reason = suppression.reason(group, workplaces)
        indicators = {}
        for item in resolved:
            key = item.spec.key
            base = bases[indicator_base[key]]
            reason = suppression.reason(group, base)
            found = figures.estimates[key]
            if reason is None:
                indicators[key] = {
                    "base": base.key, "n": found.n, "value": _number(found.value),
                    "low": _number(found.low), "high": _number(found.high), "hidden": False, "reason": None,
                    "effective_n": _number(found.effective_n) if engine.is_weighted else None,
                }  # fmt: skip
            else:
                indicators[key] = {"base": base.key, "n": None, "value": None, "low": None, "high": None,
                                   "hidden": True, "reason": str(reason)}  # fmt: skip
        figures_by_group.append(
            {
                "key": group.key,
                "label": group.label,
                "criteria": {dimension: sorted(values, key=str) for dimension, values in group.criteria},
                "workplaces": None if group_reason else figures.responses,
                # Pages say one thing for every hidden figure ("not shown", NOT_SHOWN):
                # the reason is for the admin, since "hidden to protect another" would
                # tell that the group itself is large.
                "hidden": group_reason is not None,
                "reason": str(group_reason) if group_reason else None,
                "indicators": indicators,
            }
        )
    snapshot = {
        "format": SNAPSHOT_FORMAT,
        "round": round_.slug,
        "weighted": weighting is not None,
        # The share (0-1) of the population in strata without answers, which the reports name.
        "left_out_share": engine.weighting_state.left_out_share if weighting is not None else 0.0,
        "bases": [
            {"key": b.key, "indicators": sorted(k for k, v in indicator_base.items() if v == b.key)} for b in data.bases
        ],
        "groups": figures_by_group,
    }
    return snapshot, data, suppression, indicator_base


def audit_snapshot(
    data: RoundData, suppression: Suppression, previous: list[dict], snapshot: dict
) -> tuple[list[str], dict]:
    """Audit the decisions for the public, every respondent and every municipality, together
    with the figures of ``previous`` editions; returns (problems, summary). Every figure an
    earlier edition showed must also be unchanged in the new edition's ``snapshot``
    (``figures_changed_between_editions``).

    An earlier edition's figure is added to the audit on the base its indicator has now
    (``snapshot["bases"]``), not by the base key stored with it: a base's key is the name of
    the first indicator that has it, so an indicator added since can give the same workplaces
    another key, or an old key to other workplaces."""
    shown, hidden = figures_of(data, suppression)
    # Figures an earlier edition showed are known to everybody, for good.
    groups = {group.key: group for group in suppression.groups}
    bases = {base.key: base for base in data.bases}
    base_of_indicator = {indicator: entry["key"] for entry in snapshot["bases"] for indicator in entry["indicators"]}
    for edition in previous:
        for entry in edition["groups"]:
            group = groups.get(entry["key"])
            if group is None or entry["workplaces"] is None:
                continue
            # An indicator shown then that is gone now is refused by figures_changed_between_editions.
            shown_bases = {
                base_of_indicator[key]
                for key, value in entry["indicators"].items()
                if not value["hidden"] and key in base_of_indicator
            }
            for base_key in {data.workplaces.key, *shown_bases}:
                base = bases[base_key]
                for quantity in base.quantities:
                    shown.extend(ShownFigure(group, quantity, p) for p in data.powers(base, quantity))
    viewers = [PUBLIC]
    viewers += [Viewer(f"a respondent in {cell.name}", own_cell=cell) for cell in data.cells]
    viewers += [Viewer(staff.name, known=staff.cells) for staff in municipality_staff(data)]
    result = audit(data, shown, hidden, viewers)
    problems = [f"{leak.viewer} can work out {leak.subject} ({leak.quantity})" for leak in result.leaks]
    changed = _changes_between_editions(data, groups, previous) + figures_changed_between_editions(snapshot, previous)
    if changed:
        problems.append(
            "a new edition may show more, but not change what an earlier edition showed (answers deleted, or the "
            "register changed, since it was published?); it would change:"
        )
        problems += changed
    return problems, {"viewers": result.viewers, "rows": result.rows, "passed": not problems}


def _changes_between_editions(data: RoundData, groups: dict[str, Group], previous: list[dict]) -> list[str]:
    """Every group an earlier edition showed must have the same number of workplaces now:
    the difference of two editions' counts is a count of the workplaces that changed, which
    no audit of one edition covers (see ``figures_changed_between_editions``)."""
    problems, named = [], set()
    for edition in reversed(previous):  # the latest first; a group shown in several is named once
        number = edition.get("edition", "?")
        for entry in edition["groups"]:
            if entry["workplaces"] is None or entry["key"] in named:
                continue
            named.add(entry["key"])
            group = groups.get(entry["key"])
            now = data.total(group, data.workplaces.count) if group is not None else 0
            if now != entry["workplaces"]:
                change = abs(now - entry["workplaces"])
                problems.append(f"{entry['label']} changed by {change} workplaces since edition {number}")
    return problems


def figures_changed_between_editions(snapshot: dict, previous: list[dict]) -> list[str]:
    """The figures an earlier edition in ``previous`` showed that ``snapshot`` (a new
    edition, as ``build_snapshot`` makes it) would change or leave out; one problem (a
    sentence for the admin) per figure. A new edition may show more (a figure hidden before,
    an indicator added) and hide more, but it may not change what was shown.

    Set side by side, two editions of a figure describe the workplaces that changed between
    them, and the audit of one edition cannot check that: it knows the answers as they are
    now, not as they were. An answer deleted on request takes one workplace out of a base
    and the two shares and their n tell that answer; five changed workplaces of which a
    municipality's staff know four give away the fifth; a figure that moved with the same n
    hides how many changed it. An indicator shown before must still be there under its key:
    a renamed or replaced indicator would otherwise escape the comparison. Groups' numbers
    of workplaces are compared by ``_changes_between_editions``.
    """
    problems, named = [], set()
    current = {group["key"]: group for group in snapshot["groups"]}
    for edition in reversed(previous):  # the latest first; a figure shown in several is named once
        number = edition.get("edition", "?")
        for entry in edition["groups"]:
            group = current.get(entry["key"])
            if group is None or entry["workplaces"] is None:
                continue  # a group with no answers now: _changes_between_editions names it
            for key, before in entry["indicators"].items():
                if before["hidden"] or (entry["key"], key) in named:
                    continue
                named.add((entry["key"], key))
                after = group["indicators"].get(key)
                if after is None:
                    problems.append(f"{entry['label']}: {key}, shown in edition {number}, is not in the new edition")
                elif not after["hidden"] and any(after[name] != before[name] for name in ("n", "value", "low", "high")):
                    problems.append(
                        f"{entry['label']}: {key} would differ from edition {number}"
                        f" (n {before['n']} -> {after['n']}, value {before['value']} -> {after['value']})"
                    )
    return problems


def publish_round(round_: Round, *, published_by: str = "", now=None) -> tuple[PublishedSnapshot, float]:
    """Publish the next edition of ``round_``'s results; returns it and the seconds taken.

    Raises ``PublishError`` when the round is still open, or when the audit finds a
    sensitive count that someone could work out (nothing is stored then).
    """
    now = now or timezone.now()
    if round_.closes_at > now:
        raise PublishError([f"round {round_.slug} is still open; publish its results once it has closed"])
    started = time.monotonic()
    try:
        snapshot, data, suppression, _bases = build_snapshot(round_)
    except KnownAlready as error:
        raise PublishError(
            [f"{error}: a viewer knows it before any figure is shown (its own workplaces, or the size of a "
             "weighting stratum), so no suppression can protect it"]
        ) from None  # fmt: skip
    if not data.cells:
        raise PublishError([f"round {round_.slug} has no submitted answers to publish"])
    previous = [s.figures for s in PublishedSnapshot.objects.filter(round=round_).order_by("edition")]
    problems, summary = audit_snapshot(data, suppression, previous, snapshot)
    if problems:
        raise PublishError(problems)
    summary["seconds"] = round(time.monotonic() - started, 2)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        edition = PublishedSnapshot.objects.filter(round=locked).order_by("-edition").first() or None
        number = edition.edition + 1 if edition else 1
        snapshot["edition"] = number
        created = PublishedSnapshot.objects.create(
            round=locked, edition=number, published_at=now, published_by=published_by, figures=snapshot, audit=summary
        )
        if locked.results_published_at is None:
            locked.results_published_at = now
            locked.save(update_fields=["results_published_at"])
        round_.results_published_at = locked.results_published_at
        # Cached pages of the round are rebuilt from the new edition.
        bump_data_versions_on_commit([round_.pk])
    return created, summary["seconds"]
