"""Publish a closed round's results as an audited snapshot that never changes."""

from django.core.management.base import BaseCommand, CommandError

from barometer.publishing import PublishError, publish_round
from surveys.models import Round


class Command(BaseCommand):
    help = (
        "Publish the results of a closed round: compute every group of the fixed set once, hide small groups "
        "and what would give them away, audit exactly that nothing about fewer than 5 workplaces can be worked "
        "out, and store the snapshot. A second run publishes a corrected edition, audited with the earlier ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug", help="the round's slug")

    def handle(self, *args, round_slug, **options):
        round_ = Round.objects.filter(slug=round_slug).first()
        if round_ is None:
            raise CommandError(f"no round with slug {round_slug!r}")
        try:
            snapshot, seconds = publish_round(round_, published_by="publish_round")
        except PublishError as error:
            raise CommandError("Not published:\n" + "\n".join(f"- {problem}" for problem in error.problems)) from None
        groups = snapshot.figures["groups"]
        hidden = sum(1 for group in groups if group["hidden"])
        self.stdout.write(
            f"Published {round_.slug}, edition {snapshot.edition}: {len(groups)} groups, {hidden} hidden; "
            f"audited for {snapshot.audit['viewers']} viewers in {seconds:.2f} s."
        )
