from django.core.management.base import BaseCommand, CommandError

from surveys.management import round_or_error
from surveys.services.invitations import InvitationFileError, import_invitations


class Command(BaseCommand):
    help = (
        "Create invitations for a national round from a CSV of workplaces and managers' e-mail addresses "
        "(columns workplace,workplace_type,municipality,employees,email,external_id,language). "
        "A file with any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug", help="the round's slug")
        parser.add_argument("file")

    def handle(self, *args, round_slug, file, **options):
        round_ = round_or_error(round_slug)
        try:
            result = import_invitations(round_, file)
        except InvitationFileError as exc:
            raise CommandError(f"{file}: nothing was imported.\n  " + "\n  ".join(exc.errors)) from exc
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.invitations_created} invitations created, {result.invitations_updated} updated "
                f"({result.workplaces_created} new workplaces)."
            )
        )
