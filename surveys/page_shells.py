"""Kept page shells: a respondent's page rendered once per question set revision, then filled.

Half the CPU of a questionnaire page went to the template engine, although almost all of
the page (the frame, the section's title and introduction, the buttons, the wording of the
progress line) is the same for every respondent who sees that section of that revision in
that language. The same holds for the welcome page, the review (whose answers are
rendered in Python, ``surveys.rendering``, and go into a slot) and the frame around a
workplace report (``barometer.views.reports``: its body, cached per response, is a slot).
``render_page`` renders the template once per key with *slots* where the per-request
values go, keeps the result in this process and, for every request, joins the kept pieces
with that request's values.

Shapes:

* a **slot** is ``"\\x00name\\x00"``: NUL never occurs in real content (stored texts refuse
  it, ``surveys.characters``), so a slot can never be mistaken for text, and escaping leaves
  it as it is (letters, dots and underscores);
* a **shell** (``_Shell``) is the rendered page split at its slots: ``pieces`` alternate
  literal text and slot names, ``pieces[0]``, ``name``, ``pieces[2]``, ``name``, ...;
* the **key** is ``(template name, active language, *key)``, where the view's ``key`` holds
  everything in ``shared`` that shows on the page: the question set's pk and revision, the
  section's pk, and the flags and counts the template branches on. A wording correction
  bumps the revision, so it gets a new shell.

The view gives three dicts: ``shared`` (the shell's context, determined by the key),
``own`` (this request's values: each becomes a slot in the shell and is filled as ``{{ }}``
would print it, escaped unless it is safe HTML such as the rendered answer form) and
``extra`` (only for a page rendered normally and for the test client's ``context``; never
seen by a shell). A value in ``own`` may only be printed, ``{{ name }}`` or as a
``blocktranslate`` argument: never tested in ``{% if %}``, counted for a plural or passed
through a filter (a slot is always true and a filter would print it changed). Every page
also gets two slots of its own: the CSRF token (filled with a fresh ``get_token(request)``,
which sets the cookie as ``{% csrf_token %}`` does, and only on a page with a form that
carries one, as when rendered normally) and ``request.get_full_path`` (the shell's template
sees a stand-in ``request`` that knows nothing else).

Why no respondent's data can be kept in a shell or reach another respondent: the shell is
rendered from ``shared`` (question set objects, flags and counts named in the key), slot
strings and a stand-in request only; the real request's context processors add the language,
``user`` (only anonymous visitors get shells) and ``messages`` (only pages with no message
get shells). Per-request values are joined into a copy, never into the kept pieces, and the
pieces are split before any value goes in, so a value that looked like a slot would still be
printed as it is (tests/test_page_shells.py renders two respondents' pages and checks).

A shell whose text holds a NUL outside a well-formed known slot (a filter changed a slot, say)
is not kept: the page is rendered normally and the error logged. ``PAGE_SHELLS = False``
renders every page normally (the tests compare both ways byte for byte). At most
``MAX_SHELLS`` are kept; all are dropped when it is reached (``clear_page_shells`` drops them
too; nothing else needs to: what a shell holds is named by its key, a round's dates and the
register's names are slots).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

#: Shells kept at most (question set revisions x sections x languages x flags).
MAX_SHELLS = 512
#: The slots every page has: the CSRF token and ``request.get_full_path``.
CSRF_SLOT = "csrf_token"
PATH_SLOT = "request.get_full_path"
#: A slot as it stands in a shell; names are dotted lowercase words.
_SLOT = re.compile(r"\x00([a-z_.]+)\x00")


def slot(name: str) -> str:
    """The placeholder a shell holds for the value called ``name``."""
    return f"\x00{name}\x00"


@dataclass(frozen=True)
class _Shell:
    pieces: tuple[str, ...]  # literal text, slot name, literal text, slot name, ..., literal text
    #: Whether the page has a form with a CSRF token: only then is one drawn for the visitor
    #: (a page without one, rendered normally, draws none and sets no cookie).
    has_token: bool


_SHELLS: dict[tuple, _Shell] = {}


def clear_page_shells() -> None:
    """Drop every kept shell in this process."""
    _SHELLS.clear()


class _ShellRequest:
    """What a shell's template sees as ``request``: its full path, as a slot, and nothing else
    (any other attribute would print as nothing, and the tests would see the difference)."""

    def get_full_path(self) -> str:
        return slot(PATH_SLOT)


def _flat(name: str, value) -> Iterator[tuple[str, object]]:
    """(slot name, value) for ``own``'s ``name``: a dict gives one slot per item, "name.item"."""
    if isinstance(value, dict):
        for item, inner in value.items():
            yield from _flat(f"{name}.{item}", inner)
    else:
        yield name, value


