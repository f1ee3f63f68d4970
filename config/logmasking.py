"""Respondent links never reach a log: ``/s/<token>/`` is written as ``/s/…/``.

A respondent link is the only key to a workplace's answers, so a log line or an error
e-mail that holds one hands the answers to whoever reads it. Three places write paths:

* gunicorn's access log: :class:`MaskedGunicornLogger` (``logger_class`` in
  ``deploy/gunicorn.conf.py``) masks every field of a line (request line, path, query,
  referrer, headers);
* Django's loggers (``Not Found: /s/...`` warnings, request errors, runserver lines):
  :class:`MaskTokens`, a logging filter on the loggers and handlers in ``LOGGING``;
* error e-mails to ``ADMINS``: :class:`MaskedAdminEmailHandler` masks the subject and both
  bodies, which quote the path, the referrer and the whole request environment.

The nginx configuration (``deploy/nginx.conf``) masks its own access log the same way.
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any

from django.utils.log import AdminEmailHandler

#: ``/s/`` and the token after it (up to the next ``/``, ``?``, ``#``, quote, space or ``&``),
#: also when the slashes are percent-encoded (``%2Fs%2F`` in a ``next=`` parameter).
TOKEN_IN_PATH = re.compile(r"(/s/|%2[Ff]s%2[Ff])[^/?#\s\"'&<>%]+")
MASK = "…"


def mask_tokens(text: str) -> str:
    """``text`` with every respondent-link token replaced by ``…``."""
    return TOKEN_IN_PATH.sub(lambda match: match.group(1) + MASK, text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_tokens(value)
    if isinstance(value, bytes):
        return mask_tokens(value.decode("utf-8", "replace"))
    return value


class MaskTokens(logging.Filter):
    """Masks tokens in a record's message and arguments (it changes the record, so every
    handler after it sees the masked text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_tokens(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _masked(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_masked(value) for value in record.args)
        return True


def tokens_in(*texts: str) -> set[str]:
    """The tokens in the respondent-link paths found in ``texts``."""
    return {match.group(0)[len(match.group(1)) :] for text in texts for match in TOKEN_IN_PATH.finditer(text or "")}


class MaskedAdminEmailHandler(AdminEmailHandler):
    """Django's error e-mail with every token masked in the subject and the bodies.

    Besides paths, the report quotes the views' local variables (``token = '...'``), so the
    tokens of the failed request's path and referrer are also replaced wherever they occur.
    """

    _tokens: frozenset[str] = frozenset()

    def emit(self, record: logging.LogRecord) -> None:
        # Handler.handle() holds self.lock around emit(), so this attribute is per record.
        request = getattr(record, "request", None)
        meta = getattr(request, "META", {}) or {}
        self._tokens = frozenset(tokens_in(getattr(request, "path", ""), str(meta.get("HTTP_REFERER", ""))))
        if request is not None:
            # The report quotes the form. A form too large to parse raises here once and
            # reads as empty afterwards; unread until now (a 5xx before the view read it),
            # it would raise inside the report and fail the response.
            with contextlib.suppress(Exception):
                request.POST  # noqa: B018
        try:
            super().emit(record)
        finally:
            self._tokens = frozenset()

    def _mask(self, text: str) -> str:
        for token in self._tokens:
            text = text.replace(token, MASK)
        return mask_tokens(text)

    def send_mail(self, subject: str, message: str, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("html_message"):
            kwargs["html_message"] = self._mask(kwargs["html_message"])
        super().send_mail(self._mask(subject), self._mask(message), *args, **kwargs)


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is not needed to run the tests or the demo
    _GunicornLogger = object  # type: ignore[assignment,misc]


class MaskedGunicornLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """gunicorn's logger with every access-log field masked."""

    def atoms(self, resp, req, environ, request_time):
        return {key: _masked(value) for key, value in super().atoms(resp, req, environ, request_time).items()}
