"""The PostgreSQL backend's health check (``config.postgresql``): no statement for a healthy
connection, and a connection the server has ended is found and replaced."""

import select
import time
from unittest import mock

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

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


# --- Statements the server keeps prepared (binding_cursor) -------------------------------


def prepared_statements(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def started_response(national_round, workplace):
    from surveys.models import Invitation
    from surveys.services.answering import response_for_invitation

    invitation = Invitation.objects.create(round=national_round, workplace=workplace, email="leder@example.no")
    response_for_invitation(invitation, language="nb")
    return invitation


def open_pages(token: str, times: int) -> None:
    """What a respondent page reads, ``times`` times: the link, then the answers."""
    from surveys.links import find_link
    from surveys.questionnaire import AnswerValues

    for _ in range(times):
        AnswerValues.for_response(find_link(None, token).response)


def test_the_respondent_pages_statements_are_prepared_once_a_connection_has_sent_them(started_response):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are the PostgreSQL backend's (config.postgresql)")
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert threshold is not None, "the statements are prepared unless DATABASE_PREPARE_THRESHOLD=off"
    with CaptureQueriesContext(connection) as captured:
        open_pages(started_response.token, threshold + 1)
    # Logged and counted like any statement, with the parameters written in.
    assert len(captured) == 2 * (threshold + 1)
    assert all(started_response.token_digest in q["sql"] for q in captured.captured_queries[::2])
    prepared = prepared_statements(connection)
    assert any('FROM "surveys_invitation" t0' in statement for statement in prepared)
    assert any('FROM "surveys_answer" a' in statement for statement in prepared)
    # The server received them with parameters, not with the link's digest written in.
    assert not any(started_response.token_digest in statement for statement in prepared)


def test_no_statement_is_prepared_when_preparing_is_off(started_response):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are the PostgreSQL backend's (config.postgresql)")
    wrapper = connections["default"]
    settings_dict = {**wrapper.settings_dict, "OPTIONS": {**wrapper.settings_dict["OPTIONS"]}}
    settings_dict["OPTIONS"]["prepare_threshold"] = None
    own = type(wrapper)(settings_dict, alias="default")
    try:
        # A second connection does not see the test's rows; what is prepared or not is the
        # statement, whatever it finds.
        from surveys.statements import Prepared

        lookup = Prepared("surveys.Invitation", ("response__round",), "{token_digest} = %s")
        for _ in range(5):
            with own.binding_cursor() as cursor:
                cursor.execute(lookup._write("default").sql, ["no such digest"])
                cursor.fetchall()
        assert prepared_statements(own) == []
    finally:
        own.close()


def test_other_statements_keep_client_side_binding(started_response):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are the PostgreSQL backend's (config.postgresql)")
    before = set(prepared_statements(connection))
    for _ in range(5):
        list(type(started_response).objects.filter(pk=started_response.pk))
    assert set(prepared_statements(connection)) == before
