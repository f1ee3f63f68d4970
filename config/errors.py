"""Error pages in the site's style; they never show a stack trace.

A database that is down or restarting is not a bug: the visitor gets 503 and a page that
says to try again in a moment (with Retry-After), and the site recovers by itself when the
database is back, because connections are health-checked before reuse.
"""

import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from config.methods import view_methods

RETRY_AFTER_SECONDS = 30


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


#: What a too large form raises: the 400 page then speaks of the form, not of the address.
FORM_TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400 as Django renders it (without the request's context: a bad Host header must not
    be read again), from ``400_form.html`` when the form sent was too large, else from
    ``400.html`` (an address with values no page can use)."""
    template = "400_form.html" if isinstance(exception, FORM_TOO_LARGE) else "400.html"
    return defaults.bad_request(request, exception, template_name=template)


class MethodNotAllowedPage:
    """Answers a method the view does not take (``config.methods.view_methods``) with 405
    before the view runs, and gives every 405 without a body (Django's
    ``HttpResponseNotAllowed``: a blank page) the site's page in the visitor's language and
    frame, keeping its ``Allow`` header. A 405 that already has a body is left as it is.

    Its ``process_view`` must come before the CSRF check's (``MIDDLEWARE``): a PUT, or a
    POST to a page without a form, is no form of ours that expired, and the CSRF failure
    page would say it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        """405 for a method ``view_func`` does not take; None (go on) for one it takes."""
        allowed = view_methods(view_func)
        if request.method in allowed:
            return None
        # Logged once as it leaves, page and all, as Django's handler logs every 4xx.
        return HttpResponseNotAllowed(sorted(allowed))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        page = render(request, "405.html", status=405)
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """403 in the site's style, or in the admin's look (with its header and navigation) for a
    signed-in staff user inside the admin, instead of Django's bare "403 Forbidden"."""
    from django.contrib import admin
    from django.urls import reverse

    in_admin = request.path.startswith(reverse("admin:index"))
    if in_admin and getattr(request, "user", None) is not None and request.user.is_active and request.user.is_staff:
        context = {**admin.site.each_context(request), "title": _("You may not do this")}
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", status=403)


def _database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if isinstance(exc, DatabaseError) and "connection" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: what a context needs (the session, the user) may
    # be what failed. The exception being handled is still available here.
    if _database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
