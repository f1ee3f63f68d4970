"""Checking an imported value against its database column before anything is written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


def database_problems(model: type[models.Model], values: dict) -> list[str]:
    """Problems, in English, with ``values`` (field name -> parsed value; None is skipped)
    that the database would refuse: text longer than the column's ``max_length``, a number
    beyond the backend's range for the column (``connection.ops.integer_field_range``, part
    of each IntegerField's validators: 2147483647 for an integer column on PostgreSQL).

    Uses the model fields' own validators, so the limits stay those of the schema; the
    messages are built here rather than taken from Django's (translated) ones, since the
    commands that show them speak English. Returns an empty list when every value fits.
    """
    problems = []
    for name, value in values.items():
        if value is None:
            continue
        field = model._meta.get_field(name)
        try:
            field.run_validators(value)
        except ValidationError as exc:
            for error in exc.error_list:
                problems.append(_describe(name, value, error))
    return problems


def _describe(name: str, value, error: ValidationError) -> str:
    limit = (error.params or {}).get("limit_value")
    if error.code == "max_length":
        return f"{name} is {len(value)} characters long; at most {limit} fit"
    if error.code == "max_value":
        return f"{name} {value} is larger than {limit}, the largest the database can store"
    if error.code == "min_value":
        return f"{name} {value} is smaller than {limit}, the smallest the database can store"
    return f"{name} {value!r}: {' '.join(error.messages)}"
