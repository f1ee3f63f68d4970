"""Queries written once and read into model instances, for the pages respondents open.

Django's ORM compiles a queryset's SQL every time it is evaluated. On the pages a respondent
opens, a few milliseconds each in all, compiling a lookup with its ``select_related`` took
longer than PostgreSQL took to run it. A ``Prepared`` query is the same lookup (a model,
the relations to bring along, a condition, an order) written once per database from the
models' own fields, so a new field is in it without touching it. Its rows become model
instances the way the ORM makes them: the same converters (SQLite's dates are text), then
what ``Model.from_db`` makes (built directly where no ``pre_init`` or ``post_init`` receiver
listens to the model), with every relation cached on both sides as ``select_related`` caches
it, a missing one (a left join that found nothing) as None, so asking for it costs no query.

These statements run on every respondent page, so they are sent through ``binding_cursor``:
on PostgreSQL (``config.postgresql``) the server keeps them prepared per connection and
skips parsing and planning them; elsewhere it is Django's own cursor.

A ``Prepared`` query may also bring a **correlated** value along (``Correlated``): a
subquery written per database that takes one joined model's key, such as a response's
answers aggregated to JSON, kept on that model's instance for whoever asks for it next.

``tests/surveys/test_link_lookup.py`` compares the results with the ORM's, field for field
and relation for relation, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# The range of a signed 64-bit integer column (BigAutoField, and SQLite's INTEGER).
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


def binding_cursor(db: str = DEFAULT_DB_ALIAS):
    """A cursor for a statement sent on every respondent page: the backend's
    ``binding_cursor()`` where it has one (PostgreSQL through ``config.postgresql``: the
    server parses and plans the statement once per connection), else ``cursor()``. Both are
    Django's wrapped cursors, so the statement is logged and counted like any other."""
    connection = connections[db]
    opener = getattr(connection, "binding_cursor", None)
    return opener() if opener is not None else connection.cursor()


