from django.core.management.base import BaseCommand, CommandError

from surveys.management import add_dry_run, dry_run_note, round_or_error
from surveys.services import imports
from surveys.services.population import PopulationFileError, load_population


class Command(BaseCommand):
    help = (
        "Load a round's population by workplace type and region (CSV or XLSX: workplace_type,region,workplaces). "
        "The file replaces the round's cells, so a repeated file gives the same cells."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("file")
        add_dry_run(parser)

    def handle(self, *args, round_slug, file, dry_run=False, **options):
        round_ = round_or_error(round_slug)
        before = round_.population.count()
        try:
            count = imports.run(
                lambda: load_population(round_, file, imported_by=imports.current_user()), dry_run=dry_run
            )
        except PopulationFileError as exc:
            raise CommandError(f"{file}: nothing was loaded.\n  " + "\n  ".join(exc.errors)) from exc
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                dry_run_note(dry_run) + f"{count} population cells loaded for {round_.slug} (replacing {before})."
            )
        )
