import sys

from django.core.management.base import BaseCommand

from surveys.management import output_file, round_or_error
from surveys.services.response_files import csv_lines, export_rows

BOM = "\ufeff"  # as barometer.views.downloads.BOM


class Command(BaseCommand):
    help = (
        "Write a round's submitted responses as CSV in the full format import_responses reads (with the "
        "workplace's organisation number, name and source id): for admins. UTF-8 with a byte-order mark, as the "
        "web downloads, so Excel reads the Norwegian letters. Analysts download the form without direct "
        "identifiers from /statistikk/data/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args, round_slug, output=None, **options):
        round_ = round_or_error(round_slug)
        if output:
            with output_file(output, encoding="utf-8-sig", newline="") as handle:
                handle.writelines(csv_lines(export_rows(round_, full=True)))
        else:
            # The same bytes as the file: UTF-8 with a byte-order mark, whatever the terminal's encoding.
            stream = getattr(sys.stdout, "buffer", None)
            if stream is None:  # a text-only stream (tests, call_command(stdout=...))
                sys.stdout.write(BOM)
                sys.stdout.writelines(csv_lines(export_rows(round_, full=True)))
            else:
                sys.stdout.flush()
                stream.write(BOM.encode())
                stream.writelines(line.encode() for line in csv_lines(export_rows(round_, full=True)))
                stream.flush()
