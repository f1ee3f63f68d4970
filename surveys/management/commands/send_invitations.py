from django.core.management.base import BaseCommand, CommandError

from surveys.management import round_or_error
from surveys.services.invitations import send_invitations


class Command(BaseCommand):
    help = "E-mail the invitations of a round that have not been sent yet."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")

    def handle(self, *args, round_slug, **options):
        round_ = round_or_error(round_slug)
        if round_.has_closed():
            raise CommandError(f"The round {round_slug} has closed; no invitations were sent.")
        self.stdout.write(self.style.SUCCESS(f"{send_invitations(round_)} invitations sent."))
