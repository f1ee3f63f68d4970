import sys

from django.core.management.base import BaseCommand

from surveys.management import round_or_error
from surveys.services.response_files import csv_lines, export_rows


class Command(BaseCommand):
    help = (
        "Write a round's submitted responses as CSV in the full format import_responses reads (with the "
        "workplace's organisation number, name and source id): for admins. Analysts download the form without "
        "direct identifiers from /statistikk/data/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args, round_slug, output=None, **options):
        round_ = round_or_error(round_slug)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(csv_lines(export_rows(round_, full=True)))
        else:
            sys.stdout.writelines(csv_lines(export_rows(round_, full=True)))
