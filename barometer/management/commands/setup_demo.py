"""Prepare the embedded demo database: SSB's register, question set, rounds and a demo admin.

Idempotent: running it again changes nothing that is already there. It refuses to run with
production settings or against any database but the embedded SQLite file, because it
creates a user with a published password.
"""

import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from barometer.management.commands.seed_demo import publish_synthetic_round
from surveys.models import QuestionSet, Round, RoundKind
from surveys.services.questionsets import import_questionset, load_questionset_file
from surveys.services.registers import DATA_DIR, load_default_register

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "barometer-demo"
QUESTIONSET_FILE = DATA_DIR / "innovasjonsbarometeret.json"


def demo_database_in_use() -> bool:
    if connection.vendor != "sqlite":
        return False
    default = Path(settings.BASE_DIR / "db.sqlite3").resolve()
    return Path(str(connection.settings_dict["NAME"])).resolve() == default


class Command(BaseCommand):
    help = "Load SSB's municipality register, the question set and demo rounds, and create the demo admin user."

    def _announce_publishing(self):
        self.stdout.write(
            "Publishing the synthetic round's results: secondary suppression, then the audit for the public, "
            "every respondent and every municipality (a few minutes, once)..."
        )
        self.stdout.flush()

    def handle(self, *args, **options):
        if not settings.DEBUG or not demo_database_in_use():
            raise CommandError(
                "setup_demo only runs in demo mode (DEBUG on, the embedded SQLite database): it creates a "
                "user with a published password."
            )
        started = time.monotonic()
        call_command("createcachetable", verbosity=0)
        with transaction.atomic():
            result = load_default_register()
            question_set = import_questionset(load_questionset_file(QUESTIONSET_FILE))
            self._rounds(question_set)
            self._admin()
        # In the order it is done: the register and question set first, the rounds after.
        self.stdout.write(
            f"Register (SSB, 1 January 2024): {result.created} municipalities created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
        # In the command's English: the set's own name would give its status in bokmål ("publisert").
        self.stdout.write(f"Question set: {question_set.slug} version {question_set.version} ({question_set.status}).")
        call_command("load_barometer_data", verbosity=0)
        call_command("seed_demo", stdout=self.stdout)
        published = publish_synthetic_round(announce=self._announce_publishing)
        if published is None:
            self.stdout.write("The synthetic round's results are published already; nothing to do.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Published the synthetic round's results (edition {published[0].edition}, audited) "
                    f"in {published[1]:.0f} s."
                )
            )
        self.stdout.write(f"Demo set up in {time.monotonic() - started:.0f} s.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo admin: {settings.SITE_URL}/admin/  user {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r} "
                "(demo database only; an administrator sees the analysts' pages too)."
            )
        )
        site = settings.SITE_URL
        self.stdout.write(
            "Try: the self-test at "
            f"{site}/selvtest/, the statistics at {site}/statistikk/ and the findings at {site}/statistikk/funn/ "
            f"(logged in), the round in fieldwork at {site}/statistikk/runder/demo-feltarbeid/."
        )

    def _rounds(self, question_set: QuestionSet) -> None:
        now = timezone.now()
        names = {"name": "Selvtest", "name_nn": "Sjølvtest", "name_en": "Self-test"}
        round_, created = Round.objects.get_or_create(
            slug="selvtest",
            defaults={
                **names,
                "kind": RoundKind.SELF_TEST,
                "question_set": question_set,
                "opens_at": now - timedelta(days=1),
                "closes_at": now + timedelta(days=365 * 5),
            },
        )
        if not created:  # older demo databases lack the nynorsk and English names
            Round.objects.filter(pk=round_.pk).update(**names)

    def _admin(self) -> None:
        User = get_user_model()
        user, _created = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"email": "admin@example.invalid"})
        user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
