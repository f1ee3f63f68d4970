"""Respondent links: unguessable tokens, looked up without timing leaks, rate limited.

A token is 32 random bytes (256 bits). The database is searched by the token's SHA-256
digest, and the stored token is then compared with ``hmac.compare_digest``, so response
times reveal nothing about how much of a guessed token was right. Every address may try
only so many unknown links (``TOKEN_FAILURE_RATE``), counted in the shared cache.

Only failures touch the shared cache: a valid link costs one indexed lookup and nothing
else, so a respondent's every page is free of rate-limit round trips (and the database
cache logs no failed INSERT per request). An address over its allowance is remembered in
this process until its window ends and refused before any lookup; another app process
learns of it at the address's next failed link there (its shared counter is already over),
so a guesser gains at most one try per process per window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import replace
from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest
from django_ratelimit.core import get_usage

from config.clientip import client_ip
from config.throttling import Throttled

from .statements import Correlated, Prepared

MAX_TOKEN_LENGTH = 64
RATE_GROUP = "respondent-links"
RATE_KEY = "ip"
# Addresses over their allowance, with the monotonic time their window ends; bounded so a
# flood of addresses cannot grow it without limit.
_BLOCKED: dict[str, float] = {}
_BLOCKED_MAX = 10_000


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(stored: str | None, given: str) -> bool:
    return stored is not None and hmac.compare_digest(stored.encode(), given.encode())


def _address(request: HttpRequest) -> str:
    """The address failures are counted by: the client's address as django-ratelimit's
    ``ip`` key sees it (``config.clientip``: behind a trusted proxy, the forwarded client)."""
    return client_ip(request)


def _seconds_blocked_here(request: HttpRequest) -> int:
    """0, or the seconds until an address this process knows to be over its allowance may
    try again (no I/O)."""
    if not _BLOCKED:
        return 0
    address = _address(request)
    until = _BLOCKED.get(address)
    if until is None:
        return 0
    left = until - time.monotonic()
    if left <= 0:
        _BLOCKED.pop(address, None)
        return 0
    return max(int(left), 1)


def _count_failure(request: HttpRequest) -> None:
    """Count one unknown link for the address in the shared cache.

    Raises ``Throttled`` (with the seconds until the window ends) when this failure takes
    the address over its allowance, and remembers the address in this process until then.
    """
    usage = get_usage(request, group=RATE_GROUP, key=RATE_KEY, rate=settings.TOKEN_FAILURE_RATE, increment=True)
    if usage is not None and usage["should_limit"]:
        if len(_BLOCKED) >= _BLOCKED_MAX:
            _BLOCKED.clear()
        wait = max(int(usage["time_left"]), 1)
        _BLOCKED[_address(request)] = time.monotonic() + wait
        raise Throttled(wait)


def clear_blocked() -> None:
    """Forget the addresses this process has refused (for tests)."""
    _BLOCKED.clear()


#: An invitation with its response (if started) and the response's round and question set.
_INVITATION_RELATED = ("response__round", "response__question_set")
#: A self-test's response with its round, question set and municipality (the profile box
#: shows it). It has no invitation, which Django then knows without a query.
_SELF_TEST_RELATED = ("round", "question_set", "municipality")
#: What the profile box shows of a response (the workplace and the response's municipality),
#: for the two pages that show it: one statement instead of two.
PROFILE_RELATED = ("workplace", "municipality")


@cache
def _statements(
    with_answers: bool, response_related: tuple[str, ...] = (), response_columns: tuple[Correlated, ...] = ()
) -> tuple[Prepared, Prepared]:
    """The invitation's and the self-test's statement for these options, made on first use
    (the answers' subquery is written by ``surveys.questionnaire``, which needs the models,
    which need this module). ``response_related`` are paths from the response, and
    ``response_columns`` columns whose paths start at the response."""
    from .questionnaire import ANSWER_ROWS, AnswerRows

    def columns(path: str) -> tuple[Correlated, ...]:
        answers = (Correlated("", ANSWER_ROWS, AnswerRows()),) if with_answers else ()
        # From the invitation, the response is one step further.
        return tuple(
            replace(column, path="__".join(step for step in (path, column.path) if step))
            for column in answers + response_columns
        )

    related = _INVITATION_RELATED + tuple(f"response__{path}" for path in response_related)
    return (
        Prepared("surveys.Invitation", related, "{token_digest} = %s", correlated=columns("response")),
        Prepared(
            "surveys.Response", _SELF_TEST_RELATED + response_related, "{token_digest} = %s", correlated=columns("")
        ),
    )


def find_link(
    request: HttpRequest | None,
    token: str,
    *,
    with_profile: bool = False,
    with_answers: bool = False,
    response_related: tuple[str, ...] = (),
    response_columns: tuple[Correlated, ...] = (),
):
    """The invitation or self-test response a link token belongs to, or 404.

    An invitation comes with its response (if started), and a self-test's response with
    its round, question set and municipality, in one query written once
    (``surveys.statements.Prepared``). ``with_profile`` brings an invitation's workplace
    and the response's municipality too (a self-test has no workplace). ``with_answers``
    reads the response's answers in the same statement, for ``AnswerValues.for_page``
    (``surveys.questionnaire.AnswerRows``; an invitation not started yet has none to read).
    ``response_related`` names more of the response's forward relations to bring along, as
    ``select_related`` paths from the response (``("workplace", "municipality__county")``,
    what a workplace report reads); a self-test's response has no workplace or invitation,
    which Django then knows without a query. ``response_columns`` are more values read in
    the same statement and kept on the response (``surveys.statements.Correlated``, paths
    from the response), such as the round a report compares with.
    Raises ``Ratelimited`` (answered with 429) when the address has tried too many unknown
    links lately (``Throttled``, a ``Ratelimited`` that says when to try again).
    """
    wait = _seconds_blocked_here(request) if request is not None else 0
    if wait:
        raise Throttled(wait)
    found = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        digest = token_digest(token)
        # The digest is unique: no ordering (the models' default ordering would join the
        # round and the workplace).
        # The profile is one more set of the response's relations (``PROFILE_RELATED``).
        related = tuple(response_related) + (PROFILE_RELATED if with_profile else ())
        invitations, self_tests = _statements(with_answers, related, tuple(response_columns))
        found = invitations.first([digest]) or self_tests.first([digest])
        if found is not None and not same_token(found.token, token):
            found = None
    if found is None:
        if request is not None:
            _count_failure(request)
        raise Http404("unknown link")
    return found
