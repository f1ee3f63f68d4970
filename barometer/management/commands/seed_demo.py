"""Create the demo rounds (once each), on the register that is loaded (SSB's, in the demo):

- the synthetic PREVIOUS round (``DEMO_SLUG``): several thousand generated workplaces whose
  answers roughly match the published 2018 figures, closed, so reports have content on a
  fresh machine. This command is the one place that creates it (``previous_round``);
- a synthetic round IN FIELDWORK (``FIELDWORK_SLUG``): invented workplaces in real
  municipalities of five counties, invited, some opened, started, submitted and reminded, so
  the fieldwork dashboard shows response rates and a non-respondent list.

Both are marked synthetic in the data, named as such in bokmål, nynorsk and English, and
labelled on every page that shows them.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from barometer.synthetic import generate_fieldwork_round, generate_round
from surveys.management import whole_number
from surveys.models import PopulationCell, QuestionSet, QuestionSetStatus, Region, Response, Round

#: The most workplaces the synthetic previous round may have: many times what a demo needs,
#: and done in minutes; 10**9 ran for hours and filled the disk.
MAX_WORKPLACES = 20_000
DEMO_SLUG = "syntetisk-demo"
DEMO_NAMES = {
    "name": "Syntetisk demorunde – genererte svar, ikke ekte data",
    "name_nn": "Syntetisk demorunde – genererte svar, ikkje ekte data",
    "name_en": "Synthetic demo round – generated answers, not real data",
}
DEMO_NAME = DEMO_NAMES["name"]
FIELDWORK_SLUG = "demo-feltarbeid"
FIELDWORK_NAMES = {
    "name": "Demorunde i feltarbeid – oppdiktede arbeidsplasser, ikke ekte data",
    "name_nn": "Demorunde i feltarbeid – oppdikta arbeidsplassar, ikkje ekte data",
    "name_en": "Demo round in fieldwork – invented workplaces, not real data",
}
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
    help = "Create the synthetic demo rounds: a closed previous round and a round in fieldwork (each once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workplaces",
            type=whole_number(1, MAX_WORKPLACES),
            default=3000,
            help=f"how many workplaces answer the synthetic previous round (1 to {MAX_WORKPLACES})",
        )
        parser.add_argument(
            "--seed", type=whole_number(0, 2**32 - 1), default=2018, help="the seed of the draw (0 to 2**32 - 1)"
        )

    def handle(self, *args, workplaces, seed, **options):
        question_set = (
            QuestionSet.objects.filter(slug="innovasjonsbarometeret", status=QuestionSetStatus.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if question_set is None:
            raise CommandError("Load the question set first (make run does: manage.py setup_demo).")
        self.previous_round(question_set, workplaces=workplaces, seed=seed)
        self.fieldwork_round(question_set)

    def previous_round(self, question_set: QuestionSet, *, workplaces: int, seed: int) -> Round:
        """The synthetic previous round the reports compare with: created here and nowhere else."""
        existing = Round.objects.filter(slug=DEMO_SLUG).first()
        if existing is not None:
            # Older demo databases lack the nynorsk and English names.
            Round.objects.filter(pk=existing.pk).update(**DEMO_NAMES)
            self.stdout.write("The synthetic previous round exists already; nothing to do.")
            return existing
        now = timezone.now()
        result = generate_round(
            question_set=question_set,
            slug=DEMO_SLUG,
            workplaces=workplaces,
            seed=seed,
            opens_at=now - timedelta(days=400),
            closes_at=now - timedelta(days=340),
            **DEMO_NAMES,
        )
        self._population(result.round)
        self.stdout.write(self.style.SUCCESS(f"Synthetic round {result.round.name!r}: {result.responses} workplaces."))
        return result.round

    def fieldwork_round(self, question_set: QuestionSet) -> Round:
        """The synthetic round in fieldwork, with invitations, openings, reminders and submissions."""
        existing = Round.objects.filter(slug=FIELDWORK_SLUG).first()
        if existing is not None:
            self.stdout.write("The fieldwork demo round exists already; nothing to do.")
            return existing
        result = generate_fieldwork_round(question_set=question_set, slug=FIELDWORK_SLUG, **FIELDWORK_NAMES)
        self.stdout.write(
            self.style.SUCCESS(
                f"Fieldwork round {result.round.name!r}: {result.invited} invited, {result.opened} opened, "
                f"{result.started} started, {result.submitted} submitted, {result.reminders} reminders."
            )
        )
        return result.round

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


def publish_synthetic_round(announce=None):
    """Publish the closed synthetic round's results once (``setup_demo``), so that reports
    and self-tests show peer groups. Returns (snapshot, seconds), or None when the round
    is missing or published already (running it again publishes nothing). ``announce``
    (a callable taking no arguments) is called just before publishing starts.

    Raises ``CommandError`` naming the problems when publishing is refused.
    """
    from barometer.publishing import PublishError, publish_round

    round_ = Round.objects.filter(slug=DEMO_SLUG).first()
    if round_ is None or round_.results_published_at is not None:
        return None
    if announce is not None:
        announce()
    try:
        return publish_round(round_, published_by="setup_demo")
    except PublishError as error:
        raise CommandError("The synthetic round was not published:\n" + "\n".join(error.problems)) from None
