"""Issue 14: a round as an admin runs it, with the files admins really have.

Invitations from a Windows-1252, semicolon-separated file (as Excel in Norway saves CSV) with
an exact duplicate workplace in it (refused, then accepted once fixed) and a near-duplicate
(listed, then accepted with --accept-similar); invitations sent; one paper answer imported,
and the same file again refused; reminders to the workplaces that have not answered; the
round closed at its announced time; the non-respondent list and every count checked.
"""

import csv
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from barometer.reports.fieldwork import non_respondents, progress
from barometer.synthetic import generate_round
from surveys.models import ImportedFile, Invitation, ReminderLog, Response, Round, RoundKind, Workplace
from surveys.services.response_files import csv_lines, export_rows
from tests.builders import without_identity

HEADER = "workplace;workplace_type;municipality;employees;email;external_id;language;organisation_number\r\n"
ROWS = [
    "Solbakken skole;primary_school;9901;30;rektor@example.invalid;;nb;974123452",
    "Eikely barnehage;kindergarten;9901;12;styrer@example.invalid;;nn;",
    "Åsen sykehjem;nursing_home;9902;80;leder@example.invalid;;nb;",
    "Eikeli barnehage;kindergarten;9901;14;styrer@example.invalid;;nn;",  # near-duplicate of Eikely
    "Bøen helsestasjon;health_centre;9902;9;leder@example.invalid;;en;",  # the same manager leads two units
]
DUPLICATE = "EIKELY  Barnehage;kindergarten;9901;12;styrer@example.invalid;;nn;"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write_cp1252(path, rows):
    path.write_bytes((HEADER + "".join(row + "\r\n" for row in rows)).encode("cp1252"))
    return str(path)


