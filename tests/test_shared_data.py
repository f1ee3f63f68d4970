"""The data loaded once per test run: every test starts from it, whatever ran before.

The two-turn tests below run the same body twice in a row; the second turn fails if the first
one left something behind (a flushed database, a cached object). Under pytest-xdist the
module's tests stay together in one process, in order (``xdist_group``, ``--dist loadgroup``).
"""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import translation

from barometer.models import Indicator, ReferenceFigure
from surveys.models import (
    County,
    Municipality,
    Question,
    QuestionSet,
    Region,
    Response,
    Round,
    Workplace,
    WorkplaceType,
)
from surveys.questionnaire import Questionnaire
from tests import hypothesis_profiles
from tests.conftest import make_national_round, shipped_question_set
from tests.shared_data import QUESTIONSET_FILE, KeptRows
from tests.surveys.test_questionset_file import SKELETON_BLOCKS

pytestmark = pytest.mark.xdist_group("test_shared_data")
TWO_TURNS = pytest.mark.parametrize("turn", [1, 2])
CACHE_KEY = "tests.test_shared_data"


def assert_shared_data_is_there():
    assert (Region.objects.count(), County.objects.count(), Municipality.objects.count()) == (5, 15, 30)
    question_set = QuestionSet.objects.get(slug="innovasjonsbarometeret", version=1)
    assert set().union(*SKELETON_BLOCKS.values()) <= set(question_set.questions.values_list("code", flat=True))
    assert ReferenceFigure.objects.exists()
    assert Indicator.objects.filter(reference_figures__isnull=False).exists()


def test_a_test_that_asks_for_nothing_finds_the_shared_data(db):
    assert_shared_data_is_there()


def test_the_fixtures_return_the_preloaded_rows(question_set, municipality, other_municipality):
    assert (question_set.slug, question_set.status) == ("innovasjonsbarometeret", "published")
    assert QUESTIONSET_FILE.name == "innovasjonsbarometeret.json"
    assert (municipality.number, other_municipality.number) == ("9901", "9902")


@TWO_TURNS
@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_finds_the_shared_data_and_leaves_it_behind(turn):
    """A real transaction ends with a flush; the second turn finds the data loaded again and
    nothing cached by the first."""
    assert_shared_data_is_there()
    assert Municipality.objects.get(number="9901").name != "Endret i første runde"
    assert cache.get(CACHE_KEY) is None
    cache.set(CACHE_KEY, turn, timeout=None)
    Municipality.objects.filter(number="9901").update(name="Endret i første runde")
    assert Municipality.objects.get(number="9901").name == "Endret i første runde"


@TWO_TURNS
def test_a_corrected_wording_cached_by_one_test_is_not_served_to_the_next(question_set, turn):
    """Both turns correct a text to a revision of the same number; each must see its own."""
    question = Question.objects.get(question_set=question_set, code="role")
    question.text_en = f"Your role (turn {turn})?"
    question.save()
    question_set.refresh_from_db()
    questionnaire = Questionnaire.of(question_set)
    assert next(q for q in questionnaire.questions if q.code == "role").text_en == f"Your role (turn {turn})?"


#: The kept response's "last saved", older than any test: put back as stored, not as "now".
LONG_AGO = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


def build_kept_round(question_set) -> int:
    """A round with one workplace's response, saved long ago; returns the response's key."""
    round_ = make_national_round(question_set)
    workplace = Workplace.objects.create(
        name="Eksempelvik skole",
        workplace_type=WorkplaceType.PRIMARY_SCHOOL,
        municipality=Municipality.objects.get(number="9901"),
        employees=40,
    )
    response = Response.objects.create(
        round=round_, question_set=question_set, workplace=workplace, workplace_type=workplace.workplace_type,
        municipality=workplace.municipality, employees=40,
    )  # fmt: skip
    Response.objects.filter(pk=response.pk).update(updated_at=LONG_AGO)
    return response.pk


@pytest.fixture(scope="module")
def kept_round(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return KeptRows.build(lambda: build_kept_round(shipped_question_set(django_db_setup)), django_db_setup)


@TWO_TURNS
@pytest.mark.django_db(transaction=True)
def test_kept_rows_come_back_exactly_after_every_flush(kept_round, turn):
    """The build ran once and was flushed away; each turn finds its rows back as they were
    stored (keys and timestamps), whatever the turn before did to them."""
    kept, response_pk = kept_round
    assert not Round.objects.exists()
    kept.restore()
    response = Response.objects.select_related("round", "workplace").get(pk=response_pk)
    assert (response.round.slug, response.workplace.name, response.updated_at) == (
        "barometer-2026", "Eksempelvik skole", LONG_AGO
    )  # fmt: skip
    assert kept.round_ids == (response.round_id,)
    Round.objects.filter(pk=response.round_id).update(name="Endret i første runde")
    response.delete()


@pytest.mark.django_db(transaction=True)
def test_a_build_that_changes_a_shared_row_is_refused(django_db_setup):
    def build():
        Municipality.objects.filter(number="9901").update(name="Endret")

    with pytest.raises(RuntimeError, match=r"surveys\.Municipality"):
        KeptRows.build(build, django_db_setup)


@TWO_TURNS
@pytest.mark.django_db(transaction=True)
def test_shared_rows_come_back_with_their_stored_timestamps(django_db_setup, turn):
    """After a flush (the first turn's, at the latest) the indicators are put back as
    loaded, not as changed "now"."""
    loaded = {row.pk: row.updated_at for row in django_db_setup.rows[Indicator]}
    assert dict(Indicator.objects.values_list("pk", "updated_at")) == loaded


@TWO_TURNS
@pytest.mark.django_db(transaction=True)
def test_the_staff_roles_come_back_after_every_flush(django_db_setup, turn):
    """The data migrations' groups, with their permissions, are there in both turns (the
    second after the first turn's flush), so a test that needs a role can run after a
    transactional one."""
    roles = {
        group.name: set(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.all()
    }
    assert roles == {name: set(permissions) for name, permissions in django_db_setup.roles}
    assert ("barometer", "export_raw_responses") in roles["Analytikere"]
    Group.objects.filter(name="Analytikere").delete()


def test_empty_database_holds_none_of_the_shared_data(empty_database):
    for model in (Region, County, Municipality, QuestionSet, Question, ReferenceFigure, Indicator):
        assert not model.objects.exists(), model
    assert not Indicator.reference_figures.through.objects.exists()
    assert not QuestionSet.history.model.objects.exists()


@pytest.mark.parametrize(("profile", "expected"), [(None, (1000, 400)), ("ci", (1000, 400)), ("dev", (100, 40))])
def test_property_tests_run_their_full_counts_unless_the_dev_profile_is_chosen(monkeypatch, profile, expected):
    if profile is None:
        monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    else:
        monkeypatch.setenv("HYPOTHESIS_PROFILE", profile)
    assert (hypothesis_profiles.example_count(1000), hypothesis_profiles.example_count(400)) == expected


def test_a_language_a_test_activates_is_not_kept():
    """First half: nynorsk is left active in this thread, as a request in nynorsk leaves it..."""
    translation.activate("nn")
    assert translation.get_language() == "nn"


def test_the_next_test_starts_in_the_default_language():
    """...second half: the next test starts in the default language all the same."""
    assert translation.get_language() == settings.LANGUAGE_CODE
