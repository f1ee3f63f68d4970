"""Invariants the database itself enforces, on SQLite and PostgreSQL alike."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from surveys.models import (
    Answer,
    County,
    Municipality,
    Question,
    Response,
    ResponseStatus,
    Round,
    SizeClass,
    WorkplaceType,
)


def make_response(round_, workplace, **extra):
    return Response.objects.create(
        round=round_,
        question_set=round_.question_set,
        workplace=workplace,
        workplace_type=workplace.workplace_type,
        municipality=workplace.municipality,
        **extra,
    )


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_one_response_per_workplace_and_round(national_round, workplace):
    make_response(national_round, workplace)
    refused(lambda: make_response(national_round, workplace))


def test_self_tests_without_workplace_are_not_limited(self_test_round, municipality):
    for _ in range(2):
        Response.objects.create(
            round=self_test_round,
            question_set=self_test_round.question_set,
            workplace_type=WorkplaceType.KINDERGARTEN,
            municipality=municipality,
        )
    assert Response.objects.count() == 2


def test_submitted_means_it_has_a_submission_time(national_round, workplace):
    refused(lambda: make_response(national_round, workplace, status=ResponseStatus.SUBMITTED))
    refused(lambda: make_response(national_round, workplace, submitted_at=timezone.now()))


def test_one_answer_per_question_and_response(national_round, workplace):
    response = make_response(national_round, workplace)
    question = Question.objects.get(question_set=national_round.question_set, code="role")
    Answer.objects.create(response=response, question=question)
    refused(lambda: Answer.objects.create(response=response, question=question))


def test_unknown_language_and_workplace_type_are_refused(national_round, workplace):
    refused(lambda: make_response(national_round, workplace, language="sv"))
    workplace.workplace_type = "prison"
    refused(workplace.save)


def test_round_must_close_after_opening(question_set):
    now = timezone.now()
    refused(lambda: Round.objects.create(slug="r", name="R", question_set=question_set, opens_at=now, closes_at=now))


def test_centrality_is_a_class_from_1_to_6(register):
    county = County.objects.first()
    refused(lambda: Municipality.objects.create(number="9990", name="X", county=county, population=10, centrality=7))


def test_municipality_number_has_four_digits(register):
    county = County.objects.first()
    refused(lambda: Municipality.objects.create(number="99", name="X", county=county, population=10, centrality=3))


@pytest.mark.parametrize(
    ("population", "size_class"),
    [(0, SizeClass.UNDER_5000), (4_999, SizeClass.UNDER_5000), (5_000, SizeClass.FROM_5000),
     (19_999, SizeClass.FROM_5000), (20_000, SizeClass.FROM_20000), (49_999, SizeClass.FROM_20000),
     (50_000, SizeClass.FROM_50000), (700_000, SizeClass.FROM_50000)],
)  # fmt: skip
def test_size_class_is_derived_from_population_by_the_database(register, population, size_class):
    county = County.objects.first()
    municipality = Municipality.objects.create(
        number="9990", name="Grensetilfelle", county=county, population=population, centrality=3
    )
    municipality.refresh_from_db()
    assert municipality.size_class == size_class
    Municipality.objects.filter(pk=municipality.pk).update(population=population + 30_000)
    municipality.refresh_from_db()
    assert municipality.size_class >= size_class
