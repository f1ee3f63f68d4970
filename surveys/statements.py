"""Statements written once and read into model instances, for the respondent's hot path.

Django's ORM compiles a queryset's SQL on every evaluation; on the pages a respondent opens
(each a few milliseconds in all) compiling took longer than PostgreSQL took to run the
statement. A statement here is written once per database from the models' own fields, and
its rows become model instances the way the ORM makes them (``Model.from_db`` after the
same converters), so what a view gets is what ``select_related`` would give it
(``tests/surveys/test_link_lookup.py`` compares them field for field on both databases).
"""

from __future__ import annotations

from functools import cache

from django.db import connections
from django.db.models import Model


class ModelColumns:
    """One model's columns in a link lookup: ``model``, the table's alias in the statement,
    the attribute names in column order, the slice of the row they occupy, and the
    converters the ORM applies to them on database ``db`` (SQLite's dates and times are
    text, for instance), found as Django's SQL compiler finds them."""

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

    def columns(self, quote) -> str:
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

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
        return self.model.from_db(db, self.attnames, values)


def model_columns(db: str, *models_and_aliases: tuple[type[Model], str]) -> list[ModelColumns]:
    """The columns of each (model, table alias), in that order, as one row's parts."""
    parts, start = [], 0
    for model, alias in models_and_aliases:
        parts.append(ModelColumns(model, alias, start, db))
        start += len(parts[-1].fields)
    return parts


def fetch_one(db: str, sql: str, params: list) -> tuple | None:
    """The first row of ``sql`` on database ``db``, or None."""
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@cache
def _workplace_statement(db: str) -> tuple[str, list[ModelColumns]]:
    from .models import Municipality, Workplace

    quote = connections[db].ops.quote_name
    parts = model_columns(db, (Workplace, "w"), (Municipality, "m"))
    columns = ", ".join(part.columns(quote) for part in parts)
    sql = (
        f"SELECT {columns} FROM {quote(Workplace._meta.db_table)} w"
        f" INNER JOIN {quote(Municipality._meta.db_table)} m ON m.{quote('id')} = w.{quote('municipality_id')}"
        f" WHERE w.{quote('id')} = %s"
    )
    return sql, parts


def workplace_with_municipality(db: str, pk: int):
    """The workplace ``pk`` with its municipality (one statement), or None when it is gone."""
    from .models import Workplace

    sql, (workplace_part, municipality_part) = _workplace_statement(db)
    row = fetch_one(db, sql, [pk])
    if row is None:
        return None
    workplace = workplace_part.instance(db, row)
    Workplace.municipality.field.set_cached_value(workplace, municipality_part.instance(db, row))
    return workplace
