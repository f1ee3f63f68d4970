"""Limits on requests that cost something: failed logins, password-reset e-mails, self-tests.

Every limit is a rate setting (django-ratelimit's ``count/period``, e.g. ``"20/h"``),
counted in the shared cache so that every app server sees the same counts, per client
address (:func:`config.clientip.client_ip`) or per user name / e-mail address. A visitor
over a limit gets the 429 page with ``Retry-After`` and the time to try again.

* ``LOGIN_FAILURES_PER_ADDRESS``: failed logins from one address, across user names.
* ``LOGIN_FAILURES_PER_USERNAME``: failed logins for one user name, from every address.
  (django-axes still locks a user name *at* one address after ``AXES_FAILURE_LIMIT``.)
* ``PASSWORD_RESET_PER_ADDRESS`` / ``PASSWORD_RESET_PER_EMAIL``: password-reset posts.
* ``SELF_TESTS_PER_ADDRESS``: self-test creations (posts of the self-test form).

Failed logins are counted by the ``user_login_failed`` signal and only checked here; the
other posts are counted when they arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

Key = Callable[[str, HttpRequest], str]


class Throttled(Ratelimited):
    """A request over a limit; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


def _post_value(field: str) -> Key:
    def key(group: str, request: HttpRequest) -> str:
        return (request.POST.get(field) or "").strip().lower()

    return key


@dataclass(frozen=True)
class Limit:
    group: str
    key: str | Key  # "ip" or a function of (group, request)
    setting: str  # name of the setting that holds the rate
    count_posts: bool  # count every POST here (False: counted elsewhere, only checked)

    def usage(self, request: HttpRequest, increment: bool) -> dict | None:
        return get_usage(
            request, group=self.group, key=self.key, rate=getattr(settings, self.setting), increment=increment
        )


LOGIN_LIMITS = (
    Limit("login-failures-address", "ip", "LOGIN_FAILURES_PER_ADDRESS", count_posts=False),
    Limit("login-failures-username", _post_value("username"), "LOGIN_FAILURES_PER_USERNAME", count_posts=False),
)
#: URL names (``namespace:name``) whose POSTs are limited, and their limits.
LIMITS: dict[str, tuple[Limit, ...]] = {
    "login": LOGIN_LIMITS,
    "admin:login": LOGIN_LIMITS,
    "password_reset": (
        Limit("password-reset-address", "ip", "PASSWORD_RESET_PER_ADDRESS", count_posts=True),
        Limit("password-reset-email", _post_value("email"), "PASSWORD_RESET_PER_EMAIL", count_posts=True),
    ),
    "surveys:self_test": (Limit("self-tests-address", "ip", "SELF_TESTS_PER_ADDRESS", count_posts=True),),
}


def check(request: HttpRequest, limits: tuple[Limit, ...]) -> None:
    """Count this request where the limit says so; raise :class:`Throttled` if any limit is used up."""
    retry_after = 0
    for limit in limits:
        usage = limit.usage(request, increment=limit.count_posts)
        if usage is None:
            continue
        over = usage["count"] > usage["limit"] if limit.count_posts else usage["count"] >= usage["limit"]
        if over:
            retry_after = max(retry_after, int(usage["time_left"]) or 1)
    if retry_after:
        raise Throttled(retry_after)


class ThrottleMiddleware:
    """Applies :data:`LIMITS` to POSTs, before the view runs (and before django-axes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method != "POST" or request.resolver_match is None:
            return None
        limits = LIMITS.get(request.resolver_match.view_name)
        if not limits:
            return None
        try:
            check(request, limits)
        except Throttled as exc:
            from surveys.views import too_many_attempts

            return too_many_attempts(request, exc)
        return None


@receiver(user_login_failed, dispatch_uid="config.throttling.count_login_failure")
def count_login_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """Counts a failed login against the address and the user name."""
    if request is None:
        return
    username = str(credentials.get("username") or "").strip().lower()
    for limit in LOGIN_LIMITS:
        key = limit.key if limit.key == "ip" else (lambda group, request, username=username: username)
        Limit(limit.group, key, limit.setting, count_posts=True).usage(request, increment=True)
