"""``Cache-Control: private, no-store`` on every page the app makes.

Reports, PDFs, statistics, exports, questionnaire pages and every page behind a login or a
respondent link are personal or restricted, and even the public pages carry a CSRF token
tied to the visitor's cookie, so no shared cache (a proxy, a municipality's web filter)
and no browser history may keep a copy. Static files are served by WhiteNoise before this
middleware runs and keep their long-lived caching. A view that sets its own
``Cache-Control`` keeps it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

PRIVATE = "private, no-store"


class PrivateCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE
        return response
