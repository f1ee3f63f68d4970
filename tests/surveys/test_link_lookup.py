"""The respondent link looked up with a statement written once (``surveys.links``, issue 16).

It must give what the ORM's ``select_related`` gives, field for field and relation for
relation, on SQLite and PostgreSQL, and cost one statement (two for a self-test's link).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from surveys.links import find_link
from surveys.models import Invitation, Response
from surveys.services.answering import response_for_invitation, start_self_test


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_an_invitation_not_yet_answered_comes_without_a_response_and_asking_costs_nothing(national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace, email="leder@example.no")
    with CaptureQueriesContext(connection) as captured:
        found = find_link(None, invitation.token)
        with pytest.raises(Response.DoesNotExist):
            found.response  # noqa: B018 (the cached absence, as select_related leaves it)
    assert len(captured) == 1
    assert fields(found) == fields(Invitation.objects.get(pk=invitation.pk))


def test_an_invitation_comes_with_its_response_round_and_question_set_as_the_orm_gives_them(national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace, email="leder@example.no")
    response_for_invitation(invitation, language="nn")
    expected = Invitation.objects.select_related("response__round", "response__question_set").get(pk=invitation.pk)
    with CaptureQueriesContext(connection) as captured:
        found = find_link(None, invitation.token)
        response = found.response
        pairs = [
            (found, expected),
            (response, expected.response),
            (response.round, expected.response.round),
            (response.question_set, expected.response.question_set),
            (response.invitation, expected),
        ]
    assert len(captured) == 1
    for got, wanted in pairs:
        assert type(got) is type(wanted)
        assert fields(got) == fields(wanted)
    assert response.invitation is found
    assert response.round.opens_at.tzinfo is not None  # converted as the ORM converts it


def test_a_self_test_link_comes_with_round_question_set_and_municipality(self_test_round, municipality):
    started = start_self_test(
        round=self_test_round, workplace_type="kindergarten", municipality=municipality, employees=12, language="en"
    )
    expected = Response.objects.select_related("round", "question_set", "municipality").get(pk=started.pk)
    with CaptureQueriesContext(connection) as captured:
        found = find_link(None, started.token)
        pairs = [
            (found, expected),
            (found.round, expected.round),
            (found.question_set, expected.question_set),
            (found.municipality, expected.municipality),
        ]
        assert found.invitation is None
    assert len(captured) == 2  # no invitation has the digest, then the response
    for got, wanted in pairs:
        assert fields(got) == fields(wanted)


def test_a_wrong_or_altered_token_finds_nothing(national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    for token in (invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B"), "", "x" * 65):
        with pytest.raises(Http404):
            find_link(None, token)


def test_with_the_profile_an_invitation_brings_the_workplace_and_municipality_in_the_same_query(
    national_round, workplace
):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    response_for_invitation(invitation, language="nb")
    expected = Response.objects.select_related("workplace", "municipality").get(invitation=invitation)
    with CaptureQueriesContext(connection) as captured:
        found = find_link(None, invitation.token, with_profile=True).response
        pairs = [(found.workplace, expected.workplace), (found.municipality, expected.municipality)]
    assert len(captured) == 1
    for got, wanted in pairs:
        assert fields(got) == fields(wanted)


def test_a_report_s_response_comes_with_every_relation_its_report_reads(national_round, workplace):
    from barometer.access import _with_report_relations

    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    response = response_for_invitation(invitation, language="nb")
    expected = Response.objects.select_related(
        "round", "question_set", "workplace", "municipality__county", "invitation"
    ).get(pk=response.pk)
    with CaptureQueriesContext(connection) as captured:
        found = _with_report_relations(response.pk)
        pairs = [
            (found, expected),
            (found.round, expected.round),
            (found.question_set, expected.question_set),
            (found.workplace, expected.workplace),
            (found.municipality, expected.municipality),
            (found.municipality.county, expected.municipality.county),
            (found.invitation, expected.invitation),
        ]
    assert len(captured) == 1
    for got, wanted in pairs:
        assert fields(got) == fields(wanted)
    with pytest.raises(Http404):
        _with_report_relations(response.pk + 10_000)


def test_a_report_s_link_brings_every_relation_its_report_reads_in_the_link_s_statement(
    national_round, workplace, self_test_round, municipality
):
    """``report_response_for_token``: an invitation's response in one statement, a
    self-test's in two (no invitation has its digest), as the ORM's ``select_related``
    gives them; a link whose invitation is not started yet is a 404."""
    from django.test import RequestFactory

    from barometer.access import REPORT_RELATED, report_response_for_token

    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    with pytest.raises(Http404):
        report_response_for_token(RequestFactory().get("/"), invitation.token)
    invited = response_for_invitation(invitation, language="nb")
    self_test = start_self_test(
        round=self_test_round, workplace_type="kindergarten", municipality=municipality, employees=12, language="en"
    )
    for response, link, expected_statements in ((invited, invitation.token, 1), (self_test, self_test.token, 2)):
        expected = Response.objects.select_related(*REPORT_RELATED, "invitation").get(pk=response.pk)
        with CaptureQueriesContext(connection) as captured:
            found = report_response_for_token(RequestFactory().get("/"), link)
            pairs = [
                (found, expected),
                (found.round, expected.round),
                (found.question_set, expected.question_set),
                (found.municipality, expected.municipality),
                (found.municipality.county, expected.municipality.county),
            ]
            workplace_found, invitation_found = found.workplace, found.invitation
        assert len(captured) == expected_statements
        for got, wanted in pairs:
            assert type(got) is type(wanted)
            assert fields(got) == fields(wanted)
        if expected.workplace is None:
            assert workplace_found is None and invitation_found is None
        else:
            assert fields(workplace_found) == fields(expected.workplace)
            assert fields(invitation_found) == fields(expected.invitation)


def test_the_latest_published_round_is_the_one_the_orm_finds(national_round, question_set):
    from datetime import timedelta

    from django.utils import timezone

    from barometer.engine.snapshots import latest_published_round
    from surveys.models import Round, RoundKind

    assert latest_published_round() is None
    now = timezone.now()
    for number, days in enumerate((400, 30, 800)):
        Round.objects.create(
            slug=f"published-{number}", name=f"Published {number}", kind=RoundKind.NATIONAL, question_set=question_set,
            opens_at=now - timedelta(days=days + 60), closes_at=now - timedelta(days=days), results_published_at=now,
        )  # fmt: skip
    expected = (
        Round.objects.filter(kind=RoundKind.NATIONAL, results_published_at__isnull=False)
        .select_related("question_set")
        .order_by("-closes_at")
        .first()
    )
    with CaptureQueriesContext(connection) as captured:
        found = latest_published_round()
        assert fields(found.question_set) == fields(expected.question_set)
    assert len(captured) == 1
    assert found.slug == "published-1" and fields(found) == fields(expected)


def test_a_report_s_link_brings_the_round_it_compares_with_at_every_stage(
    national_round, workplace, question_set, self_test_round, municipality
):
    """The latest published national round's id comes in the link's own statement
    (``LATEST_PUBLISHED_ROUND_ID``, a column with no key and no parameter of its own, beside
    the answers' keyed one), and ``report_round_id`` then names the round ``report_round``
    names, without a statement: before any round is published, while the response's own
    round is in fieldwork and another is published, and once its own is published."""
    from datetime import timedelta

    from django.test import RequestFactory
    from django.utils import timezone

    from barometer.access import REPORT_COLUMNS, REPORT_RELATED, report_response_for_token
    from barometer.engine.snapshots import LATEST_PUBLISHED_ID, latest_published_round
    from barometer.reports.workplace import report_round, report_round_id
    from surveys.models import Round, RoundKind
    from surveys.questionnaire import AnswerValues

    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    invited = response_for_invitation(invitation, language="nb")
    self_test = start_self_test(
        round=self_test_round, workplace_type="kindergarten", municipality=municipality, employees=12, language="en"
    )
    now = timezone.now()

    def published(slug: str, closed_days_ago: int) -> Round:
        return Round.objects.create(
            slug=slug, name=slug, kind=RoundKind.NATIONAL, question_set=question_set, results_published_at=now,
            opens_at=now - timedelta(days=closed_days_ago + 60), closes_at=now - timedelta(days=closed_days_ago),
        )  # fmt: skip

    def check(expected_id):
        latest = latest_published_round()
        assert (latest.pk if latest else None) == expected_id
        found = report_response_for_token(RequestFactory().get("/"), invitation.token)
        assert found.__dict__[LATEST_PUBLISHED_ID] == expected_id
        with CaptureQueriesContext(connection) as captured:
            comparison = report_round_id(found)
        assert len(captured) == 0
        fresh = Response.objects.select_related(*REPORT_RELATED).get(pk=invited.pk)
        assert comparison == report_round(fresh).pk
        # A self-test's response keeps it too; its comparison is ranked apart (one statement).
        assert (
            report_response_for_token(RequestFactory().get("/"), self_test.token).__dict__[LATEST_PUBLISHED_ID]
            == expected_id
        )
        # With the answers' keyed column in the same statement, both are read right.
        with_answers = find_link(None, invitation.token, with_answers=True, response_columns=REPORT_COLUMNS)
        assert with_answers.response.__dict__[LATEST_PUBLISHED_ID] == expected_id
        assert AnswerValues.for_page(with_answers.response) == AnswerValues.for_response(invited)
        return comparison

    assert check(None) == national_round.pk  # nothing published: its own round
    older, newer = published("older", 400), published("newer", 30)
    published("oldest", 800)
    assert check(newer.pk) == newer.pk  # in fieldwork: the latest published round
    Round.objects.filter(pk=older.pk).update(closes_at=now - timedelta(days=1))
    assert check(older.pk) == older.pk
    Round.objects.filter(pk=national_round.pk).update(results_published_at=now)
    assert check(national_round.pk) == national_round.pk  # its own round, once published


def test_a_model_whose_key_is_not_its_first_column_is_refused(db):
    from django.core.exceptions import ImproperlyConfigured

    from surveys.statements import Prepared

    historical = Prepared("surveys.HistoricalQuestion", (), "{history_id} = %s")
    if historical.model._meta.concrete_fields[0] is historical.model._meta.pk:
        pytest.skip("the historical model's key is its first column here")
    with pytest.raises(ImproperlyConfigured, match="its key is not its first column"):
        historical.first([1])


@pytest.mark.parametrize("address", ["/rapporter/99999999999999999999/", "/rapporter/9223372036854775808/rapport.pdf"])
def test_a_report_id_beyond_any_integer_column_is_not_found(admin_client, national_round, address):
    """A written-once statement sent the number to the driver as it came, and SQLite's
    refused it: a 500 for a signed-in user (found by a fresh helper). The ORM's lookups
    match no row for it; so does ``Prepared``, without a query."""
    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get(address).status_code == 404
    assert not any("surveys_response" in query["sql"] for query in captured)


def test_instances_are_as_the_orm_makes_them_and_run_a_creation_receiver(national_round, workplace):
    """Built without ``Model.__init__`` where nobody listens, the instances still behave as
    ``from_db``'s: loaded from the database, nothing deferred, saved by an update; and
    where a ``post_init`` receiver listens, it runs for them as for the ORM's."""
    from django.db.models.signals import post_init

    invitation = Invitation.objects.create(round=national_round, workplace=workplace, email="leder@example.no")
    response_for_invitation(invitation, language="nn")
    found = find_link(None, invitation.token)
    for instance in (found, found.response, found.response.round, found.response.question_set):
        assert (instance._state.adding, instance._state.db) == (False, "default")
        assert instance.get_deferred_fields() == set()
    response = found.response
    response.language = "en"
    with CaptureQueriesContext(connection) as captured:
        response.save(update_fields=["language"])
    assert [query["sql"].split()[0] for query in captured] == ["UPDATE"]
    assert Response.objects.get(pk=response.pk).language == "en"

    made = []

    def receiver(sender, instance, **kwargs):
        made.append(type(instance).__name__)

    post_init.connect(receiver, sender=Invitation)
    try:
        find_link(None, invitation.token)
    finally:
        post_init.disconnect(receiver, sender=Invitation)
    assert made == ["Invitation"]
