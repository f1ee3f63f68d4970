"""What the import commands share: the record of imported files, and dry runs.

Every import records the file it loaded (:class:`~surveys.models.ImportedFile`: kind, round,
SHA-256 digest of the bytes, file name, rows, who and when). ``--dry-run`` runs the real
import inside a transaction and rolls it back, so what it reports is exactly what a real run
would do, and nothing is changed (on-commit work such as cache invalidation is dropped with
the transaction).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from ..models import ImportedFile, Round
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


def record_import(kind: str, round_: Round | None, table: Table, rows: int, imported_by: str) -> ImportedFile:
    return ImportedFile.objects.create(
        kind=kind, round=round_, digest=table.digest, file_name=table.name[:255], rows=rows, imported_by=imported_by
    )


def run(action: Callable[[], T], *, dry_run: bool) -> T:
    """Call ``action``; with ``dry_run``, inside a transaction that is rolled back."""
    if not dry_run:
        return action()
    with transaction.atomic():
        result = action()
        transaction.set_rollback(True)
    return result
