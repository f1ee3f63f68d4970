"""Shared helpers for the management commands."""

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
