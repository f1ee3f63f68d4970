from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from surveys.services.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Remove managers' e-mail addresses and respondent links of rounds closed more than N days ago "
        "(default: RETENTION_DAYS). The answers are kept. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        days = settings.RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        try:
            result = apply_retention(days)
        except OverflowError as exc:  # no date lies that far back
            raise CommandError(
                f"--days {days} reaches back before the year 1, the first a date can hold; give fewer days."
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed e-mail addresses and links of {result.invitations} invitations and the links of "
                f"{result.self_tests} self-tests (rounds closed more than {days} days ago)."
            )
        )
