from django.core.management.base import BaseCommand, CommandError

from surveys.models import Round
from surveys.services.invitations import send_reminders


class Command(BaseCommand):
    help = "Remind invited workplaces that have not submitted (at most once a day each)."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")

    def handle(self, *args, round_slug, **options):
        round_ = Round.objects.filter(slug=round_slug).first()
        if round_ is None:
            raise CommandError(f"No round with the slug {round_slug!r}.")
        if not round_.is_open():
            raise CommandError(f"The round {round_slug} is not open; no reminders were sent.")
        self.stdout.write(self.style.SUCCESS(f"{send_reminders(round_)} reminders sent."))
