"""Public pages shared by every anonymous visitor: rendered once per language, kept briefly.

The front page and the first page of the self-test are the same for everyone who has not
logged in, started a response or been given a message, except for the CSRF token in their
forms. When a national round's invitations go out, thousands open them within minutes;
rendering one costs two or three queries and a template (4-6 ms in a worker), serving a kept
copy a string replacement. A copy is kept in this process for ``SHARED_PAGE_SECONDS``
(10 by default; 0 turns sharing off) and dropped in this process when a round, a question
set or the register is saved or deleted (``surveys.signals``: at once and again when the
transaction commits). Other processes, a bulk ``update()`` and a round that opens or
closes by the clock (no save) show within those seconds: until then the front page may
still offer a self-test that has just closed, whose form then says it is closed.

Only a 200 response to a GET or HEAD without a query string, from an anonymous visitor
whose only cookies are the CSRF and language cookies, is kept or served from a kept copy,
and only when the view set no header of its own; everyone else gets the view itself. The
kept copy holds a slot where the CSRF token was, filled per request with a fresh token for
the visitor (``get_token``, which also sets the cookie); a page without one gets none.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.translation import get_language

#: The hidden input Django's ``{% csrf_token %}`` writes.
_CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
#: Where a kept copy had its token: NUL never occurs in a page (stored texts refuse it).
_TOKEN_SLOT = "\x00csrf-token\x00"
#: Kept copies at most (views x paths x languages); all are dropped when it is reached.
MAX_PAGES = 64


@dataclass(frozen=True)
class _Page:
    expires: float  # time.monotonic() seconds
    body: str
    content_type: str


_PAGES: dict[tuple[str, str, str], _Page] = {}


def clear_shared_pages() -> None:
    """Drop every kept copy in this process (after a change that shows on the pages)."""
    _PAGES.clear()


def _shareable(request: HttpRequest) -> bool:
    """Whether ``request`` may get, or leave behind, the page every anonymous visitor gets.

    Cookies other than the CSRF and language cookies (a session, messages) mean a page of
    the visitor's own; no cookie means ``request.user`` costs no query.
    """
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    shared_cookies = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    if not all(name in shared_cookies for name in request.COOKIES):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _with_token(body: str, request: HttpRequest) -> str:
    """A kept page with the visitor's own CSRF token in its slot (and the cookie to go with it).

    A page without a form that needs one (the front page: its only form is the language
    switch, ``config.language_switch``) has no slot and costs the visitor no new CSRF secret or cookie.
    """
    if _TOKEN_SLOT not in body:
        return body
    field = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    return body.replace(_TOKEN_SLOT, field)


def shared_with_anonymous_visitors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a view whose page for an anonymous visitor depends only on the path, the
    language and data that changes seldom (see the module's docstring)."""

    @wraps(view)
    def shared(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.SHARED_PAGE_SECONDS
        if seconds <= 0 or not _shareable(request):
            return view(request, *args, **kwargs)
        key = (f"{view.__module__}.{view.__qualname__}", request.path, get_language())
        now = time.monotonic()
        page = _PAGES.get(key)
        if page is not None and page.expires > now:
            return HttpResponse(_with_token(page.body, request), content_type=page.content_type)
        response = view(request, *args, **kwargs)
        if getattr(response, "is_rendered", True) is False:
            response.render()  # a TemplateResponse
        own_headers = set(response.headers) - {"Content-Type"}
        if response.status_code == 200 and not response.streaming and not response.cookies and not own_headers:
            if len(_PAGES) >= MAX_PAGES:
                _PAGES.clear()
            body = _CSRF_INPUT.sub(_TOKEN_SLOT, response.content.decode(response.charset))
            _PAGES[key] = _Page(expires=now + seconds, body=body, content_type=response["Content-Type"])
        return response

    return shared
