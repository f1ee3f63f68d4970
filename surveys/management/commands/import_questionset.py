from django.core.management.base import BaseCommand, CommandError

from surveys.models import QuestionSetStatus
from surveys.services.questionsets import QuestionSetFileError, import_questionset, load_questionset_file


class Command(BaseCommand):
    help = (
        "Import a question set from a JSON file as a new version. Every problem in the file is "
        "reported with its place; a stored version is never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the question-set JSON file")
        parser.add_argument(
            "--status",
            choices=[QuestionSetStatus.DRAFT, QuestionSetStatus.PUBLISHED],
            help="override the status given in the file",
        )

    def handle(self, *args, file, status=None, **options):
        try:
            question_set = import_questionset(load_questionset_file(file), status=status)
        except QuestionSetFileError as exc:
            raise CommandError(
                f"{file} is not a valid question set ({len(exc.errors)} problem(s)):\n  " + "\n  ".join(exc.errors)
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Question set {question_set} is loaded."))
