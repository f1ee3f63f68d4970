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
here, it holds for every admin, ours and third-party ones (axes' access logs).
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.views.defaults import bad_request

#: Longer than any value a page of this site puts in a link (a search term, a slug, an id).
MAX_QUERY_VALUE_LENGTH = 1000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_PART_SUFFIXES = ("__year", "__month", "__day", "__week", "__quarter", "__week_day", "__iso_year")
#: The largest date part that cannot overflow a C integer in ``datetime()`` (years run to 9999).
MAX_DATE_PART = 9999


def _out_of_range_date_part(value: str) -> bool:
    try:
        number = int(value)
    except ValueError:
        return False  # the admin shows its own "incorrect lookup" page for a non-number
    return abs(number) > MAX_DATE_PART


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
            if name.endswith(DATE_PART_SUFFIXES) and _out_of_range_date_part(value):
                return f"parameter {name!r} is not a date part"
    return None


class QueryParameterGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = problem_with_query(request)
        if reason is not None:
            return bad_request(request, ValueError(reason))
        return self.get_response(request)
