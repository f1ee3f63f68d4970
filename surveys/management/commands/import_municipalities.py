from django.core.management.base import BaseCommand, CommandError

from surveys.services.registers import SSB_REGISTER, RegisterFileError, import_municipalities, load_regions_and_counties


class Command(BaseCommand):
    help = (
        "Import SSB's municipality list from CSV (columns number,name,county,population,centrality). "
        "Without a file, the shipped SSB register (357 municipalities, population 1 January 2024) is loaded. "
        "Existing municipalities are updated by number; a file with any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(SSB_REGISTER))
        parser.add_argument("--sample", action="store_true", help="mark the municipalities as invented sample data")

    def handle(self, *args, file, sample=False, **options):
        load_regions_and_counties()
        try:
            result = import_municipalities(file, is_sample=sample)
        except RegisterFileError as exc:
            raise CommandError(f"{file}: nothing was imported.\n  " + "\n  ".join(exc.errors)) from exc
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Municipalities: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
