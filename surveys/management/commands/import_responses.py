from django.core.management.base import BaseCommand, CommandError

from surveys.management import round_or_error
from surveys.services.response_files import ResponseFileError, import_responses


class Command(BaseCommand):
    help = (
        "Load answers collected elsewhere into a national round, from a CSV in the raw export's format "
        "(see the README). The whole file is checked first; a file with any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("file")

    def handle(self, *args, round_slug, file, **options):
        round_ = round_or_error(round_slug)
        try:
            result = import_responses(round_, file)
        except ResponseFileError as exc:
            raise CommandError(
                f"{file}: nothing was imported ({len(exc.errors)} problem(s)).\n  " + "\n  ".join(exc.errors)
            ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read as UTF-8 text ({exc}).") from exc
        self.stdout.write(self.style.SUCCESS(f"{result.responses} responses imported into {round_.slug}."))
