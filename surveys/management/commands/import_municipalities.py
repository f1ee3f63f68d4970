from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from surveys.management import add_dry_run, dry_run_note
from surveys.services import imports
from surveys.services.registers import SSB_REGISTER, RegisterFileError, import_municipalities, load_regions_and_counties


class Command(BaseCommand):
    help = (
        "Import SSB's municipality list from CSV or XLSX (columns number,name,county,population,centrality). "
        "Without a file, the shipped SSB register (357 municipalities, population 1 January 2024) is loaded. "
        "Existing municipalities are updated by number, so a repeated file changes nothing; a file with any "
        "bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SSB_REGISTER))
        parser.add_argument("--sample", action="store_true", help="mark the municipalities as invented sample data")
        add_dry_run(parser)

    def handle(self, *args, file, sample=False, dry_run=False, **options):
        @transaction.atomic
        def load():
            # The regions and counties inside the same transaction: a dry run, and a refused
            # file, change nothing at all.
            load_regions_and_counties()
            return import_municipalities(file, is_sample=sample, imported_by=imports.current_user())

        try:
            result = imports.run(load, dry_run=dry_run)
        except RegisterFileError as exc:
            raise CommandError(f"{file}: nothing was imported.\n  " + "\n  ".join(exc.errors)) from exc
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        if result.previous:
            self.stdout.write(f"The same file was imported {result.previous}.")
        self.stdout.write(
            self.style.SUCCESS(
                dry_run_note(dry_run) + f"Municipalities: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
        )