@pytest.mark.django_db
def test_a_round_as_an_admin_runs_it(barometer_data, question_set, register, tmp_path, admin_client):
    now = timezone.now()
    closes_at = (now + timedelta(days=14)).replace(microsecond=0)
    round_ = Round.objects.create(
        slug="runde-2026", name="Runde 2026", kind=RoundKind.NATIONAL, question_set=question_set,
        opens_at=now - timedelta(hours=1), closes_at=closes_at,
    )  # fmt: skip

    # 1. Invitations: an exact duplicate is refused with a clear message, and nothing is stored.
    with_duplicate = write_cp1252(tmp_path / "invitasjoner.csv", [*ROWS, DUPLICATE])
    with pytest.raises(CommandError) as excinfo:
        run("create_invitations", "--round", round_.slug, with_duplicate)
    assert "nothing was imported" in str(excinfo.value)
    assert ("line 7: 'EIKELY  Barnehage' is the same workplace as line 3 ('Eikely barnehage', municipality 9901)"
            in str(excinfo.value))  # fmt: skip
    assert not Invitation.objects.exists() and not Workplace.objects.exists()

    # 2. Fixed, the near-duplicate is listed and the run exits non-zero, changing nothing...
    fixed = write_cp1252(tmp_path / "invitasjoner-rettet.csv", ROWS)
    with pytest.raises(CommandError) as excinfo:
        run("create_invitations", "--round", round_.slug, fixed)
    assert "line 5 'Eikeli barnehage' looks like line 3 'Eikely barnehage'" in str(excinfo.value)
    assert not Invitation.objects.exists()
    # ... a dry run says what would happen, and --accept-similar does it.
    assert "Would be: 5 invitations created" in run("create_invitations", "--round", round_.slug, fixed, "--dry-run",
                                                    "--accept-similar")  # fmt: skip
    assert not Invitation.objects.exists()
    assert "5 invitations created, 0 updated, 0 unchanged (5 new workplaces" in run(
        "create_invitations", "--round", round_.slug, fixed, "--accept-similar"
    )
    assert Workplace.objects.get(name="Åsen sykehjem").municipality.number == "9902"  # read as Windows-1252
    assert Workplace.objects.get(organisation_number="974123452").name == "Solbakken skole"

    # 3. Invitations sent, each in its language.
    assert "5 invitations sent" in run("send_invitations", "--round", round_.slug)
    assert len(mail.outbox) == 5
    mail.outbox.clear()

    # 4. One paper answer (from Åsen sykehjem, identified by name and municipality) imported;
    #    the same file again is refused, and the answer is counted once.
    source = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=1).round
    header, row = without_identity(export_rows(source, full=True))
    row[header.index("municipality")] = "9902"
    row[header.index("workplace_type")] = "nursing_home"
    row[header.index("submitted")] = round_.opens_at.isoformat()  # answered on paper while the round was open
    paper = tmp_path / "papirsvar.csv"
    paper.write_text("".join(csv_lines([[*header, "workplace", "source_id"], [*row, "Åsen sykehjem", "S-001"]])),
                     encoding="utf-8-sig")  # fmt: skip
    assert "1 responses imported into runde-2026" in run("import_responses", "--round", round_.slug, str(paper))
    with pytest.raises(CommandError, match="already imported into round runde-2026"):
        run("import_responses", "--round", round_.slug, str(paper))
    countable = Response.objects.countable().filter(round=round_)
    assert countable.count() == 1
    answered = countable.get()
    assert answered.workplace.name == "Åsen sykehjem" and answered.invitation.email == "leder@example.invalid"
    assert ImportedFile.objects.filter(round=round_, kind="responses").count() == 1

    # 5. Reminders go to the four workplaces that have not answered, once a day.
    assert "4 reminders sent" in run("send_reminders", "--round", round_.slug)
    reminded = sorted(message.to[0] for message in mail.outbox)
    assert reminded == ["leder@example.invalid", "rektor@example.invalid", "styrer@example.invalid",
                        "styrer@example.invalid"]  # fmt: skip
    assert set(ReminderLog.objects.values_list("invitation__workplace__name", flat=True)) == {
        "Solbakken skole", "Eikely barnehage", "Eikeli barnehage", "Bøen helsestasjon"}  # fmt: skip
    assert "0 reminders sent" in run("send_reminders", "--round", round_.slug)

    # 6. The round closes at the announced time: open a second before, closed at it. The
    # respondent opens the link in a browser of their own: the admin's session, 14 days old
    # at the mocked clock, may have expired there, and Django would then drop its cookie.
    token = Invitation.objects.get(workplace__name="Solbakken skole").token
    respondent = Client()
    with mock.patch("django.utils.timezone.now", return_value=closes_at - timedelta(seconds=1)):
        assert round_.is_open()
        page = respondent.get(f"/s/{token}/")
        assert page.status_code == 200
        assert "surveys/round_closed.html" not in [t.name for t in page.templates]
    with mock.patch("django.utils.timezone.now", return_value=closes_at):
        assert not round_.is_open() and round_.has_closed()
        page = respondent.get(f"/s/{token}/")
        assert page.status_code == 403
        assert "surveys/round_closed.html" in [t.name for t in page.templates]
        ReminderLog.objects.update(sent_at=closes_at - timedelta(days=1))
        mail.outbox.clear()
        with pytest.raises(CommandError, match="is not open; no reminders were sent"):
            run("send_reminders", "--round", round_.slug)
        assert not mail.outbox

    # 7. The non-respondent list and the counts.
    assert sorted(i.workplace.name for i in non_respondents(round_)) == [
        "Bøen helsestasjon", "Eikeli barnehage", "Eikely barnehage", "Solbakken skole"]  # fmt: skip
    listing = admin_client.get(f"/statistikk/runder/{round_.slug}/ikke-svart.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(listing)))
    assert len(rows) == 4 and "Åsen sykehjem" not in listing
    assert {r["workplace"]: r["reminders"] for r in rows} == dict.fromkeys(
        ["Solbakken skole", "Eikely barnehage", "Eikeli barnehage", "Bøen helsestasjon"], "1")  # fmt: skip
    (overall,) = progress(round_)["overall"]
    # opened: Solbakken through its link (a draft), Åsen through the imported paper answer
    assert (overall.invited, overall.opened, overall.submitted) == (5, 2, 1)
    assert overall.rate == pytest.approx(1 / 5)
    assert Invitation.objects.filter(round=round_).count() == 5
    assert Workplace.objects.filter(is_synthetic=False).count() == 5
    assert Response.objects.filter(round=round_).count() == 2
    assert Response.objects.filter(round=round_, status="submitted").count() == 1
