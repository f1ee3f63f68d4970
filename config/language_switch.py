"""The language switch: Django's ``set_language``, taken without a CSRF token from this site.

The language form is on every page, and on most of them (the front page, the method page,
the reports) it is the only form. With a CSRF token in it, each first-time visitor of such
a page cost a new CSRF secret and cookie, which Django draws one ``secrets.choice`` at a
time: a third of a kept front page's time.

The token is not what tells a forged switch apart, though: the browser does. A form sent
from a page of this site comes with ``Sec-Fetch-Site: same-origin`` (every current
browser, on HTTPS and on localhost) or with an ``Origin`` header naming this site (every
current browser, on every POST), or, where a proxy or an old browser strips both, with a
``Referer`` on this site. Only such a post is taken without a token; this site is what
Django's own check trusts (its host, ``CSRF_TRUSTED_ORIGINS`` with its wildcards). Anything
else (another site's form, a post that names no origin at all) goes through
Django's full CSRF check as before: a token or the refusal page. So another site cannot
choose the language for a visitor of ours, which matters because the language chosen on a
device is also the language a respondent's answers, e-mails and report are kept in
(``surveys.views._response_for_token``).

``next`` is still checked by Django's view (never another site), and a GET changes nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import is_same_domain
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language


def _trusted_origin(request: HttpRequest, origin: str) -> bool:
    """Whether ``origin`` ("scheme://host[:port]") is this site's, as Django's CSRF check
    trusts an ``Origin``: this site's own (the scheme and host Django sees, behind a proxy
    through ``SECURE_PROXY_SSL_HEADER``), an entry of ``CSRF_TRUSTED_ORIGINS``, or a
    subdomain an entry such as ``https://*.example.no`` names."""
    try:
        if origin == f"{request.scheme}://{request.get_host()}":
            return True
    except DisallowedHost:
        pass
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if origin in trusted:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return any(
        is_same_domain(parts.netloc, urlsplit(entry).netloc.lstrip("*"))
        for entry in trusted
        if "*" in entry and urlsplit(entry).scheme == parts.scheme
    )


def _sent_from_this_site(request: HttpRequest) -> bool:
    """Whether the browser says the request was sent from a page of this site.

    ``Sec-Fetch-Site`` when the browser sends it (only "same-origin" counts: "same-site" is
    another host of the same domain); otherwise an ``Origin`` this site trusts
    (``_trusted_origin``); otherwise, as for a browser or a proxy that strips both, a
    ``Referer`` whose scheme and host this site trusts (a page of another site cannot send
    ours, only none). None of the three: False.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin != "null" and _trusted_origin(request, origin)
    referer = request.headers.get("Referer")
    if not referer:
        return False
    try:
        parts = urlsplit(referer)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc) and _trusted_origin(request, f"{parts.scheme}://{parts.netloc}")


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
