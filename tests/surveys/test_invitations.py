"""Invitations from a CSV file, sent and reminded by e-mail."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from surveys.models import Invitation, ReminderLog, Response, ResponseStatus, Workplace
from surveys.services.invitations import InvitationFileError, import_invitations, send_invitations, send_reminders

HEADER = "workplace,workplace_type,municipality,employees,email,external_id,language\n"


def csv_file(*rows):
    return io.StringIO(HEADER + "".join(row + "\n" for row in rows))


@pytest.fixture
def invited(national_round, register):
    import_invitations(
        national_round,
        csv_file(
            "Prøvedal barnehage,kindergarten,9901,18,styrer@example.invalid,974000001,nn",
            "Eksempelvik sykehjem,nursing_home,9902,80,leder@example.invalid,,",
        ),
    )
    return national_round


def test_csv_creates_workplaces_and_invitations(invited):
    assert Workplace.objects.count() == 2
    kindergarten = Invitation.objects.get(workplace__external_id="974000001")
    assert (kindergarten.email, kindergarten.language) == ("styrer@example.invalid", "nn")
    assert len(kindergarten.token) >= 43
    assert Invitation.objects.get(workplace__name="Eksempelvik sykehjem").language == "nb"


def test_importing_again_updates_instead_of_duplicating(invited):
    result = import_invitations(
        invited, csv_file("Prøvedal barnehage,kindergarten,9901,20,ny@example.invalid,974000001,nn")
    )
    assert (result.invitations_created, result.invitations_updated) == (0, 1)
    assert Invitation.objects.count() == 2
    assert Workplace.objects.get(external_id="974000001").employees == 20


def test_a_bad_row_rejects_the_whole_file(national_round, register):
    with pytest.raises(InvitationFileError) as excinfo:
        import_invitations(
            national_round,
            csv_file(
                "Godt sted,kindergarten,9901,10,ok@example.invalid,,",
                "Dårlig,school,0000,ti,ikke-en-adresse,,de",
            ),
        )
    (error,) = excinfo.value.errors
    assert error.startswith("line 3:")
    for part in ("workplace_type 'school'", "municipality '0000'", "email 'ikke-en-adresse'", "employees 'ti'",
                 "language 'de'"):  # fmt: skip
        assert part in error
    assert not Invitation.objects.exists() and not Workplace.objects.exists()


def test_invitations_are_sent_once_in_their_language(invited):
    assert send_invitations(invited) == 2
    assert send_invitations(invited) == 0
    by_address = {message.to[0]: message for message in mail.outbox}
    nynorsk = by_address["styrer@example.invalid"]
    token = Invitation.objects.get(workplace__external_id="974000001").token
    assert f"/s/{token}/" in nynorsk.body
    assert "Prøvedal barnehage" in nynorsk.body


def test_reminders_go_only_to_unfinished_workplaces_once_a_day(invited):
    send_invitations(invited)
    finished = Invitation.objects.get(workplace__name="Eksempelvik sykehjem")
    Response.objects.create(
        round=invited, question_set=invited.question_set, invitation=finished, workplace=finished.workplace,
        workplace_type=finished.workplace.workplace_type, municipality=finished.workplace.municipality,
        status=ResponseStatus.SUBMITTED, submitted_at=timezone.now(),
    )  # fmt: skip
    mail.outbox.clear()
    assert send_reminders(invited) == 1
    assert mail.outbox[0].to == ["styrer@example.invalid"]
    assert send_reminders(invited) == 0  # not twice the same day
    ReminderLog.objects.update(sent_at=timezone.now() - timedelta(days=1))
    assert send_reminders(invited) == 1
    assert Invitation.objects.get(workplace__external_id="974000001").reminder_count == 2


def test_commands(invited, tmp_path):
    out = io.StringIO()
    call_command("send_invitations", "--round", invited.slug, stdout=out)
    assert "2 invitations sent" in out.getvalue()
    call_command("send_reminders", "--round", invited.slug, stdout=out)
    assert "2 reminders sent" in out.getvalue()
    with pytest.raises(CommandError, match="No round"):
        call_command("send_invitations", "--round", "nope")
    path = tmp_path / "inv.csv"
    path.write_text(HEADER + "X,kindergarten,9901,1,bad,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: email 'bad'"):
        call_command("create_invitations", "--round", invited.slug, str(path))
