"""The data nearly every test reads, loaded once per test run instead of once per test.

``load_shared_data()`` puts into the test database what the shipped files describe: the five
regions and fifteen counties, the 30-municipality sample register, the shipped question set
(published) and the published reference figures with the indicator definitions. The test
session loads it once, right after the test database is migrated (``django_db_setup`` in
``tests/conftest.py``); every ordinary test runs inside a transaction that is rolled back,
so each test starts from exactly this data.

Tests that need real transactions end with Django's ``flush``, which empties every table.
``flush`` then sends ``post_migrate`` so that apps can recreate the rows they rely on (that is
how content types and permissions come back); ``reload_after_flush`` is connected to that
signal for the test session and puts the shared data back, so the tests that run after
a transactional test still find it. It puts back the very rows the first loading stored
(kept by ``SharedTables``, primary keys and all) with one prepared insert per table, instead of
running the loaders again: that took seconds after each of the few dozen transactional tests.

``SharedTables`` records which tables the loading filled, so that a test about loading or
importing these files can start from a database without them (the ``empty_database``
fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django_redis.cache import RedisCache

from barometer.reference_data import load_indicators, load_reference_figures
from surveys.models import QuestionSet, Round
from surveys.questionnaire import Questionnaire
from surveys.services.answering import bump_data_version
from surveys.services.questionsets import import_questionset, load_questionset_file
from surveys.services.registers import DATA_DIR, import_municipalities, load_regions_and_counties

QUESTIONSET_FILE = DATA_DIR / "innovasjonsbarometeret.json"
SAMPLE_REGISTER_FILE = DATA_DIR / "sample_register.csv"

T = TypeVar("T")


@transaction.atomic
def load_shared_data() -> QuestionSet:
    """Load the register, the shipped question set and the reference data; return the set.

    Every loader used here is idempotent, so loading into a database that already holds the
    data changes nothing. Raises whatever the loaders raise for a broken shipped file
    (``QuestionSetFileError``, ``RegisterFileError``, ``ValidationError``).
    """
    load_regions_and_counties()
    import_municipalities(SAMPLE_REGISTER_FILE, is_sample=True)
    question_set = import_questionset(load_questionset_file(QUESTIONSET_FILE))
    load_reference_figures()
    load_indicators()
    return question_set


def row_counts() -> dict[type, int]:
    """The number of rows of every model's table (auto-created many-to-many tables included)."""
    return {model: model._base_manager.count() for model in apps.get_models(include_auto_created=True)}


@dataclass(frozen=True)
class SharedTables:
    """The tables ``load_shared_data`` filled: the models whose tables were empty before."""

    models: tuple[type, ...]
    #: The shipped question set's natural key.
    question_set_key: tuple[str, int]
    #: Every row the loading stored, by model (the instances as read back right after loading).
    rows: dict[type, list] = field(default_factory=dict, compare=False, repr=False)
    #: The groups the data migrations made (the staff roles), as (name, ((app label,
    #: codename), ...)): ``flush`` empties the groups, and the permissions come back with new keys.
    roles: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    @classmethod
    def load(cls) -> SharedTables:
        """Load the shared data into a freshly migrated database and record where it went.

        Raises ``RuntimeError`` when the loading stored nothing (the database already held
        the data, as a database kept with ``--reuse-db`` does) or when a table it fills already
        had rows after migrating: ``empty`` could then not tell the shared rows from others.
        """
        before = row_counts()
        question_set = load_shared_data()
        after = row_counts()
        filled = [model for model, count in after.items() if count != before[model]]
        if not filled:
            raise RuntimeError("the test database already holds the shared test data: run without --reuse-db")
        preexisting = [model._meta.label for model in filled if before[model]]
        if preexisting:
            raise RuntimeError(f"tables filled by both the migrations and the shared test data: {preexisting}")
        rows = {model: list(model._base_manager.order_by("pk")) for model in filled}
        roles = tuple(
            (group.name, tuple(group.permissions.order_by("pk").values_list("content_type__app_label", "codename")))
            for group in Group.objects.order_by("pk")
        )
        return cls(tuple(filled), (question_set.slug, question_set.version), rows, roles)

    def restore(self) -> None:
        """Put every shared row back into the (emptied) tables, with its primary key.

        One insert per table in one transaction (``insert_rows``; the foreign keys are
        checked when it ends, so the order of the tables does not matter), timestamps as
        they were stored. No ``save()`` and no signals run:
        the rows are the ones the loaders stored, not a new change to audit. Raises
        ``IntegrityError`` when a table still holds one of the rows.
        """
        with transaction.atomic():
            for model in self.models:
                insert_rows(model, self.rows[model])

    def restore_roles(self) -> None:
        """Make the staff roles again as the data migrations made them, after a flush: each
        group that is missing, with its permissions looked up by app label and codename."""
        for name, permissions in self.roles:
            group, created = Group.objects.get_or_create(name=name)
            if created:
                wanted = Q()
                for app_label, codename in permissions:
                    wanted |= Q(content_type__app_label=app_label, codename=codename)
                group.permissions.set(Permission.objects.filter(wanted) if permissions else [])

    def empty(self) -> None:
        """Delete every shared row, in the current transaction (a rolled-back test restores them).

        Plain ``DELETE`` statements: the immutability rules of a published question set and the
        audit history must not see this as a change (the foreign keys are checked when the
        test's transaction ends, by then every table involved is empty).
        """
        with connection.cursor() as cursor:
            for model in self.models:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        Questionnaire.clear_cache()


