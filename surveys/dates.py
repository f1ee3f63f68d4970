"""Dates and times as people read them: computed in Europe/Oslo and saying what they mean.

A round that closes at midnight, 15 December 00:00, takes answers until and including
14 December: people read "open until 15 December" as "the 15th too", so a deadline at
midnight is always given as the last day answers are taken ("til og med 14. desember");
any other deadline is given with its exact time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

#: Where the barometer is run and answered; every date shown or downloaded is in this zone.
OSLO = ZoneInfo("Europe/Oslo")


def in_oslo(moment: datetime) -> datetime:
    """An aware datetime as Oslo's wall-clock time."""
    return timezone.localtime(moment, OSLO)


def last_answer_day(closes_at: datetime) -> date:
    """The last day (Oslo) on which answers are taken: the day before when closing at 00:00."""
    local = in_oslo(closes_at)
    return local.date() - timedelta(days=1) if local.time() == time(0) else local.date()


def closes_at_midnight(closes_at: datetime) -> bool:
    """Whether a deadline falls at 00:00 Oslo time (so the day before is the last day)."""
    return in_oslo(closes_at).time() == time(0)


def exact_time(moment: datetime) -> str:
    """``15. desember 2026 kl. 12:00``: a date with its Oslo time, for an exact moment."""
    local = in_oslo(moment)
    return _("%(date)s at %(time)s") % {"date": date_format(local, "DATE_FORMAT"), "time": time_format(local, "H:i")}


def deadline(closes_at: datetime) -> str:
    """How long answers are taken, to follow "open": "until and including 14 December 2026"
    for a midnight deadline, else "until 15 December 2026 at 12:00"."""
    if closes_at_midnight(closes_at):
        return _("until and including %(date)s") % {"date": date_format(last_answer_day(closes_at), "DATE_FORMAT")}
    return _("until %(moment)s") % {"moment": exact_time(closes_at)}
