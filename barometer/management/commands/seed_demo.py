"""Create the synthetic demo round (once): several thousand generated workplaces whose
answers roughly match the published 2018 figures, so reports have content on a fresh
machine. Clearly labelled as synthetic in the data and on every page that shows it."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from barometer.synthetic import generate_round
from surveys.models import PopulationCell, QuestionSet, QuestionSetStatus, Region, Response, Round

DEMO_SLUG = "syntetisk-demo"
DEMO_NAME = "Syntetisk demorunde (genererte svar, ikke ekte data)"
# Invented: how many workplaces each answer stands for, per type (the inverse response rate).
RESPONSE_RATE_INVERSE = {
    "primary_school": 1.2,
    "kindergarten": 1.9,
    "upper_secondary": 1.1,
    "nursing_home": 1.5,
    "health_centre": 2.2,
    "other": 2.0,
}


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
        self._population(result.round)
        self.stdout.write(self.style.SUCCESS(f"Synthetic round {result.round.name!r}: {result.responses} workplaces."))

    def _population(self, round_: Round) -> None:
        """An invented population for the demo round, in which some workplace types answered
        less eagerly than others, so that the reports show what weighting does."""
        regions = {region.code: region for region in Region.objects.all()}
        counted = (
            Response.objects.filter(round=round_)
            .values_list("workplace_type", "municipality__county__region__code")
            .annotate(count=Count("pk"))
        )
        PopulationCell.objects.bulk_create(
            [
                PopulationCell(
                    round=round_,
                    workplace_type=workplace_type,
                    region=regions[region],
                    workplaces=round(count * RESPONSE_RATE_INVERSE.get(workplace_type, 1.5)),
                )
                for workplace_type, region, count in counted
            ]
        )
