"""Template filters for dates people read: ``{{ round.closes_at|deadline }}`` ("until and
including 14 December 2026") and ``{{ moment|exact_time }}`` ("15 December 2026 at 08:00"),
both in Europe/Oslo. See ``surveys.dates``."""

from django import template

from .. import dates

register = template.Library()


@register.filter
def deadline(closes_at):
    return dates.deadline(closes_at) if closes_at else ""


@register.filter
def exact_time(moment):
    return dates.exact_time(moment) if moment else ""


@register.filter
def last_answer_day(closes_at):
    return dates.last_answer_day(closes_at) if closes_at else None
