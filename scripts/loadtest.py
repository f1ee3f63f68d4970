"""make loadtest: 50 managers answering at once, readers reading reports, against gunicorn
with production settings on a throwaway PostgreSQL cluster of its own.

    python scripts/loadtest.py [--seconds 75] [--managers 50] [--readers 10] [--restart-db]
    python scripts/loadtest.py --two-servers     # two app servers behind nginx: see loadtest_two_servers.py

1. initdb a new cluster on a free port under a temporary folder (never the shared server),
2. migrate, load the question set, register and indicators, create a round with
   invitations and a synthetic round whose reports readers open,
3. start gunicorn (DEBUG off, Secure cookies, HSTS; plain HTTP on 127.0.0.1 through the
   documented switch TRUST_X_FORWARDED_PROTO, the clients saying X-Forwarded-Proto: https),
4. run locust headless on 127.0.0.1 (bounded in users and time),
5. with --restart-db, restart the cluster in the middle of the run,
6. check the database: every submission a client saw confirmed is stored completely and
   once; print throughput, latency percentiles, statuses and the verdict.

Everything it started is stopped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
TARGET_P99_MS = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise SystemExit(f"{name} not found: install PostgreSQL's server package")


def as_postgres(command: list[str], **kwargs):
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, **kwargs)


class Cluster:
    def __init__(self, folder: Path, port: int):
        self.data = folder / "pgdata"
        self.log = folder / "postgres.log"
        self.port = port
        self.url = f"postgres://postgres@127.0.0.1:{port}/barometer"

    def start(self):
        as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "start",
                     "-o", f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1"])  # fmt: skip

    def stop(self, mode: str = "fast"):
        as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], stdout=subprocess.DEVNULL)

    def create(self):
        self.data.parent.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data.parent, "postgres")
        as_postgres([pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                    stdout=subprocess.DEVNULL)  # fmt: skip
        self.start()
        as_postgres([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "barometer"])


def app_env(cluster: Cluster, work: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "loadtest-only-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "DATABASE_URL": cluster.url,
        "TRUST_X_FORWARDED_PROTO": "true",
        "STATIC_ROOT": str(work / "static"),
        "LOADTEST_DIR": str(work),
        "SITE_URL": f"https://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        # Every simulated manager answers from 127.0.0.1; the limit for wrong links stays
        # on, but no right link is ever wrong here.
        "TOKEN_FAILURE_RATE": "100000/h",
    }


SETUP = """
import json, os
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
from barometer.reference_data import load_indicators, load_reference_figures
from barometer.synthetic import generate_round
from surveys.models import Invitation, Municipality, Response, Round, RoundKind, Workplace, WorkplaceType
from surveys.services.questionsets import import_questionset, load_questionset_file
from surveys.services.registers import DATA_DIR, load_default_register

call_command("createcachetable", verbosity=0)
load_default_register()  # SSB's 357 municipalities
qs = import_questionset(load_questionset_file(DATA_DIR / "innovasjonsbarometeret.json"))
load_reference_figures(); load_indicators()
background = generate_round(question_set=qs, slug="bakgrunn", name="Bakgrunn",
                            workplaces=int(os.environ.get("LOADTEST_BACKGROUND", "3000"))).round
readers = []
for response in Response.objects.filter(round=background)[:40]:
    invitation = Invitation.objects.create(round=background, workplace=response.workplace)
    response.invitation = invitation
    response.save(update_fields=["invitation"])
    readers.append(invitation.token)
now = timezone.now()
live = Round.objects.create(slug="last", name="Lasttest", kind=RoundKind.NATIONAL, question_set=qs,
                            opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7))
municipalities = list(Municipality.objects.all())
types = list(WorkplaceType.values)
tokens = []
for number in range(int(os.environ["LOADTEST_INVITATIONS"])):
    workplace = Workplace.objects.create(name=f"Lasttest {number}", workplace_type=types[number % len(types)],
                                         municipality=municipalities[number % len(municipalities)], employees=25)
    tokens.append(Invitation.objects.create(round=live, workplace=workplace, email="").token)
folder = os.environ["LOADTEST_DIR"]
json.dump(tokens, open(os.path.join(folder, "invitations.json"), "w"))
json.dump(readers, open(os.path.join(folder, "readers.json"), "w"))
"""

CHECK = """
import json, os
from surveys.models import Invitation, Response, ResponseStatus, Round
from surveys.questionnaire import AnswerValues, Questionnaire
folder = os.environ["LOADTEST_DIR"]
confirmed = json.load(open(os.path.join(folder, "confirmed.json")))
live = Round.objects.get(slug="last")
questionnaire = Questionnaire(live.question_set)
problems = []
for item in confirmed:
    responses = list(Response.objects.filter(invitation__token=item["token"]))
    if len(responses) != 1:
        problems.append(f"{item['token'][:8]}: {len(responses)} responses")
        continue
    response = responses[0]
    values = AnswerValues.for_response(response)
    missing = [
        q.code
        for s in questionnaire.visible_sections(values)
        for q in questionnaire.visible_questions(s, values)
        if q.required and not values.answered(q.pk)
    ]
    stored = response.answers.count()
    if response.status != ResponseStatus.SUBMITTED or missing or stored != item["answers"]:
        problems.append(f"{item['token'][:8]}: status {response.status}, missing {missing}, "
                        f"{stored} answers stored of {item['answers']} sent")
