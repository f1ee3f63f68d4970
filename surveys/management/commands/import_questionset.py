from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from surveys.management import add_dry_run
from surveys.models import QuestionSet, QuestionSetStatus
from surveys.services import imports
from surveys.services.questionsets import QuestionSetFileError, import_questionset, load_questionset_file


class Command(BaseCommand):
    help = (
        "Import a question set from a JSON file as a new version. Every problem in the file is "
        "reported with its place; a stored version is never changed, and a repeated file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the question-set JSON file")
        parser.add_argument(
            "--status",
            choices=[QuestionSetStatus.DRAFT, QuestionSetStatus.PUBLISHED],
            help="override the status given in the file",
        )
        add_dry_run(parser)

    # The messages are English; the status label in them would otherwise follow whatever
    # language the calling thread had active (call_command from a test or a view).
    @no_translations
    def handle(self, *args, file, status=None, dry_run=False, **options):
        existing = set(QuestionSet.objects.values_list("pk", flat=True))

        def load():
            with transaction.atomic():  # a version is stored whole or not at all
                return import_questionset(load_questionset_file(file), status=status)

        try:
            question_set = imports.run(load, dry_run=dry_run)
        except QuestionSetFileError as exc:
            raise CommandError(
                f"{file} is not a valid question set ({len(exc.errors)} problem(s)):\n  " + "\n  ".join(exc.errors)
            ) from exc
        if question_set.pk in existing:
            self.stdout.write(self.style.SUCCESS(f"Question set {question_set} is already loaded; nothing changed."))
        else:
            if dry_run:
                message = f"Dry run, nothing was changed: question set {question_set} would be loaded."
            else:
                message = f"Question set {question_set} is loaded."
            self.stdout.write(self.style.SUCCESS(message))
