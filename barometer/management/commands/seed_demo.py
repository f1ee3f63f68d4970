"""Create the synthetic demo round (once): several thousand generated workplaces whose
answers roughly match the published 2018 figures, so reports have content on a fresh
machine. Clearly labelled as synthetic in the data and on every page that shows it."""

from django.core.management.base import BaseCommand, CommandError

from barometer.synthetic import generate_round
from surveys.models import QuestionSet, QuestionSetStatus, Round

DEMO_SLUG = "syntetisk-demo"
DEMO_NAME = "Syntetisk demorunde (genererte svar, ikke ekte data)"


class Command(BaseCommand):
    help = "Create a synthetic national round for the demo (skipped if it exists)."

    def add_arguments(self, parser):
        parser.add_argument("--workplaces", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2018)

    def handle(self, *args, workplaces, seed, **options):
        if Round.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write("The synthetic demo round exists already; nothing to do.")
            return
        question_set = (
            QuestionSet.objects.filter(slug="innovasjonsbarometeret", status=QuestionSetStatus.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if question_set is None:
            raise CommandError("Load the question set first (make run does: manage.py setup_demo).")
        if workplaces < 1:
            raise CommandError("--workplaces must be at least 1.")
        result = generate_round(
            question_set=question_set, slug=DEMO_SLUG, name=DEMO_NAME, workplaces=workplaces, seed=seed
        )
        self.stdout.write(self.style.SUCCESS(f"Synthetic round {result.round.name!r}: {result.responses} workplaces."))
