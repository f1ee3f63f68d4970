"""Dates that mean the same to the admin and the respondent (issue 14, item 6).

A round set to close on 15 December at 00:00 (the admin's "Midnight") takes answers until
and including 14 December: every page, e-mail and download says so, computed in
Europe/Oslo whatever the server's clock zone.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone, translation

from surveys import dates
from surveys.models import Invitation, Round
from surveys.services.invitations import send_invitations, send_reminders

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def test_a_midnight_deadline_names_the_day_before_as_the_last_day():
    closes = oslo(2026, 12, 15, 0, 0)
    assert dates.last_answer_day(closes).isoformat() == "2026-12-14"
    with translation.override("nb"):
        assert dates.deadline(closes) == "til og med 14. desember 2026"
    with translation.override("nn"):
        assert dates.deadline(closes) == "til og med 14. desember 2026"
    with translation.override("en"):
        assert dates.deadline(closes) == "until and including 14 December 2026"  # British English (config/formats/en)
    with translation.override("nb"):  # the wording is kept per language, not once for the first
        assert dates.deadline(closes) == "til og med 14. desember 2026"


def test_a_deadline_given_in_utc_is_read_in_oslo():
    # 23:00 UTC on 14 December is midnight in Oslo.
    closes = datetime(2026, 12, 14, 23, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("nb"):
        assert dates.deadline(closes) == "til og med 14. desember 2026"
    # In summer time midnight is 22:00 UTC.
    with translation.override("nb"):
        assert dates.deadline(datetime(2026, 6, 14, 22, 0, tzinfo=ZoneInfo("UTC"))) == "til og med 14. juni 2026"


def test_a_kept_deadline_is_written_again_when_a_format_setting_changes():
    """The wording is kept per moment and language (``surveys.dates.deadline``); a changed
    format setting must not leave the old wording in place."""
    from django.test import override_settings

    closes = oslo(2026, 12, 15, 12, 0)
    with translation.override("nb"):
        assert dates.deadline(closes) == "til 15. desember 2026 kl. 12:00"
        assert dates._deadline_in.cache_info().currsize >= 1
        with override_settings(FORMAT_MODULE_PATH="config.formats"):
            assert dates._deadline_in.cache_info().currsize == 0  # forgotten
            assert dates.deadline(closes) == "til 15. desember 2026 kl. 12:00"
        dates.deadline(closes)
        with override_settings(TEMPLATES=[]):  # not a setting the wording depends on
            assert dates._deadline_in.cache_info().currsize >= 1


def test_any_other_deadline_gives_the_exact_time():
    with translation.override("nb"):
        assert dates.deadline(oslo(2026, 12, 15, 12, 0)) == "til 15. desember 2026 kl. 12:00"
    with translation.override("en"):
        assert dates.deadline(oslo(2026, 12, 15, 12, 0)) == "until 15 December 2026 at 12:00"


@pytest.fixture
def midnight_round(national_round):
    """A round that closes at midnight (Oslo) ten days from now."""
    closes = timezone.localtime(timezone.now(), OSLO).replace(hour=0, minute=0, second=0, microsecond=0)
    closes += timedelta(days=10)
    Round.objects.filter(pk=national_round.pk).update(closes_at=closes)
    national_round.refresh_from_db()
    return national_round


def _last_day(round_) -> str:
    from django.utils.formats import date_format

    with translation.override("nb"):
        return date_format(dates.last_answer_day(round_.closes_at), "DATE_FORMAT")


def test_the_invitation_reminder_and_welcome_page_say_til_og_med(client, midnight_round, workplace):
    invitation = Invitation.objects.create(round=midnight_round, workplace=workplace, email="rektor@example.invalid")
    expected = f"til og med {_last_day(midnight_round)}"
    send_invitations(midnight_round)
    assert expected in mail.outbox[-1].body
    send_reminders(midnight_round)
    assert expected in mail.outbox[-1].body
    page = client.get(f"/s/{invitation.token}/").content.decode()
    assert expected in page


def test_the_closed_page_names_the_last_day(client, national_round, workplace):
    closes = timezone.localtime(timezone.now(), OSLO).replace(hour=0, minute=0, second=0, microsecond=0)
    Round.objects.filter(pk=national_round.pk).update(
        opens_at=closes - timedelta(days=30), closes_at=closes - timedelta(days=2)
    )
    national_round.refresh_from_db()
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    page = client.get(f"/s/{invitation.token}/")
    assert page.status_code == 403
    assert f"til og med {_last_day(national_round)}" in page.content.decode()


def test_the_admin_sees_what_the_closing_time_means(admin_client, midnight_round):
    page = admin_client.get("/admin/surveys/round/").content.decode()
    assert f"til og med {_last_day(midnight_round)}" in page
    form = admin_client.get(f"/admin/surveys/round/{midnight_round.pk}/change/").content.decode()
    assert "14. desember" in form  # the help text under the closing time explains midnight


def test_the_non_respondent_download_gives_the_day_in_oslo(admin_client, national_round, workplace):
    # Sent at 00:30 in Oslo on 2 March, which is still 1 March in UTC.
    sent = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    Invitation.objects.create(
        round=national_round, workplace=workplace, email="rektor@example.invalid", sent_at=sent, last_reminded_at=sent
    )
    listing = admin_client.get(f"/statistikk/runder/{national_round.slug}/ikke-svart.csv").content.decode()
    row = next(line for line in listing.splitlines() if workplace.name in line)
    assert row.count("2026-03-02") == 2 and "2026-03-01" not in row


def test_the_response_download_gives_submitted_times_in_oslo(national_round, workplace):
    from surveys.models import Response, ResponseStatus
    from surveys.services.response_files import export_rows

    submitted = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    Response.objects.create(
        round=national_round, question_set=national_round.question_set, workplace=workplace,
        workplace_type=workplace.workplace_type, municipality=workplace.municipality, language="nb",
        status=ResponseStatus.SUBMITTED, submitted_at=submitted,
    )  # fmt: skip
    rows = list(export_rows(national_round, full=True))
    assert rows[1][2] == "2026-03-02T00:30:00+01:00"
    # The analysts' form has the date in Oslo only, not the time.
    assert list(export_rows(national_round))[1][2] == "2026-03-02"
