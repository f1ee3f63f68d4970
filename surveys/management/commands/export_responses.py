import sys

from django.core.management.base import BaseCommand, CommandError

from surveys.models import Round
from surveys.services.response_files import csv_lines, export_rows


class Command(BaseCommand):
    help = "Write a round's submitted responses as CSV (the format import_responses reads); no personal data."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args, round_slug, output=None, **options):
        round_ = Round.objects.select_related("question_set").filter(slug=round_slug).first()
        if round_ is None:
            raise CommandError(f"No round with the slug {round_slug!r}.")
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(csv_lines(export_rows(round_)))
        else:
            sys.stdout.writelines(csv_lines(export_rows(round_)))
