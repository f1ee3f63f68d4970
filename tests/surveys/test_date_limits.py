"""Date arithmetic at the end of the calendar refuses with a message, and changes nothing.

A round's closing moment can be typed into the admin up to 31 December 9999. "Extend by one
week" added seven days to it and failed with an OverflowError (a 500); the workplace
report added RETENTION_DAYS to it to say when the link stops working, and failed the same way.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages

from surveys.dates import shifted
from surveys.models import Invitation, Round
from tests.builders import submitted_by_invitation

LAST_WEEK = datetime(9999, 12, 28, 12, tzinfo=UTC)


def test_shifted_is_none_past_the_calendar_on_either_clock():
    assert shifted(datetime(2026, 1, 1, tzinfo=UTC), timedelta(days=7)) == datetime(2026, 1, 8, tzinfo=UTC)
    assert shifted(LAST_WEEK, timedelta(days=7)) is None
    # 23:30 UTC on the last day is fine in UTC but 00:30 in the year 10000 in Oslo.
    assert shifted(datetime(9999, 12, 31, 22, 0, tzinfo=UTC), timedelta(minutes=90)) is None
    assert shifted(datetime(1, 1, 2, tzinfo=UTC), -timedelta(days=3)) is None


def extend(admin_client, *rounds):
    return admin_client.post(
        "/admin/surveys/round/",
        {"action": "extend_by_a_week", "_selected_action": [round_.pk for round_ in rounds]},
        follow=True,
    )


def test_extending_a_round_past_the_last_date_refuses_and_changes_no_round(admin_client, national_round):
    at_the_end = Round.objects.get(pk=national_round.pk)
    at_the_end.pk, at_the_end.slug, at_the_end.name = None, "ved-slutten", "Runden ved kalenderens slutt"
    at_the_end.opens_at, at_the_end.closes_at = LAST_WEEK - timedelta(days=30), LAST_WEEK
    at_the_end.save()
    before = dict(Round.objects.values_list("pk", "closes_at"))
    answer = extend(admin_client, national_round, at_the_end)
    assert answer.status_code == 200
    errors = [str(m) for m in get_messages(answer.wsgi_request) if m.level_tag == "error"]
    # The admin speaks bokmål (its language); the sentence is in the catalogue.
    assert errors and "31. desember 9999" in errors[0] and "Ingen runder er endret" in errors[0]
    assert str(at_the_end) in errors[0] and str(national_round) not in errors[0]
    assert dict(Round.objects.values_list("pk", "closes_at")) == before


def test_extending_an_ordinary_round_still_adds_a_week(admin_client, national_round):
    before = national_round.closes_at
    extend(admin_client, national_round)
    national_round.refresh_from_db()
    assert national_round.closes_at - before >= timedelta(days=7) - timedelta(seconds=1)


def test_the_report_of_a_round_closing_at_the_calendars_end_opens(client, barometer_data, national_round, workplace):
    Round.objects.filter(pk=national_round.pk).update(closes_at=datetime(9999, 12, 31, 22, tzinfo=UTC))
    national_round.refresh_from_db()
    invitation = submitted_by_invitation(Invitation.objects.create(round=national_round, workplace=workplace))
    page = client.get(f"/s/{invitation.token}/rapport/")
    assert page.status_code == 200
    assert "this link stops working" not in page.content.decode()


@pytest.mark.parametrize("year", [1, 9999])
def test_the_admin_takes_or_refuses_round_dates_at_the_calendars_ends(admin_client, national_round, year):
    from django.forms.models import model_to_dict

    data = {k: v for k, v in model_to_dict(national_round).items() if v is not None}
    data.update(
        {
            "opens_at_0": f"{year:04d}-01-01" if year == 1 else "9999-12-01",
            "opens_at_1": "00:00",
            "closes_at_0": f"{year:04d}-01-02" if year == 1 else "9999-12-31",
            "closes_at_1": "23:59",
        }
    )
    data.pop("opens_at"), data.pop("closes_at")
    before = Round.objects.values("opens_at", "closes_at").get(pk=national_round.pk)
    answer = admin_client.post(f"/admin/surveys/round/{national_round.pk}/change/", data)
    if year == 1:
        assert answer.status_code == 200
        assert "Velg en dato fra og med år 2 til og med år 9999." in answer.content.decode()
        assert Round.objects.values("opens_at", "closes_at").get(pk=national_round.pk) == before
    else:
        assert answer.status_code == 302, answer.context["adminform"].form.errors
        national_round.refresh_from_db()
        assert national_round.closes_at == datetime(9999, 12, 31, 22, 59, tzinfo=UTC)
