from django.core.management.base import BaseCommand, CommandError

from surveys.management import add_dry_run, dry_run_note, round_or_error
from surveys.services import imports
from surveys.services.invitations import SimilarWorkplacesError
from surveys.services.response_files import ResponseFileError, import_responses


class Command(BaseCommand):
    help = (
        "Load answers collected elsewhere into a national round, from a CSV or XLSX file in the raw export's "
        "format plus the workplace's organisation_number or workplace name, and optionally source_id (see the "
        "README). The whole file is checked first; a file with any bad row, a file already imported into the "
        "round, or a source_id the round already has changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("file")
        parser.add_argument(
            "--accept-similar",
            action="store_true",
            help="accept workplaces whose names look like others in the same municipality (listed by a run without it)",
        )
        add_dry_run(parser)

    def handle(self, *args, round_slug, file, accept_similar=False, dry_run=False, **options):
        round_ = round_or_error(round_slug)
        try:
            result = imports.run(
                lambda: import_responses(
                    round_, file, imported_by=imports.current_user(), accept_similar=accept_similar
                ),
                dry_run=dry_run,
            )
        except SimilarWorkplacesError as exc:
            raise CommandError(
                f"{file}: nothing was imported: {len(exc.pairs)} workplace name(s) look like others in the same "
                "municipality:\n  " + "\n  ".join(exc.errors) + "\nCorrect the file (or give the organisation "
                "number), or run again with --accept-similar if they are different workplaces."
            ) from exc
        except ResponseFileError as exc:
            raise CommandError(
                f"{file}: nothing was imported ({len(exc.errors)} problem(s)).\n  " + "\n  ".join(exc.errors)
            ) from exc
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        self.stdout.write(
            self.style.SUCCESS(dry_run_note(dry_run) + f"{result.responses} responses imported into {round_.slug}.")
        )
