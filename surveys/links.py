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
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import Http404, HttpRequest
from django_ratelimit.core import get_usage

from config.clientip import client_ip
from config.throttling import Throttled

from .statements import fetch_one, model_columns

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


@cache
def _lookups(db: str) -> dict:
    """The two statements a link is looked up with, written once per database.

    What ``select_related`` would send (an invitation with its response, the response's
    round and question set; or a self-test's response with its round, question set and
    municipality), without the ORM compiling it again for every page a respondent opens:
    compiling took longer than running it. Columns follow the models, so a new field is in
    the statement without touching it.
    """
    from .models import Invitation, Municipality, QuestionSet, Response, Round

    quote = connections[db].ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def statement(parts, joins, where):
        columns = ", ".join(part.columns(quote) for part in parts)
        first = parts[0]
        return f"SELECT {columns} FROM {table(first.model)} {first.alias} {joins} WHERE {where}"

    column = {name: quote(name) for name in ("id", "invitation_id", "round_id", "question_set_id", "municipality_id")}
    invitation_parts = model_columns(db, (Invitation, "i"), (Response, "r"), (Round, "o"), (QuestionSet, "q"))
    invitation = statement(
        invitation_parts,
        f"LEFT OUTER JOIN {table(Response)} r ON r.{column['invitation_id']} = i.{column['id']}"
        f" LEFT OUTER JOIN {table(Round)} o ON o.{column['id']} = r.{column['round_id']}"
        f" LEFT OUTER JOIN {table(QuestionSet)} q ON q.{column['id']} = r.{column['question_set_id']}",
        f"i.{quote('token_digest')} = %s",
    )
    self_test_parts = model_columns(db, (Response, "r"), (Round, "o"), (QuestionSet, "q"), (Municipality, "m"))
    self_test = statement(
        self_test_parts,
        f"INNER JOIN {table(Round)} o ON o.{column['id']} = r.{column['round_id']}"
        f" INNER JOIN {table(QuestionSet)} q ON q.{column['id']} = r.{column['question_set_id']}"
        f" LEFT OUTER JOIN {table(Municipality)} m ON m.{column['id']} = r.{column['municipality_id']}",
        f"r.{quote('token_digest')} = %s",
    )
    return {"invitation": (invitation, invitation_parts), "self_test": (self_test, self_test_parts)}


def _invitation_by_digest(db: str, digest: str):
    """The invitation with this digest, its response (or None, cached as select_related
    caches it, so asking costs no query) and the response's round and question set."""
    from .models import Invitation, Response

    sql, (invitation_part, response_part, round_part, question_set_part) = _lookups(db)["invitation"]
    row = fetch_one(db, sql, [digest])
    if row is None:
        return None
    invitation = invitation_part.instance(db, row)
    response = response_part.instance(db, row)
    Invitation.response.related.set_cached_value(invitation, response)
    if response is not None:
        Response.invitation.field.set_cached_value(response, invitation)
        Response.round.field.set_cached_value(response, round_part.instance(db, row))
        Response.question_set.field.set_cached_value(response, question_set_part.instance(db, row))
    return invitation


def _self_test_by_digest(db: str, digest: str):
    """The response with this digest (a self-test's link) with its round, question set and
    municipality (the profile box shows it), and no invitation."""
    from .models import Response

    sql, (response_part, round_part, question_set_part, municipality_part) = _lookups(db)["self_test"]
    row = fetch_one(db, sql, [digest])
    if row is None:
        return None
    response = response_part.instance(db, row)
    Response.round.field.set_cached_value(response, round_part.instance(db, row))
    Response.question_set.field.set_cached_value(response, question_set_part.instance(db, row))
    Response.municipality.field.set_cached_value(response, municipality_part.instance(db, row))
    if response.invitation_id is None:
        Response.invitation.field.set_cached_value(response, None)
    return response


def find_link(request: HttpRequest | None, token: str):
    """The invitation or self-test response a link token belongs to, or 404.

    An invitation comes with its response (if started), and a self-test's response with
    its round, question set and municipality, in one query. Raises ``Ratelimited``
    (answered with 429) when the address has tried too many unknown links lately
    (``Throttled``, a ``Ratelimited`` that says when to try again).
    """
    wait = _seconds_blocked_here(request) if request is not None else 0
    if wait:
        raise Throttled(wait)
    found = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        digest = token_digest(token)
        # The digest is unique: no ordering (the models' default ordering would join the
        # round and the workplace) and no LIMIT.
        found = _invitation_by_digest(DEFAULT_DB_ALIAS, digest) or _self_test_by_digest(DEFAULT_DB_ALIAS, digest)
        if found is not None and not same_token(found.token, token):
            found = None
    if found is None:
        if request is not None:
            _count_failure(request)
        raise Http404("unknown link")
    return found
