"""Whole numbers a column can hold: the same rule on every database.

PostgreSQL, the database the site runs on, stores an integer column in 2, 4 or 8 bytes and
refuses any value outside their range (a ``DataError``: a 500 in the admin, a failed
import). SQLite, the demo's database, stores any 64-bit integer in any integer column. A
number only SQLite keeps (a question set's version 99999999999, typed into the admin)
breaks what comes after it: the set's export does not import again, and the data cannot
move to PostgreSQL.

So every integer field of the project's models is declared with :func:`in_stored_range`,
which gives it validators for the range its column has on PostgreSQL (Django's table of
ranges, ``BaseDatabaseOperations.integer_field_ranges``, which the PostgreSQL backend uses
as it is: the narrowest of the databases Django supports). The rule is then the model's
own, whichever database runs: the admin and every other model form run it (``full_clean``),
and so does the check of imported files (``surveys.services.imports.column_problems``).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import formats
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

IntegerField = TypeVar("IntegerField", bound=models.IntegerField)


def stored_range(field: models.IntegerField) -> tuple[int, int]:
    """(smallest, largest) whole number the column of ``field`` holds on every database the
    project runs on: PostgreSQL's range for the field's type, both included."""
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]


class _StoredLimit:
    """A bound of the stored range. Its error keeps the parameters and code of Django's
    validator (``column_problems`` words its English reasons from them) and adds the bound
    grouped as the active language writes numbers ("2 147 483 647"), under the name the
    questionnaire's message for the same bound uses."""

    placeholder = ""

    def __call__(self, value):
        cleaned = self.clean(value)
        if self.compare(cleaned, self.limit_value):
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": self.limit_value,
                    "show_value": cleaned,
                    "value": value,
                    self.placeholder: formats.number_format(self.limit_value, force_grouping=True),
                },
            )


@deconstructible
class StoredMinValueValidator(_StoredLimit, MinValueValidator):
    """The smallest number a column stores (see :func:`stored_range`)."""

    message = _("Write a number no smaller than %(min)s.")
    placeholder = "min"


@deconstructible
class StoredMaxValueValidator(_StoredLimit, MaxValueValidator):
    """The largest number a column stores (see :func:`stored_range`)."""

    message = _("Write a number no larger than %(max)s.")
    placeholder = "max"


def in_stored_range(field: IntegerField) -> IntegerField:
    """``field``, an integer model field not yet added to a model, given validators that
    refuse a number outside :func:`stored_range`, on SQLite as on PostgreSQL. Validators
    the field was given itself come first; its type, and so its column, is unchanged."""
    low, high = stored_range(field)
    _name, _path, args, kwargs = field.deconstruct()
    kwargs["validators"] = [*kwargs.get("validators", ()), StoredMinValueValidator(low), StoredMaxValueValidator(high)]
    return type(field)(*args, **kwargs)
