"""django-csp's middleware with the site's policy built once, not for every response.

django-csp builds the ``Content-Security-Policy`` header from the settings for every
response (``csp.utils.build_policy``: a copy of every directive, a sort, a join), and does
the same for the report-only header even when there is none. On a page served from a kept
copy that was a twelfth of the worker's time (issue 16). This site's policy is one fixed
string: no nonce in any template, no view decorated to change it.

``CSPMiddleware`` gives a response that asks for nothing of its own the header django-csp
would build, built by django-csp once per policy setting. Anything else goes to
django-csp's own ``process_response`` unchanged: a response with a ``csp_update``,
``csp_replace``, ``csp_exempt`` or per-view policy (``_csp_*`` attributes), a request that
used its nonce, a response that already has the header, a report-only policy or excluded
path prefixes in the settings, and django-csp's own exemption of 404 and 500 pages under
``DEBUG``. ``tests/test_security.py`` compares both ways on every kind of page.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

#: What a response that asks for a policy of its own carries (django-csp's decorators).
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
#: django-csp leaves these pages without a header when ``DEBUG`` is on (its debug pages).
_DEBUG_EXEMPT = (404, 500)


class CSPMiddleware(LibraryCSPMiddleware):
    """``csp.middleware.CSPMiddleware`` that sets the settings' policy, built once, on a
    response that asks for nothing of its own (see the module's docstring)."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built_for: object = None  # the CONTENT_SECURITY_POLICY the header was built from
        self._header = ""

    def _fixed_header(self) -> str | None:
        """The header for the current settings, built by django-csp once per settings value;
        None when the settings ask for what only django-csp's own path does."""
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or (policy or {}).get("EXCLUDE_URL_PREFIXES"):
            return None
        if policy is not self._built_for:
            self._header = build_policy()
            self._built_for = policy
        return self._header

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        header = self._fixed_header()
        if (
            header is None
            or getattr(request, "_csp_nonce", None) is not None
            or HEADER in response
            or any(hasattr(response, name) for name in _OWN_POLICY)
            or (settings.DEBUG and response.status_code in _DEBUG_EXEMPT)
        ):
            return super().process_response(request, response)
        if header:
            response[HEADER] = header
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
