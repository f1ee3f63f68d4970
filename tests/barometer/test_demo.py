"""The demo on SSB's real register: a synthetic previous round and a round in fieldwork."""

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation

from barometer.management.commands.seed_demo import DEMO_SLUG, FIELDWORK_SLUG
from barometer.reports.fieldwork import non_respondents, progress
from surveys.models import Invitation, ReminderLog, Response, ResponseStatus, Round
from surveys.services.registers import load_default_register


@pytest.fixture
def demo(barometer_data, question_set):
    """seed_demo as make run calls it, with a smaller previous round to keep the test quick."""
    load_default_register()
    call_command("seed_demo", "--workplaces", "80", stdout=io.StringIO())
    return Round.objects.get(slug=DEMO_SLUG), Round.objects.get(slug=FIELDWORK_SLUG)


def test_the_previous_round_is_synthetic_closed_and_on_the_real_register(demo):
    previous, fieldwork = demo
    assert previous.is_synthetic and previous.has_closed()
    assert previous.closes_at < fieldwork.opens_at
    responses = Response.objects.filter(round=previous)
    assert responses.count() == 80
    assert not responses.filter(municipality__is_sample=True).exists()
    assert not responses.filter(submitted_at__gt=previous.closes_at).exists()
    assert not responses.filter(submitted_at__lt=previous.opens_at).exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("nb", "ikke ekte data"), ("nn", "ikkje ekte data"), ("en", "not real data")],
)
def test_the_demo_rounds_are_named_synthetic_in_every_language(demo, language, expected):
    with translation.override(language):
        assert all(expected in str(round_) for round_ in demo)


def test_the_fieldwork_round_has_invitations_in_several_counties_at_every_stage(demo):
    _previous, fieldwork = demo
    assert fieldwork.is_open() and fieldwork.is_synthetic
    # Set as an admin would: opened at 09:00, answers taken until and including a day (its
    # welcome page said "until ... at 19:49", the minute the demo was made).
    from surveys.dates import closes_at_midnight, in_oslo

    assert closes_at_midnight(fieldwork.closes_at) and in_oslo(fieldwork.opens_at).hour == 9
    invitations = Invitation.objects.filter(round=fieldwork).select_related("workplace__municipality")
    assert invitations.values("workplace__municipality__county").distinct().count() >= 4
    assert all(i.email.endswith("@example.invalid") for i in invitations)
    # Created before it was sent (the admin showed "Opprettet" today, "sendt" weeks ago).
    assert all(i.created_at <= i.sent_at for i in invitations)
    assert all(i.workplace.name.startswith("Demo: ") and i.workplace.is_synthetic for i in invitations)
    assert not invitations.filter(workplace__municipality__is_sample=True).exists()
    (overall,) = progress(fieldwork)["overall"]
    assert overall.invited > overall.opened > overall.started > overall.submitted > 0
    rates = {row.rate for row in progress(fieldwork)["county"]}
    assert len(rates) > 1, "response rates should differ between counties"
    assert non_respondents(fieldwork).count() == overall.invited - overall.submitted
    reminded = ReminderLog.objects.filter(invitation__round=fieldwork)
    assert reminded.exists()
    # Every reminder went out while the workplace had not yet submitted, and is counted on its invitation.
    for log in reminded.select_related("invitation__response"):
        response = getattr(log.invitation, "response", None)
        assert response is None or response.submitted_at is None or response.submitted_at > log.sent_at
        assert log.invitation.reminder_count >= 1
    assert all(r.submitted_at <= timezone.now() for r in Response.objects.filter(
        round=fieldwork, status=ResponseStatus.SUBMITTED))  # fmt: skip


def test_seed_demo_is_idempotent(demo):
    counts = (Round.objects.count(), Response.objects.count(), Invitation.objects.count(), ReminderLog.objects.count())
    call_command("seed_demo", "--workplaces", "80", stdout=io.StringIO())
    assert counts == (
        Round.objects.count(),
        Response.objects.count(),
        Invitation.objects.count(),
        ReminderLog.objects.count(),
    )