def _slotted(name: str, value):
    """``value`` with every leaf replaced by its slot (the shell's context)."""
    if isinstance(value, dict):
        return {item: _slotted(f"{name}.{item}", inner) for item, inner in value.items()}
    return slot(name)


def _may_keep(request: HttpRequest) -> bool:
    """Whether ``request``'s page may come from a shell: an anonymous visitor with no message
    waiting (a staff member's frame and a message are theirs alone)."""
    if not settings.PAGE_SHELLS:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not get_messages(request)


def _shell(request: HttpRequest, template_name: str, shared: dict, own: dict) -> _Shell | None:
    """The template rendered with ``shared`` and slots, split at the slots; None when a slot
    did not come through intact (then nothing is kept)."""
    context = {
        **shared,
        **{name: _slotted(name, value) for name, value in own.items()},
        CSRF_SLOT: slot(CSRF_SLOT),
        "request": _ShellRequest(),
    }
    pieces = tuple(_SLOT.split(get_template(template_name).render(context, request)))
    known = {CSRF_SLOT, PATH_SLOT} | {name for key, value in own.items() for name, _ in _flat(key, value)}
    if any("\x00" in text for text in pieces[::2]) or not set(pieces[1::2]) <= known:
        logger.error("Page shell of %s not kept: a slot was changed or unknown", template_name)
        return None
    return _Shell(pieces, has_token=CSRF_SLOT in pieces[1::2])


def _tell_the_test_client(template_name: str, context: dict) -> None:
    """Give the test client's ``response.context`` and ``templates`` as for a page rendered
    (sent before a shell is rendered, so the page's own values come first in ``context``).
    Only the tests import ``django.test``: a server never does, nor pays for the import."""
    signals = sys.modules.get("django.test.signals")
    if signals is not None and signals.template_rendered.receivers:
        template = get_template(template_name).template
        signals.template_rendered.send(sender=template, template=template, context=Context(context))


def render_page(
    request: HttpRequest,
    template_name: str,
    *,
    key: tuple | None,
    shared: dict,
    own: dict,
    extra: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """``render(request, template_name, shared | own | extra, status=status)``, from a kept
    shell when ``request`` may have one (see the module's docstring for the arguments). A
    ``key`` of None renders the page normally (a draft's texts change without a revision)."""
    context = {**shared, **own, **(extra or {})}
    if key is None or not _may_keep(request):
        return render(request, template_name, context, status=status)
    _tell_the_test_client(template_name, context)
    full_key = (template_name, get_language(), *key)
    shell = _SHELLS.get(full_key)
    if shell is None:
        shell = _shell(request, template_name, shared, own)
        if shell is None:
            return render(request, template_name, context, status=status)
        if len(_SHELLS) >= MAX_SHELLS:
            _SHELLS.clear()
        _SHELLS[full_key] = shell
    values = {PATH_SLOT: request.get_full_path()}
    if shell.has_token:
        values[CSRF_SLOT] = get_token(request)
    for name, value in own.items():
        values.update(_flat(name, value))
    printed = {name: _printed(value) for name, value in values.items()}
    pieces = list(shell.pieces)
    pieces[1::2] = [printed[name] for name in shell.pieces[1::2]]
    return HttpResponse("".join(pieces), status=status)


def _printed(value) -> str:
    """``value`` as ``{{ value }}`` prints it on a page (autoescape on, as the engine renders
    pages): escaped, unless it is safe HTML; a number localized. A string needs only the
    escaping (``render_value_in_context`` leaves it as it is otherwise), and a whole number
    from 0 to 999 only ``str``."""
    if isinstance(value, str):
        return conditional_escape(value)
    if type(value) is int and 0 <= value < 1000:
        # A page's counts and percentages: no grouping to localize, whatever the language
        # (``number_format`` writes such a number as ``str`` does).
        return str(value)
    return render_value_in_context(value, Context())
