"""Issue 14 item 1: exclusions through a subquery must hold when the subquery has a NULL.

A submitted response without an invitation (imported from a file, or generated) puts a NULL
into "the round's submitted responses' invitations"; ``NOT IN`` over that list is unknown
for every row, so reminders and the follow-up list went silently empty. Run on SQLite and,
with DATABASE_URL, on PostgreSQL: both follow SQL's three-valued logic here.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from barometer.reports.fieldwork import non_respondents
from surveys.models import Invitation, ReminderLog, Response, ResponseStatus, Workplace, WorkplaceType
from surveys.services.invitations import send_invitations, send_reminders, unfinished_invitations


@pytest.fixture
def mixed_round(national_round, municipality):
    """Two invitations sent, nobody answered through them, and one submitted response that
    came without an invitation (as import_responses makes them)."""
    for number in (1, 2):
        workplace = Workplace.objects.create(
            name=f"Invitert {number}", workplace_type=WorkplaceType.KINDERGARTEN, municipality=municipality
        )
        Invitation.objects.create(round=national_round, workplace=workplace, email=f"leder{number}@example.invalid")
    send_invitations(national_round)
    imported = Workplace.objects.create(
        name="Papirsvar", workplace_type=WorkplaceType.KINDERGARTEN, municipality=municipality
    )
    Response.objects.create(
        round=national_round, question_set=national_round.question_set, workplace=imported, invitation=None,
        workplace_type=imported.workplace_type, municipality=municipality, status=ResponseStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )  # fmt: skip
    mail.outbox.clear()
    return national_round


def test_reminders_reach_the_invited_when_a_response_has_no_invitation(mixed_round):
    assert unfinished_invitations(mixed_round).count() == 2
    assert send_reminders(mixed_round) == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["leder1@example.invalid", "leder2@example.invalid"]


def test_reminders_once_a_day_still_hold(mixed_round):
    assert send_reminders(mixed_round) == 2
    assert send_reminders(mixed_round) == 0
    ReminderLog.objects.update(sent_at=timezone.now() - timedelta(days=1))
    assert send_reminders(mixed_round) == 2


def test_an_invited_workplace_that_submitted_is_not_reminded(mixed_round):
    invitation = Invitation.objects.get(workplace__name="Invitert 1")
    Response.objects.create(
        round=mixed_round, question_set=mixed_round.question_set, workplace=invitation.workplace,
        invitation=invitation, workplace_type=invitation.workplace.workplace_type,
        municipality=invitation.workplace.municipality, status=ResponseStatus.SUBMITTED, submitted_at=timezone.now(),
    )  # fmt: skip
    assert [i.workplace.name for i in unfinished_invitations(mixed_round)] == ["Invitert 2"]
    assert [i.workplace.name for i in non_respondents(mixed_round)] == ["Invitert 2"]


def test_the_non_respondent_list_is_not_empty(mixed_round, admin_client):
    assert [i.workplace.name for i in non_respondents(mixed_round)] == ["Invitert 1", "Invitert 2"]
    response = admin_client.get(f"/statistikk/runder/{mixed_round.slug}/ikke-svart.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Invitert 1", "Invitert 2"]
