"""Run by tests/test_sqlite_demo.py in a process of its own, on a FILE-based SQLite database
as the demo uses (the test run's in-memory database cannot show locking between
connections): answers a questionnaire, then posts the summary form from several threads at
once, each with its own connection, and prints the status codes as JSON.

Usage: python tests/sqlite_parallel_probe.py PATH_TO_EMPTY_SQLITE_FILE THREADS
"""

import json
import os
import sys
import threading
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    path, threads = sys.argv[1], int(sys.argv[2])
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{path}",
        SECRET_KEY="sqlite-probe-" + "k" * 50,
        DEBUG="true",  # static files from the source folders, as in the demo
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from surveys.models import Invitation, Response, ResponseStatus, Round, RoundKind, Workplace, WorkplaceType
    from surveys.services.questionsets import import_questionset, load_questionset_file
    from surveys.services.registers import DATA_DIR, import_municipalities, load_regions_and_counties
    from tests.answering import INNOVATOR_ANSWERS, answer_all

    setup_test_environment()
    call_command("migrate", verbosity=0)
    question_set = import_questionset(load_questionset_file(DATA_DIR / "innovasjonsbarometeret.json"))
    load_regions_and_counties()
    import_municipalities(DATA_DIR / "sample_register.csv", is_sample=True)
    from surveys.models import Municipality

    now = timezone.now()
    round_ = Round.objects.create(
        slug="parallel", name="Parallel", kind=RoundKind.NATIONAL, question_set=question_set,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1),
    )  # fmt: skip
    municipality = Municipality.objects.get(number="9901")
    invitations = []
    for number in range(threads):
        workplace = Workplace.objects.create(
            name=f"Skole {number}", workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality
        )
        invitation = Invitation.objects.create(round=round_, workplace=workplace)
        answer_all(Client(), invitation.token, question_set, INNOVATOR_ANSWERS)
        invitations.append(invitation)
    connection.close()

    # Half the threads submit the same response twice (a double click); the others submit
    # their own, all at the same moment.
    targets = [invitations[index // 2].token for index in range(threads)]
    start = threading.Barrier(threads)
    statuses: list[int] = []
    errors: list[str] = []

    def submit(token: str) -> None:
        client = Client(raise_request_exception=False)
        try:
            start.wait(timeout=30)
            statuses.append(client.post(f"/s/{token}/oppsummering/").status_code)
        except Exception as exc:  # reported in the output
            errors.append(repr(exc))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=submit, args=(token,)) for token in targets]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    submitted = Response.objects.filter(status=ResponseStatus.SUBMITTED).count()
    print(json.dumps({
        "statuses": sorted(statuses), "errors": errors, "submitted": submitted,
        "expected_submitted": len(set(targets)),
        "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
        "options": {key: str(value) for key, value in settings.DATABASES["default"].get("OPTIONS", {}).items()},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
