from django.core.management.base import BaseCommand, CommandError

from surveys.management import add_dry_run, dry_run_note, round_or_error
from surveys.services import imports
from surveys.services.invitations import InvitationFileError, SimilarWorkplacesError, import_invitations


class Command(BaseCommand):
    help = (
        "Create invitations for a national round from a CSV or XLSX file of workplaces and managers' e-mail "
        "addresses (columns workplace,workplace_type,municipality,employees,email,external_id,language,"
        "organisation_number). A file with any bad row, an exact duplicate workplace or (without "
        "--accept-similar) names that look alike changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug", help="the round's slug")
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
                lambda: import_invitations(
                    round_, file, accept_similar=accept_similar, imported_by=imports.current_user()
                ),
                dry_run=dry_run,
            )
        except SimilarWorkplacesError as exc:
            raise CommandError(
                f"{file}: nothing was imported: {len(exc.pairs)} workplace name(s) look like others in the same "
                "municipality:\n  " + "\n  ".join(exc.errors) + "\nCorrect the file, or run again with "
                "--accept-similar if they are different workplaces."
            ) from exc
        except InvitationFileError as exc:
            raise CommandError(f"{file}: nothing was imported.\n  " + "\n  ".join(exc.errors)) from exc
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from exc
        if result.previous:
            self.stdout.write(f"The same file was imported {result.previous}; its rows were matched again.")
        if result.register_changes:
            self.stdout.write(
                ("Would change" if dry_run else "Changed")
                + f" {len(result.register_changes)} value(s) of registered workplaces:\n  "
                + "\n  ".join(result.register_changes)
            )
        self.stdout.write(
            self.style.SUCCESS(
                dry_run_note(dry_run)
                + f"{result.invitations_created} invitations created, {result.invitations_updated} updated, "
                f"{result.invitations_unchanged} unchanged ({result.workplaces_created} new workplaces, "
                f"{result.organisation_numbers_recorded} organisation numbers recorded, {result.similar_accepted} "
                "similar names accepted)."
            )
        )
