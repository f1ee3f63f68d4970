"""Following a round during fieldwork: counts, reminders by group, the dashboard."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from barometer.reports.fieldwork import non_respondents, progress, representativeness, submissions_per_day
from surveys.models import Invitation, Municipality, ReminderLog, Response, Round, Workplace, WorkplaceType
from surveys.services.invitations import send_reminders
from tests.answering import INNOVATOR_ANSWERS, answer_all
from tests.conftest import make_national_round, shipped_question_set
from tests.shared_data import kept_for_the_module


def build_fieldwork(question_set) -> tuple[int, list[int]]:
    """Twelve invited workplaces: 4 submitted, 2 started, 3 only opened, 3 untouched.

    Returns the round's primary key and the invitations', in order.
    """
    national_round = make_national_round(question_set)
    municipalities = list(Municipality.objects.order_by("number"))
    invitations = []
    for number in range(12):
        workplace = Workplace.objects.create(
            name=f"Virksomhet {number}",
            workplace_type=WorkplaceType.PRIMARY_SCHOOL if number % 2 else WorkplaceType.NURSING_HOME,
            municipality=municipalities[number % 3],
        )
        invitations.append(Invitation.objects.create(round=national_round, workplace=workplace,
                                                     email=f"leder{number}@example.invalid",
                                                     sent_at=timezone.now() - timedelta(days=3)))  # fmt: skip
    client = Client()
    for invitation in invitations[:4]:
        answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
        client.post(f"/s/{invitation.token}/oppsummering/")
    for invitation in invitations[4:6]:
        client.post(f"/s/{invitation.token}/del/profile/", {"action": "next", "role": question_set.questions.get(
            code="role").options.first().pk})  # fmt: skip
    for invitation in invitations[6:9]:
        client.get(f"/s/{invitation.token}/")
    return national_round.pk, [invitation.pk for invitation in invitations]


@pytest.fixture(scope="module")
def _fieldwork(django_db_setup, django_db_blocker):
    """Built once for the module (each test runs in a savepoint and changes nothing for the next)."""
    with kept_for_the_module(django_db_blocker, lambda: build_fieldwork(shipped_question_set(django_db_setup))) as keys:
        yield keys


@pytest.fixture
def fieldwork(db, _fieldwork):
    """The round and its twelve invitations, read afresh for each test."""
    round_pk, invitation_pks = _fieldwork
    invitations = Invitation.objects.select_related("workplace").in_bulk(invitation_pks)
    return Round.objects.get(pk=round_pk), [invitations[pk] for pk in invitation_pks]


def test_progress_counts_invited_opened_started_and_submitted(fieldwork):
    round_, _invitations = fieldwork
    (overall,) = progress(round_)["overall"]
    assert (overall.invited, overall.opened, overall.started, overall.submitted) == (12, 9, 6, 4)
    assert overall.rate == pytest.approx(4 / 12)
    by_type = {row.label: row for row in progress(round_)["workplace_type"]}
    assert sum(row.invited for row in by_type.values()) == 12
    assert sum(row.submitted for row in progress(round_)["county"]) == 4
    assert sum(count for _day, count in submissions_per_day(round_)) == 4


def test_imported_answers_of_uninvited_workplaces_are_shown_apart_and_never_raise_the_rate(fieldwork, admin_client):
    """Twenty paper answers from workplaces never invited: the response rate stays 4 of 12,
    not 24 of 12, and the dashboard shows the imported answers in a column of their own."""
    round_, _invitations = fieldwork
    municipality = Municipality.objects.order_by("number").first()
    for number in range(20):
        workplace = Workplace.objects.create(
            name=f"Papir {number}", workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality
        )
        Response.objects.create(
            round=round_, question_set=round_.question_set, workplace=workplace,
            workplace_type=workplace.workplace_type, municipality=municipality, status="submitted",
            submitted_at=timezone.now(),
        )  # fmt: skip
    (overall,) = progress(round_)["overall"]
    assert (overall.invited, overall.submitted, overall.imported) == (12, 4, 20)
    assert overall.rate == pytest.approx(4 / 12)
    for rows in progress(round_).values():
        assert all(row.rate is None or row.rate <= 1 for row in rows)
    assert sum(row.imported for row in progress(round_)["county"]) == 20
    page = admin_client.get(f"/statistikk/runder/{round_.slug}/")
    assert page.status_code == 200
    assert "Imported, not invited" in page.content.decode() or "ikke invitert" in page.content.decode().lower()


def test_non_respondents_are_everyone_not_submitted(fieldwork):
    round_, invitations = fieldwork
    assert {i.pk for i in non_respondents(round_)} == {i.pk for i in invitations[4:]}


def test_the_representativeness_check_warns_about_missing_groups(fieldwork):
    round_, _invitations = fieldwork
    cells = representativeness(round_)
    assert sum(cell.population for cell in cells) == 12
    assert sum(cell.respondents for cell in cells) == 4
    assert abs(sum(cell.population_share for cell in cells) - 1) < 1e-9
    assert any(cell.missing for cell in cells) == any(cell.respondents == 0 for cell in cells if cell.population)


def test_reminders_go_to_non_respondents_of_the_chosen_group_once_a_day(fieldwork):
    round_, invitations = fieldwork
    mail.outbox.clear()
    sent = send_reminders(round_, {"workplace_type": WorkplaceType.PRIMARY_SCHOOL})
    expected = {i.email for i in invitations[4:] if i.workplace.workplace_type == WorkplaceType.PRIMARY_SCHOOL}
    assert sent == len(expected) and {m.to[0] for m in mail.outbox} == expected
    assert ReminderLog.objects.count() == sent
    assert ReminderLog.objects.first().group == "workplace_type=primary_school"
    assert send_reminders(round_, {"workplace_type": WorkplaceType.PRIMARY_SCHOOL}) == 0  # not twice a day
    # The other group can still be reminded today.
    assert send_reminders(round_, {"workplace_type": WorkplaceType.NURSING_HOME}) > 0
    submitted = {r.invitation_id for r in Response.objects.submitted()}
    assert not ReminderLog.objects.filter(invitation_id__in=submitted).exists()


def test_the_dashboard_for_analysts_and_the_contact_list_for_admins_only(fieldwork, django_user_model,
                                                                        admin_client):  # fmt: skip
    round_, _invitations = fieldwork
    analyst = django_user_model.objects.create_user("analytiker", password="x")
    analyst.groups.add(Group.objects.get(name="Analytikere"))
    client = Client()
    client.force_login(analyst)
    client.cookies["barometer_language"] = "en"
    page = client.get(f"/statistikk/runder/{round_.slug}/")
    assert page.status_code == 200
    assert page.context["progress"]["overall"][0].submitted == 4
    # A response rate beside a county or a size class is one of the invited workplaces in it.
    html = page.content.decode()
    for table in ("progress-county", "progress-size"):
        caption = re.search(rf'<caption id="{table}">([^<]*)</caption>', html).group(1)
        assert caption.startswith("Invited workplaces by "), caption
    assert client.get(f"/statistikk/runder/{round_.slug}/ikke-svart.csv").status_code == 403
    listing = admin_client.get(f"/statistikk/runder/{round_.slug}/ikke-svart.csv").content.decode()
    assert listing.count("@example.invalid") == 8
    assert client.get(f"/statistikk/runder/{round_.slug}/innsendinger.svg").content.startswith(b"<svg")


def test_an_admin_can_extend_a_round(admin_client, fieldwork):
    round_, _invitations = fieldwork
    before = round_.closes_at
    admin_client.post("/admin/surveys/round/", {"action": "extend_by_a_week", "_selected_action": [round_.pk]})
    round_.refresh_from_db()
    assert round_.closes_at - before >= timedelta(days=7) - timedelta(seconds=1)


def test_a_round_without_invitations_counts_its_submissions(admin_client, barometer_data, question_set, register):
    from barometer.synthetic import generate_round
    from surveys.models import PopulationCell, Region

    round_ = generate_round(question_set=question_set, slug="uten", name="Uten invitasjoner", workplaces=40).round
    PopulationCell.objects.create(round=round_, workplace_type="kindergarten",
                                  region=Region.objects.get(code="nord-norge"), workplaces=9)  # fmt: skip
    (overall,) = progress(round_)["overall"]
    assert (overall.invited, overall.submitted, overall.imported, overall.rate) == (0, 0, 40, None)
    assert sum(row.imported for row in progress(round_)["county"]) == 40
    page = admin_client.get(f"/statistikk/runder/{round_.slug}/").content.decode()
    assert "Nord-Norge" in page and "nord-norge</td>" not in page


def test_the_dashboard_lists_types_in_the_questionnaires_order_and_says_the_round_opened(fieldwork, admin_client):
    """Types were listed by their codes' English spelling (Helsestasjon, Barnehage, Alders-
    og sykehjem, ...), and an open round's dashboard said "Åpner 22. november" two weeks
    after it had opened."""
    from surveys.models import WorkplaceType

    round_, _invitations = fieldwork
    labels = [row.label for row in progress(round_)["workplace_type"]]
    order = [str(label) for label in WorkplaceType.labels]
    assert labels == sorted(labels, key=order.index) and len(labels) >= 2
    counties = [row.label for row in progress(round_)["county"]]
    assert counties, counties
    admin_client.cookies["barometer_language"] = "nb"
    Round.objects.filter(pk=round_.pk).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() + timedelta(days=3)
    )
    text = admin_client.get(f"/statistikk/runder/{round_.slug}/").content.decode()
    assert "Åpnet " in text and "og tar imot svar" in text and "Åpner " not in text
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(days=1))
    text = admin_client.get(f"/statistikk/runder/{round_.slug}/").content.decode()
    assert "og tok imot svar" in text
    Round.objects.filter(pk=round_.pk).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9)
    )
    text = admin_client.get(f"/statistikk/runder/{round_.slug}/").content.decode()
    assert "Åpner " in text


def test_the_submissions_chart_is_drawn_once_and_again_after_a_submission(
    fieldwork, admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    """The chart was drawn on every request; it is kept per figures version, layout and
    language, and a new submission (which moves the version) draws it anew."""
    from barometer.views import fieldwork as views

    round_, invitations = fieldwork
    drawn = []
    real = views.daily_chart
    monkeypatch.setattr(views, "daily_chart", lambda days, **kwargs: drawn.append(days) or real(days, **kwargs))
    address = f"/statistikk/runder/{round_.slug}/innsendinger.svg"
    first = admin_client.get(address).content
    assert admin_client.get(address).content == first and len(drawn) == 1
    admin_client.get(address + "?bredde=bred")
    assert len(drawn) == 2  # the wide drawing is kept apart
    with django_capture_on_commit_callbacks(execute=True):  # the version moves when the submission commits
        answer_all(Client(), invitations[6].token, round_.question_set, INNOVATOR_ANSWERS)
        Client().post(f"/s/{invitations[6].token}/oppsummering/")
    admin_client.get(address)
    assert len(drawn) == 3 and sum(count for _day, count in drawn[-1]) == 5
