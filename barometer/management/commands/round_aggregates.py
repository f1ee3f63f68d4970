"""Print a round's aggregates as JSON: nationally and per workplace type. Handy after a
restore or a migration, to check that the numbers are what they were."""

import json

from django.core.management.base import BaseCommand

from barometer.engine.groups import Filter
from barometer.outputs.exports import rows
from barometer.reports.aggregate import aggregate_report
from surveys.management import round_or_error
from surveys.models import WorkplaceType


class Command(BaseCommand):
    help = "Print a round's aggregates (national and per workplace type) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")

    def handle(self, *args, round_slug, **options):
        round_ = round_or_error(round_slug)
        groups = {"all": Filter(), **{value: Filter(workplace_type=value) for value in WorkplaceType.values}}
        result = {}
        for name, filter_ in groups.items():
            report = aggregate_report(round_, filter_)
            result[name] = {"workplaces": report.responses, "indicators": rows(report)}
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True))