class _Columns:
    """One model's columns in a row: ``model``, its table alias, the attribute names in
    column order, the slice of the row they occupy, and the converters the ORM applies to
    them on database ``db``, found as Django's SQL compiler finds them."""

    def __init__(self, model: type[Model], alias: str, start: int, db: str):
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.slice = slice(start, start + len(self.fields))
        connection = connections[db]
        self.converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self.converters.append((index, found, column))
        # Whether each column's attribute only stores what it is given (Django's descriptors
        # for plain and foreign-key columns; a file field's would wrap it).
        self.stored_as_given = all(
            type(getattr(model, attname, None)) in (DeferredAttribute, ForeignKeyDeferredAttribute)
            for attname in self.attnames
        )

    def instance(self, db: str, row: tuple) -> Model | None:
        """The model instance in ``row``, or None when a left join found nothing."""
        values = row[self.slice]
        if values[0] is None:  # the primary key comes first
            return None
        if self.converters:
            values = list(values)
            connection = connections[db]
            for index, converters, column in self.converters:
                for converter in converters:
                    values[index] = converter(values[index], column, connection)
        model = self.model
        if not self.stored_as_given or pre_init.has_listeners(model) or post_init.has_listeners(model):
            return model.from_db(db, self.attnames, values)
        # What ``from_db`` makes, without ``Model.__init__`` and its two signals (a fifth of
        # the statement's time on a respondent's page): the same attributes and state, for
        # a model whose creation nobody listens to and whose columns store what they get.
        instance = model.__new__(model)
        instance.__dict__.update(zip(self.attnames, values, strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, db
        return instance


def _joined(quote, relation, parent_alias: str, alias: str) -> str:
    """``table alias ON condition`` joining ``relation``'s model as ``alias`` to its parent."""
    target = relation.related_model
    if relation.concrete:  # a forward foreign key or one-to-one field
        on = f"{alias}.{quote(target._meta.pk.column)} = {parent_alias}.{quote(relation.column)}"
    else:  # the reverse side of a one-to-one field
        on = f"{alias}.{quote(relation.field.column)} = {parent_alias}.{quote(relation.model._meta.pk.column)}"
    return f"{quote(target._meta.db_table)} {alias} ON {on}"


@dataclass(frozen=True)
class Correlated:
    """One more column of a ``Prepared`` query: a subquery on the key of the model reached
    by ``path`` (``""`` for the queried model itself, else a path in its ``related``).

    ``write(connection, key)`` returns the subquery's SQL for that database, or None where it
    has no way to write it (the column is then left out and nothing is kept). ``key`` is an
    SQL expression giving that model's key: a scalar subquery on the statement's own
    condition, not a reference to the joined row, so the database runs the column's subquery
    once and counts its cost once. (Correlated with the row, PostgreSQL's planner multiplies
    its cost by the rows it expects the left joins to give, 2,000 for a link whose response
    it had no statistics for, which passed ``jit_above_cost``: every execution then compiled
    JIT code, about 35 ms.) The value the database returns, as the driver gives it, is kept
    in the instance's ``__dict__`` under ``name`` when that instance exists (a left join that
    found nothing keeps nothing)."""

    path: str
    name: str
    write: Callable[[object, str | None], str | None]
    #: False for a subquery that stands alone, the same for every row (the latest published
    #: round, say): ``write`` is then given no key (None) and the statement no parameters
    #: for it; the value is still kept on the instance at ``path``.
    keyed: bool = True


class _Written:
    """A ``Prepared`` query written for one database: the SQL, each model's columns, for
    each relation (parent's index, the relation, its own index), and for each correlated
    column written (index of the instance it goes to, its name, its index in the row), and
    how many of those take the key (each repeats the statement's parameters)."""

    def __init__(
        self,
        sql: str,
        columns: list[_Columns],
        links: list[tuple[int, object, int]],
        correlated: list[tuple[int, str, int]] = (),
        keys: int = 0,
    ):
        self.sql = sql
        self.columns = columns
        self.links = links
        self.correlated = correlated
        self.keys = keys


class Prepared:
    """``model.objects.select_related(*related).filter(where).order_by(order).first()``,
    written once per database.

    - ``related``: paths of forward foreign keys and one-to-one relations, either side
      (``"round"``, ``"municipality__county"``, ``"response__round"``), joined with LEFT
      OUTER JOIN as the ORM joins nullable relations.
    - ``where`` and ``order``: SQL in which ``{name}`` stands for the root model's column
      of field ``name`` (``"{token_digest} = %s"``, ``"{closes_at} DESC"``; a literal
      brace is written twice, as in ``str.format``). Values are always parameters. Without an
      order, ``where`` must find at most one row (a unique column): the statement has no
      LIMIT, which lets the planner choose its indexes.

    - ``correlated``: ``Correlated`` columns, each kept on its instance (not with an
      ``order``; each keyed one repeats ``where`` and its parameters).

    ``first(params)`` returns the first row's instance with its relations, or None. The
    model may be named (``"surveys.Invitation"``) for a module the models import. It reads
    the model's table as it is: no default manager's filtering and no database router (the
    database is ``db``, ``default`` unless given).
    """

    def __init__(
        self,
        model: type[Model] | str,
        related: tuple[str, ...],
        where: str,
        order: str = "",
        correlated: tuple[Correlated, ...] = (),
    ):
        self._model = model
        self.related = related
        self.where = where
        self.order = order
        self.correlated = correlated
        self._written: dict[str, _Written] = {}

    @cached_property
    def model(self) -> type[Model]:
        return apps.get_model(self._model) if isinstance(self._model, str) else self._model

    def _write(self, db: str) -> _Written:
        """Raises ``ImproperlyConfigured`` for a model this way of reading does not support:
        one whose primary key is not its first column (a missing relation is told by that
        column being NULL) or one that inherits another model's table, or a correlated column
        with an order; ``KeyError`` for a correlated column on a path not in ``related``."""
        connection = connections[db]
        quote = connection.ops.quote_name
        models: list[tuple[type[Model], str]] = [(self.model, "t0")]
        joins, links = [], []
        aliases = {(): 0}  # relation path -> index in models
        for path in self.related:
            parts = tuple(path.split("__"))
            for depth in range(1, len(parts) + 1):
                step = parts[:depth]
                if step in aliases:
                    continue
                parent_index = aliases[step[:-1]]
                parent, parent_alias = models[parent_index]
                relation = parent._meta.get_field(step[-1])
                target = relation.related_model
                alias = f"t{len(models)}"
                joins.append(f"LEFT OUTER JOIN {_joined(quote, relation, parent_alias, alias)}")
                aliases[step] = len(models)
                links.append((parent_index, relation, len(models)))
                models.append((target, alias))
        for model, _alias in models:
            if model._meta.concrete_fields[0] is not model._meta.pk or model._meta.parents:
                raise ImproperlyConfigured(f"Prepared cannot read {model.__name__}: its key is not its first column")
        columns, start = [], 0
        for model, alias in models:
            columns.append(_Columns(model, alias, start, db))
            start += len(columns[-1].fields)
        names = self._names(quote, "t0")
        select = ", ".join(f"{c.alias}.{quote(field.column)}" for c in columns for field in c.fields)
        correlated, keys = [], 0
        for extra in self.correlated:
            if self.order:
                raise ImproperlyConfigured("Prepared cannot bring a correlated column with an order")
            path = tuple(extra.path.split("__")) if extra.path else ()
            index = aliases[path]
            key = f"({self._key(quote, path, models[index][0])})" if extra.keyed else None
            subquery = extra.write(connection, key)
            if subquery is not None:
                select += f", ({subquery})"
                correlated.append((index, extra.name, start + len(correlated)))
                keys += extra.keyed
        sql = f"SELECT {select} FROM {quote(self.model._meta.db_table)} t0 {' '.join(joins)}"
        sql += f" WHERE {self.where.format(**names)}"
        if self.order:
            sql += f" ORDER BY {self.order.format(**names)} LIMIT 1"
        # A lookup on a unique column has no LIMIT: with one, PostgreSQL's planner may expect
        # to find the row early and scan a table instead of using an index (it scanned every
        # response for an invitation's when few responses had one).
        return _Written(sql, columns, links, correlated, keys)

    def _names(self, quote, alias: str) -> dict[str, str]:
        """Each field of the queried model, by name and by attribute name, as a column of
        ``alias``: what ``where``'s placeholders are filled with."""
        names = {}
        for field in self.model._meta.concrete_fields:
            names[field.name] = names[field.attname] = f"{alias}.{quote(field.column)}"
        return names

    def _key(self, quote, path: tuple[str, ...], target: type[Model]) -> str:
        """``SELECT`` of the key of the model at ``path`` in the row ``where`` finds, on
        aliases of its own (``k0``, ``k1``, ...), with inner joins: no row, no key."""
        model, joins = self.model, []
        for depth, name in enumerate(path, start=1):
            relation = model._meta.get_field(name)
            joins.append(f"JOIN {_joined(quote, relation, f'k{depth - 1}', f'k{depth}')}")
            model = relation.related_model
        names = self._names(quote, "k0")
        key = f"k{len(path)}.{quote(target._meta.pk.column)}"
        tables = f"{quote(self.model._meta.db_table)} k0 {' '.join(joins)}"
        return f"SELECT {key} FROM {tables} WHERE {self.where.format(**names)}"

    def first(self, params: list, db: str = DEFAULT_DB_ALIAS) -> Model | None:
        """The first row as an instance of the model with its relations, or None.

        An integer parameter outside a signed 64-bit column's range matches no row, as in
        the ORM's lookups: it is not sent (SQLite's driver raises ``OverflowError`` for it,
        and an address such as ``/rapporter/99999999999999999999/`` must be a 404)."""
        if any(isinstance(value, int) and not _BIGINT_MIN <= value <= _BIGINT_MAX for value in params):
            return None
        written = self._written.get(db)
        if written is None:
            written = self._written[db] = self._write(db)
        with binding_cursor(db) as cursor:
            # Each keyed column's key subquery comes before the WHERE, with its parameters.
            cursor.execute(written.sql, list(params) * (1 + written.keys))
            row = cursor.fetchone()
        if row is None:
            return None
        instances = [columns.instance(db, row) for columns in written.columns]
        for parent_index, relation, index in written.links:
            parent, related = instances[parent_index], instances[index]
            if parent is None:
                continue
            relation.set_cached_value(parent, related)
            if related is not None and relation.one_to_one:
                relation.remote_field.set_cached_value(related, parent)
        for index, name, position in written.correlated:
            if instances[index] is not None:
                instances[index].__dict__[name] = row[position]
        return instances[0]
