"""Dates and times as people read them: computed in Europe/Oslo and saying what they mean.

A round that closes at midnight, 15 December 00:00, takes answers until and including
14 December: people read "open until 15 December" as "the 15th too", so a deadline at
midnight is always given as the last day answers are taken ("til og med 14. desember");
any other deadline is given with its exact time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

#: Where the barometer is run and answered; every date shown or downloaded is in this zone.
OSLO = ZoneInfo("Europe/Oslo")


def in_oslo(moment: datetime) -> datetime:
    """An aware datetime as Oslo's wall-clock time."""
    return timezone.localtime(moment, OSLO)


def on_the_calendar(moment: datetime | None) -> None:
    """A validator for a moment typed in: its year on Oslo's clock is from 2 to 9999. The
    calendar of a ``datetime`` starts in the year 1, and a moment early on 1 January of
    the year 1 in Oslo lies before it in UTC, where the database stores it (an
    ``OverflowError``, a 500, on saving)."""
    if moment is None:
        return
    try:
        moment.astimezone(UTC)
        year = in_oslo(moment).year
    except OverflowError:
        year = 1
    if year < 2:
        raise ValidationError(
            gettext_lazy("Choose a date from the year 2 up to and including the year 9999."), code="calendar"
        )


def shifted(moment: datetime, delta: timedelta) -> datetime | None:
    """``moment + delta``, or None when that lies beyond the dates a ``datetime`` holds (the
    years 1 to 9999), in UTC or on Oslo's clock, where every date is shown. Dates typed into
    the admin reach to 31 December 9999, so any arithmetic on them can leave the calendar
    (an ``OverflowError``: a 500 in the admin or on the page)."""
    try:
        moment = moment + delta
        in_oslo(moment)
    except OverflowError:
        return None
    return moment


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
    for a midnight deadline, else "until 15 December 2026 at 12:00", in the active language.

    Kept per deadline and language (a round has one deadline, and the welcome page of every
    respondent says it; formatting it took about a twentieth of that page's time)."""
    return _deadline_in(closes_at, get_language())


@lru_cache(maxsize=1024)
def _deadline_in(closes_at: datetime, language: str | None) -> str:
    """``deadline`` for the language that is active: ``language`` is only the cache's key."""
    if closes_at_midnight(closes_at):
        return _("until and including %(date)s") % {"date": date_format(last_answer_day(closes_at), "DATE_FORMAT")}
    return _("until %(moment)s") % {"moment": exact_time(closes_at)}


_DEADLINE_SETTINGS = frozenset(
    {"LANGUAGE_CODE", "LANGUAGES", "LOCALE_PATHS", "FORMAT_MODULE_PATH", "DATE_FORMAT", "TIME_FORMAT", "USE_I18N"}
)


@receiver(setting_changed)
def _forget_deadlines(*, setting: str, **kwargs) -> None:
    """A changed language or format setting (in tests) changes how a deadline is written."""
    if setting in _DEADLINE_SETTINGS:
        _deadline_in.cache_clear()
