from django.core.management.base import BaseCommand, CommandError

from surveys.management import round_or_error
from surveys.models import SECTOR_OF_WORKPLACE_TYPE, County, SizeClass, WorkplaceType
from surveys.services.invitations import send_reminders


class Command(BaseCommand):
    help = (
        "Remind invited workplaces that have not submitted, optionally only one group; never the same "
        "workplace twice in a day. Every reminder is logged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="round_slug")
        parser.add_argument("--workplace-type", choices=WorkplaceType.values)
        parser.add_argument("--sector", choices=sorted(set(SECTOR_OF_WORKPLACE_TYPE.values())))
        parser.add_argument("--county", help="county number, e.g. 46")
        parser.add_argument("--size-class", type=int, choices=SizeClass.values)

    def handle(self, *args, round_slug, workplace_type=None, sector=None, county=None, size_class=None, **options):
        round_ = round_or_error(round_slug)
        if not round_.is_open():
            raise CommandError(f"The round {round_slug} is not open; no reminders were sent.")
        if county and not County.objects.filter(number=county.zfill(2)).exists():
            raise CommandError(f"No county with the number {county!r}.")
        group = {
            "workplace_type": workplace_type,
            "sector": sector,
            "county": county.zfill(2) if county else None,
            "size_class": size_class,
        }
        self.stdout.write(self.style.SUCCESS(f"{send_reminders(round_, group)} reminders sent."))
