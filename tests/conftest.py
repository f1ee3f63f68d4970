"""Shared fixtures: the shipped question set, the sample register and the people who use the app.

The question set, the register and the reference data are loaded ONCE per test run, into the
test database right after it is migrated (``django_db_setup`` below; see tests/shared_data.py).
``question_set``, ``register``, ``barometer_data``, ``municipality`` and the rest only look the
preloaded rows up; a test that uses the database without them sees the data all the same. A
test of loading or importing those files that must start without them asks for
``empty_database``. Transactional tests (``transaction=True``, ``live_server``) end with a
flush, after which the shared data is loaded again.
"""

import functools
from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models.signals import post_migrate
from django.utils import timezone, translation

from surveys.models import Municipality, QuestionSet, Round, RoundKind, Workplace, WorkplaceType
from surveys.page_shells import clear_page_shells
from surveys.questionnaire import Questionnaire
from surveys.services.questionsets import load_questionset_file
from surveys.shared_pages import clear_shared_pages
from tests import hypothesis_profiles
from tests.shared_data import QUESTIONSET_FILE, SharedTables, reload_after_flush

__all__ = ["QUESTIONSET_FILE"]

hypothesis_profiles.load_profile()

#: The fixtures that read the shared data; they cannot be combined with ``empty_database``.
SHARED_DATA_FIXTURES = frozenset({"question_set", "register", "barometer_data"})


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the shared data loaded once (a ``SharedTables``)."""
    with django_db_blocker.unblock():
        tables = SharedTables.load()
    # After the last app's post_migrate handlers: content types and permissions are back by then.
    receiver = functools.partial(reload_after_flush, tables)
    post_migrate.connect(receiver, sender=list(apps.get_app_configs())[-1], dispatch_uid=__name__, weak=False)
    yield tables
    post_migrate.disconnect(dispatch_uid=__name__, sender=list(apps.get_app_configs())[-1])


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """No test reads a questionnaire or a public page kept by another.

    The preloaded question set keeps its primary key and revision from test to test, while a
    test that corrects a wording (a new revision) is rolled back: the next test to correct one
    would otherwise get the first one's texts from the per-revision cache. The front page and
    the self-test's first page are kept per language (``surveys.shared_pages``) and would
    show the previous test's rounds. The questionnaire's page shells are kept per question set
    revision (``surveys.page_shells``), which a rolled-back correction repeats.
    """
    Questionnaire.clear_cache()
    clear_shared_pages()
    clear_page_shells()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language and leaves no language active behind it.

    Django keeps the language a request activated (LocaleMiddleware) for the rest of the
    thread; without this a test's result could depend on the language of the test before it.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def empty_database(request, db, django_db_setup):
    """A database without the shared data (rolled back after the test), for tests of loading or
    importing the register, the question set or the reference data into an empty database."""
    clash = SHARED_DATA_FIXTURES & set(request.fixturenames)
    if clash:
        pytest.fail(f"empty_database cannot be combined with {', '.join(sorted(clash))}", pytrace=False)
    django_db_setup.empty()


@pytest.fixture
def barometer_data(db):
    """The published reference figures and the indicator definitions (preloaded)."""


@pytest.fixture
def questionset_data():
    """The shipped question-set file, parsed (a fresh copy for each test)."""
    return load_questionset_file(QUESTIONSET_FILE)


@pytest.fixture
def question_set(db, django_db_setup):
    """The shipped Innovasjonsbarometeret question set, published (preloaded)."""
    return shipped_question_set(django_db_setup)


@pytest.fixture
def register(db):
    """The regions, the counties and the 30-municipality sample register (preloaded)."""


@pytest.fixture
def municipality(register):
    return Municipality.objects.get(number="9901")


@pytest.fixture
def other_municipality(register):
    return Municipality.objects.get(number="9902")


@pytest.fixture
def workplace(municipality):
    return Workplace.objects.create(
        name="Eksempelvik skole", workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality, employees=40
    )


def shipped_question_set(tables: SharedTables) -> QuestionSet:
    """The preloaded shipped question set (``tables`` is what ``django_db_setup`` gives)."""
    slug, version = tables.question_set_key
    return QuestionSet.objects.get(slug=slug, version=version)


def make_national_round(question_set: QuestionSet) -> Round:
    """A national round that opened a week ago and closes in three weeks."""
    now = timezone.now()
    return Round.objects.create(
        slug="barometer-2026",
        name="Innovasjonsbarometeret 2026",
        kind=RoundKind.NATIONAL,
        question_set=question_set,
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=21),
    )


def make_self_test_round(question_set: QuestionSet) -> Round:
    """The self-test round, open from a week ago for a year."""
    now = timezone.now()
    return Round.objects.create(
        slug="selvtest",
        name="Selvtest",
        kind=RoundKind.SELF_TEST,
        question_set=question_set,
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=365),
    )


@pytest.fixture
def national_round(question_set):
    return make_national_round(question_set)


@pytest.fixture
def self_test_round(question_set):
    return make_self_test_round(question_set)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.invalid", "correct-horse-battery")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _forget_refused_addresses():
    """Each test starts with no address refused by the link rate limiter and no cached
    option bit positions (SQLite reuses ids after a rollback)."""
    from surveys import option_masks
    from surveys.links import clear_blocked

    clear_blocked()
    option_masks.clear_cache()
    yield
    clear_blocked()