submitted = Response.objects.filter(round=live, status=ResponseStatus.SUBMITTED).count()
duplicates = len(confirmed) - len({item["token"] for item in confirmed})
print(json.dumps({"confirmed": len(confirmed), "submitted_in_db": submitted, "problems": problems,
                  "duplicate_confirmations": duplicates}))
"""


def django(code: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [PYTHON, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=2):
                return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {seconds} s")


def percentile_table(stats_file: Path) -> list[dict]:
    with stats_file.open() as handle:
        return list(csv.DictReader(handle))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=75)
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--restart-db", action="store_true", help="restart the database during the run")
    parser.add_argument("--two-servers", action="store_true",
                        help="two gunicorn instances behind nginx with TLS; one is killed mid-run "
                             "(scripts/loadtest_two_servers.py)")  # fmt: skip
    parser.add_argument("--background", type=int, default=500, help="background responses (two-server mode)")
    parser.add_argument("--report", help="write the two-server figures to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) of a two-server run")
    args = parser.parse_args()
    if args.two_servers:
        from loadtest_two_servers import run

        return run(args)

    work = Path(tempfile.mkdtemp(prefix="barometer-loadtest-"))
    cluster = Cluster(work, free_port())
    port = free_port()
    env = app_env(cluster, work, port)
    env["LOADTEST_INVITATIONS"] = str(args.managers * 12)
    server = None
    try:
        print(f"Throwaway PostgreSQL cluster on 127.0.0.1:{cluster.port} in {work}")
        cluster.create()
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        print("Loading data (question set, register, 3,000 synthetic background responses) ...")
        django(SETUP, env)
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--threads", "2", "--timeout", "60", "--keep-alive", "30", "--preload", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        wait_for(f"http://127.0.0.1:{port}/")
        # The site has been up for a while when the deadline rush starts: readers' reports
        # have been opened before.
        for token in json.loads((work / "readers.json").read_text()):
            for path in (f"/s/{token}/rapport/", f"/s/{token}/rapport/figur/shares.svg"):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"}
                )
                urllib.request.urlopen(request, timeout=60).read()
        users = args.managers + args.readers
        locust = subprocess.Popen(
            [str(BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
             "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r", str(max(users // 5, 1)),
             "-t", f"{args.seconds}s", "--stop-timeout", "60", "--csv", str(work / "locust"), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "LOADTEST_MANAGERS": str(args.managers)},
        )  # fmt: skip
        outage = None
        if args.restart_db:
            time.sleep(args.seconds / 3)
            print("Restarting the database (fast stop, 8 seconds down, start) ...")
            started = time.time()
            cluster.stop("fast")
            time.sleep(8)
            cluster.start()
            outage = time.time() - started
        locust.wait(timeout=args.seconds + 180)

        stats = percentile_table(work / "locust_stats.csv")
        statuses = json.loads((work / "statuses.json").read_text())
        result = json.loads(django(CHECK, env).strip().splitlines()[-1])
        print()
        print(f"{'request':<22}{'count':>8}{'fails':>7}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}  (ms)")
        for row in stats:
            print(f"{row['Name']:<22}{row['Request Count']:>8}{row['Failure Count']:>7}"
                  f"{float(row['Requests/s']):>8.1f}{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}"
                  f"{float(row['Max Response Time']):>8.0f}")  # fmt: skip
        print(f"\nstatuses: {statuses}")
        if outage:
            print(f"database down for {outage:.1f} s")
        print(f"submissions confirmed to clients: {result['confirmed']}; submitted in the database: "
              f"{result['submitted_in_db']}")  # fmt: skip
        pages = [row for row in stats if row["Name"] in {"questionnaire page", "questionnaire save"}]
        p99 = max((float(row["99%"]) for row in pages), default=float("inf"))
        server_errors = sum(count for bucket, count in statuses.items() if bucket == "5xx")
        lost = len(result["problems"])
        print(f"server errors other than 503: {server_errors}; lost or incomplete: {lost}; duplicated: "
              f"{result['duplicate_confirmations']}")  # fmt: skip
        for problem in result["problems"][:10]:
            print("  ", problem)
        ok = server_errors == 0 and lost == 0 and result["duplicate_confirmations"] == 0 and result["confirmed"] > 0
        if not args.restart_db:
            ok = ok and p99 < TARGET_P99_MS
            print(f"p99 of questionnaire pages (showing and saving): {p99:.0f} ms (target < {TARGET_P99_MS} ms)")
        else:
            ok = ok and statuses.get("503", 0) > 0
            print(f"503 answers while the database was down: {statuses.get('503', 0)}")
        print("RESULT:", "PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