def reload_after_flush(tables: SharedTables, **kwargs) -> None:
    """``post_migrate`` receiver (with ``tables`` bound): after a transactional test's flush,
    clear the caches and put the shared data and the staff roles back.

    The database cache table is not a model table, so ``flush`` leaves it as it is: clearing it
    keeps results cached by that test (under round ids that will be used again) from being
    read by a later one.
    """
    clear_local_cache()
    Questionnaire.clear_cache()
    tables.restore()
    tables.restore_roles()


def clear_local_cache() -> None:
    """Empty Django's cache when it belongs to this test run (the database table or local
    memory); a Redis server named by ``REDIS_URL`` may be shared and is left alone."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        backend.clear()


@contextmanager
def kept_for_the_module(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Open a transaction that lasts for a test module, call ``build()`` in it and give back
    what it returns; what ``build`` stored stays for every test of the module and is rolled
    back after the last one.

    For data that takes seconds to build and that the module's tests only read: a module-scoped
    fixture yields from this, and a function-scoped fixture that asks for ``db`` hands the
    value to each test. pytest-django runs each test in a savepoint inside this transaction,
    so whatever a test changes is rolled back before the next one, exactly as without it. Not
    for modules with transactional tests (``transaction=True`` or ``live_server``): their
    flush would empty the tables inside the open transaction.
    """
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            value = build()
        except BaseException:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            Questionnaire.clear_cache()


#: The apps whose rows a ``KeptRows`` keeps: the domain's. Users, groups, permissions, content
#: types and sessions are left out: ``flush`` gives content types and permissions new primary
#: keys, so rows pointing at them could not be put back as they were.
KEPT_APPS = frozenset({"surveys", "barometer"})


@dataclass(frozen=True)
class KeptRows:
    """The domain rows a build stored, kept so that they can be put back after every flush.

    For live-server tests (each ends with Django's ``flush``) whose data takes seconds to build:
    a generated round, published. ``KeptRows.build`` runs the build once, keeps every row it
    added to the domain apps' tables (``KEPT_APPS``) and then flushes; ``restore`` puts those
    rows back with their primary keys, in one prepared insert per table, before each test. The
    build must not change a shared row (``SharedTables``), since the flush puts those back as
    they were loaded; nor store anything a test needs outside the domain apps (users, groups):
    a test makes those itself.
    """

    rows: dict[type, list] = field(repr=False)
    #: The kept rounds' primary keys: their cached figures are dropped on restore.
    round_ids: tuple[int, ...] = ()

    @classmethod
    def build(cls, build: Callable[[], T], shared: SharedTables) -> tuple[KeptRows, T]:
        """Call ``build()`` (outside any transaction), keep what it added, flush; return both.

        Raises ``RuntimeError`` when the build changed or deleted a shared row.
        """
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in KEPT_APPS]
        before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in models}
        value = build()
        rows = {}
        for model in models:
            added = [row for row in model._base_manager.order_by("pk") if row.pk not in before[model]]
            if added:
                rows[model] = added
        changed = [
            model._meta.label
            for model in shared.models
            if [_field_values(row) for row in model._base_manager.order_by("pk")]
            != [_field_values(row) for row in shared.rows[model]]
        ]
        if changed:
            raise RuntimeError(f"the build changed shared rows, which a flush would put back as loaded: {changed}")
        kept = cls(rows, tuple(row.pk for row in rows.get(Round, ())))
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
        return kept, value

    def restore(self) -> None:
        """Put every kept row back (into tables a flush emptied), then drop the kept rounds'
        cached figures. One transaction; the foreign keys are checked when it ends. Raises
        ``IntegrityError`` when a table still holds one of the rows."""
        with transaction.atomic():
            for model, rows in self.rows.items():
                insert_rows(model, rows)
        for round_id in self.round_ids:
            bump_data_version(round_id)


def _field_values(row) -> tuple:
    return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields)


#: The INSERT statement and parameter rows of a list of kept rows, by (list id, database
#: vendor): prepared once, executed after every flush.
_PREPARED: dict[tuple[int, str], tuple[list, str, list[tuple]]] = {}


def insert_rows(model: type, rows: list) -> None:
    """Insert ``rows`` (instances of ``model`` as read back from the database) into its
    table as they are: primary keys and timestamps included, no ``save()``, no signals.

    One ``executemany`` of one INSERT; the statement and the values as the database takes
    them (``get_db_prep_save``) are prepared on the first call for a list and kept, since
    the same rows go back after every flush. ``bulk_create`` prepared every value again
    each time, about a second for the browser tests' 25,000 rows. Raises
    ``IntegrityError`` when the table still holds one of the rows."""
    key = (id(rows), connection.vendor)
    prepared = _PREPARED.get(key)
    if prepared is None or prepared[0] is not rows:
        fields = [f for f in model._meta.concrete_fields if not f.generated]  # the database computes those
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        values = [tuple(f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields) for row in rows]
        prepared = _PREPARED[key] = (rows, sql, values)
    _rows, sql, values = prepared
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)
