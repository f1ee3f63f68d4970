"""Respondent links: unguessable tokens, looked up without timing leaks, rate limited.

A token is 32 random bytes (256 bits). The database is searched by the token's SHA-256
digest, and the stored token is then compared with ``hmac.compare_digest``, so response
times reveal nothing about how much of a guessed token was right. Every address may try
only so many unknown links (``TOKEN_FAILURE_RATE``), counted in the shared cache.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.http import Http404, HttpRequest
from django_ratelimit.core import get_usage

from config.throttling import Throttled

MAX_TOKEN_LENGTH = 64
RATE_GROUP = "respondent-links"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(stored: str | None, given: str) -> bool:
    return stored is not None and hmac.compare_digest(stored.encode(), given.encode())


def _count_failure(request: HttpRequest) -> None:
    get_usage(request, group=RATE_GROUP, key="ip", rate=settings.TOKEN_FAILURE_RATE, increment=True)


def _seconds_until_allowed(request: HttpRequest) -> int:
    """0, or the seconds until the address may try again once it has used up its allowance
    of unknown links."""
    usage = get_usage(request, group=RATE_GROUP, key="ip", rate=settings.TOKEN_FAILURE_RATE, increment=False)
    if usage is None or usage["count"] < usage["limit"]:
        return 0
    return int(usage["time_left"]) or 1


def find_link(request: HttpRequest | None, token: str):
    """The invitation or self-test response a link token belongs to, or 404.

    Raises ``Throttled`` (a ``Ratelimited``, answered with 429) when the address has tried
    too many unknown links lately.
    """
    from .models import Invitation, Response

    wait = _seconds_until_allowed(request) if request is not None else 0
    if wait:
        raise Throttled(wait)
    found = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        digest = token_digest(token)
        found = Invitation.objects.filter(token_digest=digest).first()
        if found is None:
            found = Response.objects.filter(token_digest=digest).first()
        if found is not None and not same_token(found.token, token):
            found = None
    if found is None:
        if request is not None:
            _count_failure(request)
        raise Http404("unknown link")
    return found
