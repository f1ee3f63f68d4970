"""Shared fixtures: the shipped question set, the sample register and the people who use the app."""

from datetime import timedelta

import pytest
from django.utils import timezone

from barometer.reference_data import load_indicators, load_reference_figures
from surveys.models import Round, RoundKind, Workplace, WorkplaceType
from surveys.services.questionsets import import_questionset, load_questionset_file
from surveys.services.registers import DATA_DIR, import_municipalities, load_regions_and_counties

QUESTIONSET_FILE = DATA_DIR / "innovasjonsbarometeret.json"


@pytest.fixture
def barometer_data(db):
    """The published reference figures and the indicator definitions."""
    load_reference_figures()
    load_indicators()


@pytest.fixture
def questionset_data():
    return load_questionset_file(QUESTIONSET_FILE)


@pytest.fixture
def question_set(db, questionset_data):
    """The shipped Innovasjonsbarometeret question set, published."""
    return import_questionset(questionset_data)


@pytest.fixture
def register(db):
    load_regions_and_counties()
    import_municipalities(DATA_DIR / "sample_register.csv", is_sample=True)


@pytest.fixture
def municipality(register):
    from surveys.models import Municipality

    return Municipality.objects.get(number="9901")


@pytest.fixture
def other_municipality(register):
    from surveys.models import Municipality

    return Municipality.objects.get(number="9902")


@pytest.fixture
def workplace(municipality):
    return Workplace.objects.create(
        name="Eksempelvik skole", workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality, employees=40
    )


@pytest.fixture
def national_round(question_set):
    now = timezone.now()
    return Round.objects.create(
        slug="barometer-2026",
        name="Innovasjonsbarometeret 2026",
        kind=RoundKind.NATIONAL,
        question_set=question_set,
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=21),
    )


@pytest.fixture
def self_test_round(question_set):
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
