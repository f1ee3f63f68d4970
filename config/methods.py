"""Which HTTP methods each page takes, known before any view runs.

Every page of this site is HTML: a browser reaches it with GET (HEAD for link checkers)
and sends its forms with POST. Nothing of ours takes PUT, PATCH or DELETE. The methods a
view takes are checked by ``config.errors.MethodNotAllowedPage`` before the CSRF check, so
a method a page does not take gets 405 and the page that says so, never the CSRF failure
page, which speaks of a form of ours that could not be used (there was none).

Our views declare their methods with :func:`allow_methods`; Django's class-based views
(login, password pages) have theirs in the class; Django's other views (the admin's, the
language switch) are taken to take what a page can send: GET, HEAD and POST.
"""

from __future__ import annotations

from collections.abc import Callable

from django.views.decorators.http import require_http_methods

#: What an HTML page of this site can be asked with, at most (OPTIONS: a class-based view's own answer).
PAGE_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})
#: What a function view that declares nothing is taken to take.
UNDECLARED_METHODS = frozenset({"GET", "HEAD", "POST"})
#: The attribute :func:`allow_methods` leaves on a view (kept by ``functools.wraps``).
ATTRIBUTE = "http_methods"


def allow_methods(*methods: str) -> Callable:
    """Decorate a view that takes only ``methods`` (upper case, e.g. ``"GET", "HEAD"``):
    Django's ``require_http_methods``, with the methods left on the view, so that they are
    checked before the CSRF check too (:func:`view_methods`)."""
    allowed = frozenset(methods)

    def decorator(view: Callable) -> Callable:
        wrapped = require_http_methods(sorted(allowed))(view)
        setattr(wrapped, ATTRIBUTE, allowed)
        return wrapped

    return decorator


def view_methods(view: Callable) -> frozenset[str]:
    """The methods ``view`` (as the URL resolver gives it) takes: those it declares with
    :func:`allow_methods`, a class-based view's handlers (HEAD with GET, as Django answers
    it) among :data:`PAGE_METHODS`, or else :data:`UNDECLARED_METHODS`."""
    declared = getattr(view, ATTRIBUTE, None)
    if declared is not None:
        return declared
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return UNDECLARED_METHODS
    handlers = {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
    if "GET" in handlers:
        handlers.add("HEAD")
    return frozenset(handlers) & PAGE_METHODS


def declares_methods(view: Callable) -> bool:
    """Whether ``view`` declares its methods with :func:`allow_methods` (every view of ours must)."""
    return getattr(view, ATTRIBUTE, None) is not None
