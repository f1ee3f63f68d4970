"""Shared helpers for the management commands."""

from django.core.management.base import CommandError


def round_or_error(slug: str):
    """The round with this slug, or a CommandError that names it."""
    from surveys.models import Round

    round_ = Round.objects.select_related("question_set").filter(slug=slug).first()
    if round_ is None:
        raise CommandError(f"No round with the slug {slug!r}.")
    return round_
