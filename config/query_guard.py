"""Query parameters are checked before anything reaches the database.

PostgreSQL refuses a text with a NUL byte ("A string literal cannot contain NUL (0x00)
characters"), so ``?round=%00`` on an export or a list filter in the admin used to end in
500. Every view reads its parameters through a form or a converter that validates them;
this middleware is the common first line: a query string whose names or values contain a
NUL byte or another control character than tab, line feed and carriage return, or a value
longer than ``MAX_QUERY_VALUE_LENGTH`` characters, is answered with 400 before any view runs.

The same goes for a date part (a name ending in ``__year``, ``__month`` or ``__day``, as the
admin's ``date_hierarchy`` and date filters use) that is a whole number outside -9999..9999:
Django's admin turns a non-number into its ``?e=1`` page, but passes a huge number to
``datetime()``, which raises ``OverflowError`` (a 500) instead of ``ValueError``. Checked
here, it holds for every admin, ours and third-party ones (axes' access logs). A year must
also leave a year on either side (2 to 9998): the admin asks for the year after the one
shown, and a moment in year 1 in Norway is in year 0 in UTC, so both overflowed too (``?
started_at__year=1`` and ``=9999``, also written in full-width digits, ``１``). The same
holds for a date or a moment given as a value (``?started_at__gte=0001-01-01``).

A lookup by pattern (a name ending in ``__regex`` or ``__iregex``) is refused as well: the
admin allows any lookup on a model's own fields, and an invalid pattern (``?id__regex=(``)
made the database's regular expression fail. No page of the site filters by pattern.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.views.defaults import bad_request

#: Longer than any value a page of this site puts in a link (a search term, a slug, an id).
MAX_QUERY_VALUE_LENGTH = 1000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_PART_SUFFIXES = ("__year", "__month", "__day", "__week", "__quarter", "__week_day", "__iso_year")
#: The largest date part that cannot overflow a C integer in ``datetime()`` (years run to 9999).
MAX_DATE_PART = 9999
YEAR_SUFFIXES = ("__year", "__iso_year")
#: The years a filter may name: one on either side stays within ``datetime``'s 1 to 9999.
FIRST_YEAR, LAST_YEAR = 2, 9998
PATTERN_SUFFIXES = ("__regex", "__iregex")


def _out_of_range_date_part(name: str, value: str) -> bool:
    try:
        number = int(value)
    except ValueError:
        return False  # the admin shows its own "incorrect lookup" page for a non-number
    if name.endswith(YEAR_SUFFIXES):
        return not FIRST_YEAR <= number <= LAST_YEAR
    return abs(number) > MAX_DATE_PART


def _out_of_range_date(value: str) -> bool:
    """Whether ``value`` is a date or a moment (ISO 8601, as the admin's filters write them)
    whose year leaves no year on either side."""
    try:
        parsed = parse_datetime(value) or parse_date(value)
    except ValueError:
        return False  # no such date: the filter reports it as any other bad value
    return parsed is not None and not FIRST_YEAR <= parsed.year <= LAST_YEAR


def problem_with_query(request: HttpRequest) -> str | None:
    """A short reason when the query string cannot be used, else None."""
    for name, values in request.GET.lists():
        if CONTROL_CHARACTERS.search(name):
            return "control character in a parameter name"
        for value in values:
            if CONTROL_CHARACTERS.search(value):
                return f"control character in parameter {name!r}"
            if len(value) > MAX_QUERY_VALUE_LENGTH:
                return f"parameter {name!r} is too long"
            if name.endswith(DATE_PART_SUFFIXES) and _out_of_range_date_part(name, value):
                return f"parameter {name!r} is not a date part"
            if _out_of_range_date(value):
                return f"parameter {name!r} is a date out of range"
        if name.endswith(PATTERN_SUFFIXES):
            return f"parameter {name!r} filters by pattern"
    return None


class QueryParameterGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = problem_with_query(request)
        if reason is not None:
            return bad_request(request, ValueError(reason))
        return self.get_response(request)
