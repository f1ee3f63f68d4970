"""What the import commands share: the record of imported files, and dry runs.

Every import records the file it loaded (:class:`~surveys.models.ImportedFile`: kind, round,
SHA-256 digest of the bytes, file name, rows, who and when). ``--dry-run`` runs the real
import inside a transaction and rolls it back, so what it reports is exactly what a real run
would do, and nothing is changed (on-commit work such as cache invalidation is dropped with
the transaction).
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation

from ..models import ImportedFile, Round, Workplace, normalised_name
from ..tabular.reading import Table

T = TypeVar("T")


def current_user() -> str:
    """The operating-system user running the command (for the import record), or ""."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return ""


def previous_import(kind: str, round_: Round | None, digest: str) -> ImportedFile | None:
    """The latest earlier import of the same bytes by the same kind of import (into the same
    round, where the import has one), or None."""
    return ImportedFile.objects.filter(kind=kind, round=round_, digest=digest).order_by("-imported_at").first()


def describe_import(record: ImportedFile) -> str:
    """ "on 2026-11-30 21:04 by ola (3 rows, kommuner.csv)", in the server's time zone."""
    when = timezone.localtime(record.imported_at).strftime("%Y-%m-%d %H:%M")
    who = f" by {record.imported_by}" if record.imported_by else ""
    return f"on {when}{who} ({record.rows} rows, {record.file_name})"


def column_problems(model: type[models.Model], values: list[tuple[str, str, object]]) -> list[tuple[str, str]]:
    """Why values from a file would not fit the columns they are written to, before anything
    is written: ``(column, reason)`` for each ``(model field name, file column, value)`` whose
    value is too long for the field's ``max_length`` or outside its integer range. Empty
    values are skipped; other checks (choices, formats) are the importer's own.

    The field's own validators run (``Field.run_validators``), the rule the admin's forms
    run too: ``max_length``, a decimal's digits, and for an integer field the range its
    column stores on every supported database (``surveys.columns``, PostgreSQL's), so a
    file that production's PostgreSQL would refuse with a DataError is refused the same way
    by a SQLite that would store it.
    """
    problems = []
    for name, column, value in values:
        field = model._meta.get_field(name)
        if value in field.empty_values:
            continue
        try:
            field.run_validators(value)
        except ValidationError as exc:
            problems.append((column, _reason(exc.error_list[0])))
    return problems


#: Line breaks as Unicode counts them (a quoted CSV cell, or Alt+Enter in Excel, holds them).
LINE_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def workplace_name_problems(name: str, column: str = "workplace") -> list[tuple[str, str]]:
    """``column_problems`` for a workplace's name from ``column`` of a file: the name, and the
    key it is matched by (``normalised_name``; case-folding may lengthen it, "ß" is "ss"),
    must both fit the register's columns, and the name must stand on one line (a quoted
    cell may hold a line break, which no list or letter could show). Shared by the
    invitation and answer imports."""
    if LINE_BREAKS.search(name):
        return [(column, f"{name[:60]!r} holds a line break; a name stands on one line")]
    problems = column_problems(Workplace, [("name", column, name)])
    if problems:
        return problems
    key = column_problems(Workplace, [("name_key", column, normalised_name(name))])
    return [(where, f"case-folded for matching, {reason}") for where, reason in key]


def _reason(error: ValidationError) -> str:
    """An English reason for a validator's error (command messages are not translated)."""
    params = error.params or {}
    if error.code == "max_length":
        return f"{params['show_value']} characters, longer than the {params['limit_value']} that fit"
    if error.code == "max_value":
        return f"{params['value']} is larger than {params['limit_value']}, the largest number that can be stored"
    if error.code == "min_value":
        return f"{params['value']} is smaller than {params['limit_value']}, the smallest number that can be stored"
    with translation.override("en"):
        return " ".join(error.messages)


def record_import(kind: str, round_: Round | None, table: Table, rows: int, imported_by: str) -> ImportedFile:
    """Record that ``table`` was imported (see :class:`~surveys.models.ImportedFile`); the
    file and user names are cut to their columns' lengths, never refused."""
    return ImportedFile.objects.create(
        kind=kind,
        round=round_,
        digest=table.digest,
        file_name=table.name[:255],
        rows=rows,
        imported_by=imported_by[:150],
    )


def run(action: Callable[[], T], *, dry_run: bool) -> T:
    """Call ``action``; with ``dry_run``, inside a transaction that is rolled back."""
    if not dry_run:
        return action()
    with transaction.atomic():
        result = action()
        transaction.set_rollback(True)
    return result
