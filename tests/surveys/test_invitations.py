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


def test_the_same_file_again_reports_its_rows_as_unchanged(invited, tmp_path):
    """The README promises "nothing new" for a file run twice: a row that changes nothing is
    counted as unchanged, not updated, and only a row that changes something as updated."""
    rows = (
        "Prøvedal barnehage,kindergarten,9901,18,styrer@example.invalid,974000001,nn",
        "Eksempelvik sykehjem,nursing_home,9902,80,leder@example.invalid,,",
    )
    result = import_invitations(invited, csv_file(*rows))
    assert (result.invitations_created, result.invitations_updated, result.invitations_unchanged) == (0, 0, 2)
    path = tmp_path / "igjen.csv"
    path.write_text(HEADER + rows[0] + "\n" + rows[1].replace("leder@", "ny.leder@") + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("create_invitations", "--round", invited.slug, str(path), stdout=out)
    assert "0 invitations created, 1 updated, 1 unchanged" in out.getvalue()
    assert Invitation.objects.get(workplace__name="Eksempelvik sykehjem").email == "ny.leder@example.invalid"


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_file_that_retypes_a_registered_workplace_says_so(invited, tmp_path, dry_run):
    """A new workplace type moves a workplace to other groups in the next frame: the file
    may change it, as the register's source, but the admin is told what changed (it was
    done silently, found by a tester), and a dry run tells the same."""
    path = tmp_path / "ny-type.csv"
    rows = ("Prøvedal skole,primary_school,9901,18,styrer@example.invalid,974000001,nn",
            "Eksempelvik sykehjem,nursing_home,9902,80,leder@example.invalid,,")  # fmt: skip
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    out = io.StringIO()
    arguments = ["--dry-run"] if dry_run else []
    call_command("create_invitations", "--round", invited.slug, str(path), *arguments, stdout=out)
    assert (
        f"{'Would change' if dry_run else 'Changed'} 2 value(s) of registered workplaces:\n"
        "  line 2: 'Prøvedal barnehage' name 'Prøvedal barnehage' -> 'Prøvedal skole'\n"
        "  line 2: 'Prøvedal barnehage' workplace_type 'kindergarten' -> 'primary_school'\n"
    ) in out.getvalue()
    expected = "kindergarten" if dry_run else "primary_school"
    assert Workplace.objects.get(external_id="974000001").workplace_type == expected


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


#: 259 characters that validate_email accepts, five more than an EmailField's column holds.
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".no"


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ({"name": "X" * 250}, "workplace: 250 characters, longer than the 200 that fit"),
        ({"name": "ß" * 150}, "workplace: case-folded for matching, 300 characters, longer than the 200 that fit"),
        ({"external_id": "9" * 50}, "external_id: 50 characters, longer than the 40 that fit"),
        ({"email": LONG_EMAIL}, "email: 259 characters, longer than the 254 that fit"),
        (
            {"employees": "99999999999"},
            "employees: 99999999999 is larger than 2147483647, the largest number that can be stored",
        ),
    ],
)
def test_a_value_too_big_for_its_column_is_refused_by_line_before_anything_is_written(
    national_round, register, tmp_path, cells, problem
):
    """PostgreSQL refuses such a value with a DataError halfway through the file, SQLite
    stores it: the import refuses it first, on every database, naming the line."""
    from django.core.validators import validate_email

    validate_email(LONG_EMAIL)
    row = {"name": "Godt sted", "employees": "10", "email": "ok@example.invalid", "external_id": "", **cells}
    path = tmp_path / "for-store.csv"
    path.write_text(
        HEADER + "Liten skole,primary_school,9902,5,liten@example.invalid,,\n"
        f"{row['name']},kindergarten,9901,{row['employees']},{row['email']},{row['external_id']},nb\n",
        encoding="utf-8",
    )
    with pytest.raises(InvitationFileError) as excinfo:
        import_invitations(national_round, path)
    assert excinfo.value.errors == [f"line 3: {problem}"]
    with pytest.raises(CommandError, match=f"line 3: {problem[:20]}"):
        call_command("create_invitations", "--round", national_round.slug, str(path))
    assert not Invitation.objects.exists() and not Workplace.objects.exists()


def test_values_that_just_fit_their_columns_are_imported(national_round, register):
    name, external_id, email = "X" * 200, "9" * 40, LONG_EMAIL[5:]
    import_invitations(national_round, csv_file(f"{name},kindergarten,9901,2147483647,{email},{external_id},nb"))
    workplace = Workplace.objects.get()
    assert (len(workplace.name), workplace.employees, len(workplace.external_id)) == (200, 2147483647, 40)
    assert len(Invitation.objects.get().email) == 254


@pytest.mark.parametrize(
    ("cell", "stored"), [("1 234", 1234), ("1\u00a0234", 1234), ("1_234", None), ("\u0661\u0662", None)]
)
def test_employees_are_read_as_every_import_reads_whole_numbers(national_round, register, cell, stored):
    """Python's int() took "1_234" and Arabic-Indic digits; the register and population
    imports had already moved to ``whole_number``, the invitation and answer files not."""
    row = f"Godt sted,kindergarten,9901,{cell},ok@example.invalid,,nb"
    if stored is None:
        with pytest.raises(InvitationFileError, match="is not a whole number of 1 or more"):
            import_invitations(national_round, csv_file(row))
        assert not Workplace.objects.exists()
    else:
        import_invitations(national_round, csv_file(row))
        assert Workplace.objects.get().employees == stored


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


def test_optional_columns_are_matched_without_regard_to_case_and_unknown_ones_refused(national_round, register):
    """A header "Employees,Language" was left out without a word: a second run of the same
    workplaces emptied their employees and reset their language (found by a tester)."""
    import_invitations(national_round, csv_file("Godt sted,kindergarten,9901,12,ok@example.invalid,,nn"))
    capitalised = (
        "Workplace,Workplace_Type,Municipality,Employees,Email,External_ID,Language\n"
        "Godt sted,kindergarten,9901,12,ok@example.invalid,,nn\n"
    )
    import_invitations(national_round, io.StringIO(capitalised))
    workplace = Workplace.objects.get()
    assert (workplace.employees, Invitation.objects.get().language) == (12, "nn")
    misspelt = (
        "workplace,workplace_type,municipality,emplyees,email\nGodt sted,kindergarten,9901,20,ok@example.invalid\n"
    )
    with pytest.raises(InvitationFileError, match="line 1: unknown column\\(s\\) emplyees; the columns are workplace"):
        import_invitations(national_round, io.StringIO(misspelt))
    assert Workplace.objects.get().employees == 12
