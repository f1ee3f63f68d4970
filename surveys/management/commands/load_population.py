from django.core.management.base import BaseCommand, CommandError

from surveys.management import round_or_error
from surveys.services.population import PopulationFileError, load_population


class Command(BaseCommand):
    help = "Load a round's population by workplace type and region (CSV: workplace_type,region,workplaces)."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("file")

    def handle(self, *args, round_slug, file, **options):
        round_ = round_or_error(round_slug)
        try:
            count = load_population(round_, file)
        except PopulationFileError as exc:
            raise CommandError(f"{file}: nothing was loaded.\n  " + "\n  ".join(exc.errors)) from exc
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        self.stdout.write(self.style.SUCCESS(f"{count} population cells loaded for {round_.slug}."))
