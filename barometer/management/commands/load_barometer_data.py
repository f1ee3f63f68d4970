from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from barometer.reference_data import load_indicators, load_reference_figures


class Command(BaseCommand):
    help = (
        "Load the published reference figures and the indicator definitions from barometer/data/. "
        "Rows edited in the admin are kept unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true", help="replace existing rows with the file's content")

    def handle(self, *args, overwrite=False, **options):
        try:
            figures = load_reference_figures(overwrite=overwrite)
            indicators = load_indicators(overwrite=overwrite)
        except (ValidationError, ValueError, KeyError) as exc:
            raise CommandError(f"The barometer data files are not valid: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference figures: {figures.created} created, {figures.updated} updated, {figures.kept} kept. "
                f"Indicators: {indicators.created} created, {indicators.updated} updated, {indicators.kept} kept."
            )
        )
