"""Which national round the statistics pages and files show, and whether its figures are final.

A round's figures are final once its fieldwork is over: it has closed, or its results are
published (publishing needs a closed round). Until then every answer that comes in moves
them, and so does the change since the previous round. The statistics pages, their chart
and their files (``AggregateFilterForm``) show, unless a round is chosen, the latest round
whose figures are final for the reader: closed or published for analysts and admins, who
read live figures; published for municipality staff, who read published snapshots only. A
round in fieldwork can still be chosen, and is then called preliminary wherever it is shown.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.dates import deadline
from surveys.models import Round


def is_preliminary(round_: Round, at=None) -> bool:
    """Whether ``round_``'s figures may still change: its fieldwork is not over (it takes
    answers, or has not opened yet) and its results are not published."""
    return not round_.results_published and not round_.has_closed(at)


def default_round(rounds: QuerySet[Round], *, published_only: bool) -> Round | None:
    """The round to show when none is chosen, among ``rounds``: the latest (by closing
    date) whose figures are final for the reader, published ones only for readers of
    published results (``published_only``). Without such a round, the latest that has
    opened, then the latest of all, as before (they are then shown as preliminary)."""
    now = timezone.now()
    final = Q(results_published_at__isnull=False)
    if not published_only:
        final |= Q(closes_at__lte=now)
    return (
        rounds.filter(final).order_by("-closes_at", "-pk").first()
        or rounds.filter(opens_at__lte=now).order_by("-opens_at", "-pk").first()
        or rounds.order_by("-opens_at", "-pk").first()
    )


def round_choice_label(round_: Round) -> str:
    """The round's name in a list to choose from, marked when its figures are preliminary.
    The mark comes first: a phone shows only the start of a closed list's choice."""
    if not is_preliminary(round_):
        return round_.localized_name
    state = _("Not open yet") if round_.has_not_opened() else _("Preliminary")
    return _("%(state)s – %(round)s") % {"round": round_.localized_name, "state": state}


def round_status(round_: Round) -> str:
    """Whether the figures of ``round_`` are final, in words for a file (each row of a CSV
    and the file's description)."""
    if is_preliminary(round_):
        return _("Preliminary: the round accepts answers %(deadline)s, so its figures may change.") % {
            "deadline": deadline(round_.closes_at)
        }
    return _("Final: the round's fieldwork is over.")
