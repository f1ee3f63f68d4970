"""Two tabs, or a double click, submitting the same response at the same moment."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from surveys.models import Invitation, Response, ResponseStatus
from tests.answering import INNOVATOR_ANSWERS, answer_all


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_give_one_submission_and_no_error(national_round, workplace, question_set):
    if connection.vendor != "postgresql":
        pytest.skip("needs two real database connections that wait on each other's row locks (PostgreSQL)")
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    answer_all(Client(), invitation.token, question_set, INNOVATOR_ANSWERS)
    start = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def submit():
        try:
            start.wait(timeout=10)
            statuses.append(Client().post(f"/s/{invitation.token}/oppsummering/").status_code)
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert statuses == [302, 302]
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 1
