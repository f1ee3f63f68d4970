"""Django's PostgreSQL backend, with a health check that does not ask the server, and a
cursor for the statements every respondent page sends, which the server keeps prepared.

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

Django's cursors bind parameters on the client: every statement reaches the server as new
text, which it parses and plans again. For a lookup joining six tables that took the server
longer than running it (about half a millisecond of its CPU per respondent page, issue 16).
``binding_cursor()`` is Django's cursor around psycopg's server-side binding cursor: the SQL
and its parameters travel apart, so psycopg prepares a statement the connection has run
``prepare_threshold`` times (the ``OPTIONS`` entry; ``None`` turns preparing off, as behind
a connection pooler in transaction mode that cannot keep prepared statements) and the
server reuses its plan. Only the statements written for the respondent's pages ask for it
(``surveys.statements.binding_cursor``); Django's own queries keep client-side binding.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from django.db.backends.postgresql.operations import DatabaseOperations as BaseDatabaseOperations
from django.utils.asyncio import async_unsafe


class DatabaseOperations(BaseDatabaseOperations):
    """Django's operations; a statement sent by ``binding_cursor`` is logged as Django logs
    statements when server-side binding is on for every cursor."""

    def last_executed_query(self, cursor, sql, params):
        """The statement as sent, for ``connection.queries`` and ``CaptureQueriesContext``:
        with its parameters written in (by psycopg, as the server would read them) for a
        server-side binding cursor, whose statement the server received apart from them;
        None when they cannot be written in."""
        if isinstance(cursor, base.ServerBindingCursor):
            try:
                return self.compose_sql(sql, params)
            except psycopg.errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    """``django.db.backends.postgresql``'s wrapper: ``is_usable`` differs, and
    ``binding_cursor`` is added."""

    ops_class = DatabaseOperations

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

    @async_unsafe
    def binding_cursor(self):
        """A cursor as ``cursor()`` gives it (health check, connection, Django's wrappers,
        so the statement is logged and counted like any other), whose statements send their
        parameters apart from the SQL. psycopg then prepares a statement this connection has
        sent ``prepare_threshold`` times and sends only its name and parameters after that.

        The SQL takes ``%s`` placeholders as with ``cursor()``; a parameter's type is then
        the server's to infer from where it stands, so write a cast where it cannot."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(base.ServerBindingCursor(self.connection))
