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
        stored_status = dict(QuestionSet.objects.values_list("pk", "status"))
        asked = status

        def load():
            nonlocal asked
            with transaction.atomic():  # a version is stored whole or not at all
                data = load_questionset_file(file)
                asked = asked or data.get("status", QuestionSetStatus.DRAFT)
                return import_questionset(data, status=status)

        try:
            question_set = imports.run(load, dry_run=dry_run)
        except QuestionSetFileError as exc:
            raise CommandError(
                f"{file} is not a valid question set ({len(exc.errors)} problem(s)):\n  " + "\n  ".join(exc.errors)
            ) from exc
        before = stored_status.get(question_set.pk)
        if before == QuestionSetStatus.DRAFT and question_set.status == QuestionSetStatus.PUBLISHED:
            # The file asks for a version that was loaded as a draft to be published.
            name = f"{question_set.slug} v{question_set.version}"
            if dry_run:
                message = f"Dry run, nothing was changed: question set {name} would be published."
            else:
                message = f"Question set {name} was loaded as a draft before; it is now published."
            self.stdout.write(self.style.SUCCESS(message))
        elif before is not None and before != asked:
            # Published (or retired) since the file was loaded as a draft: the same content.
            self.stdout.write(
                self.style.SUCCESS(
                    f"Question set {question_set} is already loaded and has been {before} since; nothing changed."
                )
            )
        elif before is not None:
            self.stdout.write(self.style.SUCCESS(f"Question set {question_set} is already loaded; nothing changed."))
        else:
            if dry_run:
                message = f"Dry run, nothing was changed: question set {question_set} would be loaded."
            else:
                message = f"Question set {question_set} is loaded."
            self.stdout.write(self.style.SUCCESS(message))
