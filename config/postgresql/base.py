"""Django's PostgreSQL backend, with a health check that does not ask the server.

With ``CONN_HEALTH_CHECKS`` on, Django checks a persistent connection before the first
query of every request by sending ``SELECT 1``: one round trip more for each request. On a
respondent's page, which sends two statements of its own, that was a fifth of the time a
worker spent on the page under load (issue 16).

A connection the server has given up (a restart, ``pg_terminate_backend``, an idle timeout,
a pooler closing it) is one on which the server has sent something unasked, the error that
ends the session, and then closed its end: the socket is readable. An idle, healthy
connection has nothing to read (this app does not ``LISTEN``). So the check first asks the
operating system, without a round trip, whether the socket has anything to read; only when
it has does it run Django's own check, which then reads what came and decides. A connection
whose network silently died is not found by either check, as before: its next statement
fails, the request gets the 503 page, and Django drops the connection.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    """``django.db.backends.postgresql``'s wrapper; only ``is_usable`` differs."""

    def is_usable(self) -> bool:
        """Whether the connection can still be used, as Django's check answers it, but
        without a statement when the server has sent nothing since the last one.

        Falls back to Django's ``SELECT 1`` when the socket has data or an error waiting,
        when a transaction is open, and where ``select.poll`` does not exist (Windows)."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE or not hasattr(select, "poll"):
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            pending = poller.poll(0)
        except (OSError, ValueError, psycopg.Error):
            return False
        return not pending or super().is_usable()
