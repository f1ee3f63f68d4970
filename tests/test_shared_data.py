"""The data loaded once per test run: every test starts from it, whatever ran before.

The two-turn tests below run the same body twice in a row; the second turn fails if the first
one left something behind (a flushed database, a cached object). Under pytest-xdist the
module's tests stay together in one process, in order (``xdist_group``, ``--dist loadgroup``).
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from barometer.models import Indicator, ReferenceFigure
from surveys.models import County, Municipality, Question, QuestionSet, Region
from surveys.questionnaire import Questionnaire
from tests import hypothesis_profiles
from tests.shared_data import QUESTIONSET_FILE
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
