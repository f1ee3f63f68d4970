"""The language switch: Django's ``set_language``, taken without a CSRF token from this site.

The language form is on every page, and on most of them (the front page, the method page,
the reports) it is the only form. With a CSRF token in it, each first-time visitor of such
a page cost a new CSRF secret and cookie, which Django draws one ``secrets.choice`` at a
time: a third of a kept front page's time.

The token is not what tells a forged switch apart, though: the browser does. A form sent
from a page of this site comes with ``Sec-Fetch-Site: same-origin`` (every current
browser, on HTTPS and on localhost) or with an ``Origin`` header naming this site (every
current browser, on every POST). Only such a post is taken without a token. Anything
else (another site's form, a post whose browser sends neither header) goes through
Django's full CSRF check as before: a token or the refusal page. So another site cannot
choose the language for a visitor of ours, which matters because the language chosen on a
device is also the language a respondent's answers, e-mails and report are kept in
(``surveys.views._response_for_token``).

``next`` is still checked by Django's view (never another site), and a GET changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language


def _sent_from_this_site(request: HttpRequest) -> bool:
    """Whether the browser says the request was sent from a page of this site.

    ``Sec-Fetch-Site`` when the browser sends it (only "same-origin" counts: "same-site" is
    another host of the same domain); otherwise an ``Origin`` that is this site's own
    (scheme and host as Django sees them, behind a proxy through ``SECURE_PROXY_SSL_HEADER``)
    or one of ``CSRF_TRUSTED_ORIGINS``. Neither header: False.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS


@csrf_exempt
def set_language_from_this_site(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``: a POST the browser says came from this site needs no CSRF
    token; any other POST is checked by Django's CSRF middleware as usual (a token, or the
    site's refusal page, ``CSRF_FAILURE_VIEW``)."""
    if request.method == "POST" and not _sent_from_this_site(request):
        refused = CsrfViewMiddleware(lambda _request: None).process_view(request, set_language, (), {})
        if refused is not None:
            return refused
    return set_language(request)
