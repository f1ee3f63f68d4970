"""Shared helpers for the management commands."""

import argparse
import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from django.core.management.base import CommandError


def round_or_error(slug: str):
    """The round with this slug, or a CommandError that names it."""
    from surveys.models import Round

    round_ = Round.objects.select_related("question_set").filter(slug=slug).first()
    if round_ is None:
        raise CommandError(f"No round with the slug {slug!r}.")
    return round_


def add_dry_run(parser) -> None:
    """The ``--dry-run`` option every import command offers."""
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and report what would change, changing nothing",
    )


def dry_run_note(dry_run: bool) -> str:
    """The prefix of a dry run's report."""
    return "Dry run, nothing was changed. Would be: " if dry_run else ""


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for an integer option from ``low`` to ``high``, both included.
    A value outside them, or not a whole number, is a usage error that names the option and
    its range (a ``CommandError`` under ``call_command``), before the command does anything:
    a plain ``type=int`` takes 10**9 workplaces (hours of work) or a number the database
    cannot store (a traceback)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:  # also a number of more than 4300 digits
            raise argparse.ArgumentTypeError(f"give a whole number from {low} to {high}, not {text[:20]!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"give a whole number from {low} to {high}, not {value}")
        return value

    parse.__name__ = f"whole number from {low} to {high}"
    return parse


@contextlib.contextmanager
def output_file(path: str, *, encoding: str = "utf-8", newline: str | None = None) -> Iterator[TextIO]:
    """A text file to write a command's output to, which takes the place of the file at
    ``path`` only when the block ends without an error: a command that fails halfway leaves
    an earlier file at ``path`` as it was, and never a part of a file.

    The file is written beside ``path`` under a temporary name and renamed over it, keeping
    an earlier file's permissions (a new file is readable by its owner only: the responses'
    export names workplaces). A symbolic link is followed: its target is replaced, the link
    kept. What is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe) is
    written to directly, never replaced. A path that cannot be written (a folder that does
    not exist, a folder, no permission, a full disk) raises ``CommandError`` naming the path
    and the reason; other errors propagate, with the temporary file removed."""
    target = Path(os.path.realpath(path))
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(target))
        if target.exists() and not target.is_file():
            with open(target, "w", encoding=encoding, newline=newline) as handle:
                yield handle
            return
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise CommandError(f"{path}: cannot write the file ({exc.strerror or exc}); nothing was written") from exc
    try:
        with os.fdopen(descriptor, "w", encoding=encoding, newline=newline) as handle:
            yield handle
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise CommandError(f"{path}: cannot write the file ({exc.strerror or exc}); nothing was written") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
