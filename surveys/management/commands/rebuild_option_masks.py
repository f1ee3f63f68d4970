from django.core.management.base import BaseCommand, CommandError

from surveys.models import Response, Round
from surveys.option_masks import rebuild_option_masks


class Command(BaseCommand):
    help = (
        "Recompute every response's option bit masks from its answers (all rounds, or one with --round). "
        "Counting reads the masks; run this after changing answers outside the app."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", dest="round_slug", default=None, help="the slug of one round")

    def handle(self, *args, round_slug=None, **options):
        responses = Response.objects.all()
        if round_slug:
            if not Round.objects.filter(slug=round_slug).exists():
                raise CommandError(f"No round with the slug {round_slug!r}.")
            responses = responses.filter(round__slug=round_slug)
        written = rebuild_option_masks(responses)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the option masks of {written} responses."))