def test_the_dashboard_shows_rates_and_the_round_name_in_the_page_language(demo, admin_client):
    _previous, fieldwork = demo
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.get(f"/statistikk/runder/{fieldwork.slug}/")
    html = page.content.decode()
    assert "Demo round in fieldwork" in html and "Demorunde" not in html
    assert page.context["progress"]["overall"][0].rate > 0
    listing = admin_client.get(f"/statistikk/runder/{fieldwork.slug}/ikke-svart.csv").content.decode()
    assert listing.count("@example.invalid") == non_respondents(fieldwork).count() > 0


def kindergarten_self_test(question_set) -> Response:
    """A kindergarten in Oslo taking the open self-test (not submitted)."""
    from surveys.models import Municipality, RoundKind

    self_test = Round.objects.create(
        slug="selvtest", name="Selvtest", kind=RoundKind.SELF_TEST, question_set=question_set,
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=9),
    )  # fmt: skip
    return Response.objects.create(
        round=self_test, question_set=question_set, workplace_type="kindergarten",
        municipality=Municipality.objects.get(number="0301"), employees=10,
    )  # fmt: skip


def test_a_self_test_is_compared_with_the_closed_round_not_the_one_in_fieldwork(demo):
    from barometer.engine.figures import comparison_round

    previous, _fieldwork = demo
    response = kindergarten_self_test(previous.question_set)
    assert comparison_round(response) == previous


