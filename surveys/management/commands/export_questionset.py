from django.core.management.base import BaseCommand, CommandError

from surveys.columns import stored_range
from surveys.management import output_file, whole_number
from surveys.models import QuestionSet
from surveys.services.questionsets import dump_questionset, export_questionset_data


class Command(BaseCommand):
    help = "Write a question set as JSON (the format import_questionset reads) to standard output or a file."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version here means the question set's version, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug")
        low, high = stored_range(QuestionSet._meta.get_field("version"))
        parser.add_argument(
            "--version",
            type=whole_number(low, high),
            dest="set_version",
            help="version number (default: the newest)",
        )
        parser.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args, slug, set_version=None, output=None, **options):
        sets = QuestionSet.objects.filter(slug=slug).order_by("-version")
        if set_version is not None:
            sets = sets.filter(version=set_version)
        question_set = sets.first()
        if question_set is None:
            wanted = f"{slug} version {set_version}" if set_version is not None else slug
            raise CommandError(f"No question set {wanted}.")
        text = dump_questionset(export_questionset_data(question_set))
        if output:
            with output_file(output) as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
