"""The PostgreSQL backend's health check (``config.postgresql``): no statement for a healthy
connection, and a connection the server has ended is found and replaced."""

import select
import time
from unittest import mock

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_connection():
    """A second connection to the test database, outside the test's transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("the health check that asks the socket is PostgreSQL's (SQLite's needs no check)")
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def test_postgresql_is_served_by_the_backend_with_the_socket_check(own_connection):
    assert type(own_connection).__module__ == "config.postgresql.base"
    assert own_connection.health_check_enabled


def test_a_healthy_idle_connection_is_checked_without_a_statement(own_connection):
    with own_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    with mock.patch.object(type(own_connection.connection), "cursor", side_effect=AssertionError("a statement")):
        assert own_connection.is_usable()
        own_connection.health_check_done = False
        own_connection.close_if_health_check_failed()
    assert own_connection.connection is not None


def test_a_connection_the_server_ended_is_found_and_replaced(own_connection):
    pid = own_connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    poller = select.poll()
    poller.register(own_connection.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 10
    while not poller.poll(100) and time.monotonic() < deadline:
        pass
    assert not own_connection.is_usable()
    own_connection.health_check_done = False
    own_connection.close_if_health_check_failed()
    assert own_connection.connection is None
    with own_connection.cursor() as cursor:  # a new connection, as the next request gets
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_with_an_open_transaction_is_checked_by_the_server(own_connection):
    own_connection.connection.execute("BEGIN")
    with mock.patch("django.db.backends.postgresql.base.DatabaseWrapper.is_usable", return_value=True) as asked:
        assert own_connection.is_usable()
    asked.assert_called_once()
    own_connection.connection.execute("ROLLBACK")