def test_the_synthetic_round_is_published_once_and_a_self_test_shows_its_peer_groups(demo):
    from barometer.management.commands.seed_demo import publish_synthetic_round
    from barometer.models import PublishedSnapshot
    from barometer.reports.workplace import build_workplace_report

    previous, _fieldwork = demo
    assert publish_synthetic_round() is not None
    assert publish_synthetic_round() is None  # make run again: no second edition
    assert PublishedSnapshot.objects.filter(round=previous).count() == 1
    response = kindergarten_self_test(previous.question_set)
    report = build_workplace_report(response)
    assert report.round == previous and report.published
    assert [kind for kind, _label in report.peer_labels] == ["workplace_type", "size_class", "centrality", "county"]
    assert any(peer.estimate.shown for row in report.rows for peer in row.peers)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_method_page_names_ssb_and_the_licence(client, db, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/metode/").content.decode()
    assert "Statistisk sentralbyrå (SSB)" in page
    assert "NLOD" in page and "data.norge.no/nlod/" in page
    assert "357" in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nb", "0\u00a0% eller 100\u00a0%, har ingen eller alle i gruppen gitt det svaret"),
        ("nn", "0\u00a0% eller 100\u00a0%, har ingen eller alle i gruppa gitt det svaret"),
        ("en", "0% or 100%, nobody or everybody in it gave that answer"),
    ],
)
def test_the_method_page_says_a_share_of_none_or_all_holds_for_hidden_parts(client, db, language, words):
    """The exact audit checks counts; a shown 0 % or 100 % still gives a hidden part's
    share (docs/disclosure.md), and the page must not promise more than that."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/metode/").content.decode()
    paragraph = page[page.index('id="all-or-none"') :]
    assert words in paragraph[: paragraph.index("</p>")]


@pytest.mark.parametrize(
    ("language", "heading"), [("nb", "Du har ikke tilgang til dette"), ("en", "You may not do this")]
)
def test_a_forbidden_page_is_in_the_site_style_and_language(
    national_round, client, django_user_model, language, heading
):
    from django.contrib.auth.models import Group

    analyst = django_user_model.objects.create_user("analytiker", password="x")
    analyst.groups.add(Group.objects.get(name="Analytikere"))
    client.force_login(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/statistikk/runder/{national_round.slug}/ikke-svart.csv")
    assert response.status_code == 403
    page = response.content.decode()
    assert heading in page and "<main" in page and "403 Forbidden" not in page


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", "kombinasjoner av tre eller flere grupper"), ("nn", "kombinasjonar av tre eller fleire grupper"),
     ("en", "combinations of three or more groups")],
)  # fmt: skip
def test_the_method_page_names_what_the_exact_check_does_not_look_at(client, db, language, words):
    """It said a hidden figure "cannot be computed from what is shown", while the audit is
    linear and docs/disclosure.md accepts bounds, longer combinations and two rounds
    (found by a fresh tester)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/metode/").content.decode()
    assert words in page and "cannot be computed from what is shown" not in page


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_method_page_gives_each_threshold_from_the_rule_that_applies_it(client, db, language, settings):
    """The page wrote "at least 6" and "at least 5" into its text, and analysts' live pages
    say groups under ``BAROMETER_MIN_GROUP_SIZE`` (5) are hidden, which no public page
    explained beside the published rule's 6. Every number now comes from the rule's own
    constant, and the live figures' rule is said apart, with its own number."""
    from barometer.engine.disclosure import MIN_PUBLISHED, MIN_UNKNOWN

    settings.BAROMETER_MIN_GROUP_SIZE = 4  # a deployment's own, to tell it from 5 and 6
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/metode/").content.decode()
    text = re.sub(r"<[^>]+>", " ", page)
    least = {"nb": "minst", "nn": "minst", "en": "at least"}[language]
    fewer = {"nb": "færre enn", "nn": "færre enn", "en": "fewer than"}[language]
    assert text.count(f"{least} {MIN_PUBLISHED} ") >= 3, text
    assert f"{least} {MIN_UNKNOWN} " in text
    live = page[page.index('id="live-figures"') :]
    live = live[: live.index("</p>")]
    assert f"{fewer} 4 " in live and f"{least} {MIN_PUBLISHED} " in live


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nb", "Populasjonen er en tabell over virksomheter etter type og landsdel når en slik er lagt inn"),
        ("nn", "Populasjonen er ein tabell over verksemder etter type og landsdel når ein slik er lagd inn"),
        ("en", "The population is a table of workplaces by type and region when one has been loaded"),
    ],
)
def test_the_method_page_says_a_loaded_population_table_comes_before_the_invitations(
    client, national_round, workplace, language, words
):
    """The page said the invitations were the population and the table only for a round
    without them, while the weighting takes a loaded table first (a tester found it)."""
    from barometer.engine.population import round_population
    from surveys.models import Invitation, PopulationCell, Region

    Invitation.objects.create(round=national_round, workplace=workplace)
    PopulationCell.objects.create(
        round=national_round, workplace_type=workplace.workplace_type, region=Region.objects.first(), workplaces=40
    )
    assert round_population(national_round)[1] == "table"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/metode/").content.decode().replace("\u00a0", " ")
    paragraph = page[page.index('id="population"') :]
    assert words in paragraph[: paragraph.index("</p>")]


def test_setup_demo_reports_its_steps_in_the_order_it_takes_them(db, settings, monkeypatch):
    """It printed the register's line after the rounds had been seeded and published, as
    if the register were loaded last."""
    from barometer.management.commands import setup_demo

    def fake_command(name, *args, stdout=None, **kwargs):
        if stdout is not None:
            stdout.write(f"ran {name}")

    settings.DEBUG = True
    monkeypatch.setattr(setup_demo, "demo_database_in_use", lambda: True)
    monkeypatch.setattr(setup_demo, "call_command", fake_command)
    monkeypatch.setattr(setup_demo, "publish_synthetic_round", lambda announce: None)
    output = io.StringIO()
    call_command("setup_demo", stdout=output)
    lines = output.getvalue().splitlines()
    register = next(i for i, line in enumerate(lines) if line.startswith("Register (SSB, 1 January 2024)"))
    assert (
        register
        < lines.index("ran seed_demo")
        < lines.index("The synthetic round's results are published already; nothing to do.")
    )
    # All in the command's English: the set's own name gave its status in bokmål ("(publisert)").
    assert "Question set: innovasjonsbarometeret version 1 (published)." in lines
    assert not any("publisert" in line for line in lines)
