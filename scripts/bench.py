"""make bench: the app measured against baselines taken in the same run (issue 16).

Generates synthetic rounds (default 10,000 and 100,000 submitted responses) in a database
of its own, never the demo or the test database:

- BENCH_DATABASE_URL when set (created when missing on PostgreSQL);
- with DATABASE_URL pointing at PostgreSQL: the database ``barometer_bench`` on that server;
- otherwise its own SQLite file, ``bench/bench.sqlite3``.

Rounds are kept between runs (``--fresh`` drops them); their generation time is kept in
``bench/generation.json``. It prints one table with "met"/"not met" per target:

- HTTP: a bare Django page (``scripts/bare_site.py``, 5 KB) and each respondent page and
  ``/statistikk/`` as analyst, served by the same gunicorn command (2 sync workers,
  ``--preload``, production settings), measured with ``wrk -t2 -c20`` interleaved, bare page
  before each page, ``--http-runs`` times: median and min/max requests per second, the ratio
  to the bare page and the p99 ratio; then the first request of a fresh server process;
- the SQL statements of every respondent page (transaction control not counted);
- per size: a raw GROUP BY over the round's own answers joined to its responses (the
  baseline) and the cold computation of every indicator, interleaved (``--repeat`` x 3
  pairs, medians), their ratio, and the cached computation;
- per size, each in a fresh process: the streamed CSV export against PostgreSQL's own
  ``COPY`` of one row per response, the XLSX export against openpyxl's write-only mode
  writing the same rows from memory, and each export's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_COLD_RATIO = 1.0
TARGET_CACHED_PAGE_MS = 20.0
TARGET_EXPORT_MB = 150
TARGET_PAGE_RATIO = 0.2  # respondent pages, of the bare page's throughput
TARGET_FRONT_RATIO = 0.5
TARGET_P99_RATIO = 3.0
TARGET_CSV_RATIO = 0.3  # of COPY's rate
TARGET_XLSX_RATIO = 0.7  # of openpyxl's own rate
BUDGETS = {"show": 4, "save": 8, "review": 10, "submit": 10}
WRK = "/usr/bin/wrk"
BIN = Path(sys.executable).parent


def met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urlparse(configured)
        return urlunparse(parts._replace(path="/barometer_bench"))
    (ROOT / "bench").mkdir(exist_ok=True)
    return f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def median_ms(function, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def interleaved_medians_ms(baseline, measured, repeat: int) -> tuple[float, float]:
    """Median ms of ``baseline`` and of ``measured``, run one after the other ``repeat``
    times, so that a quiet or a busy moment of the machine falls on both alike."""
    pairs = [(median_ms(baseline, 1), median_ms(measured, 1)) for _ in range(repeat)]
    return statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(app: str, port: int, env: dict, chdir: Path) -> subprocess.Popen:
    """The one gunicorn command both the app and the bare page are served by."""
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), app, "--chdir", str(chdir), "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--worker-class", "sync", "--preload", "--timeout", "120", "--log-level", "warning"],
        env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn {app} did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def wrk(url: str, seconds: int, headers: dict[str, str]) -> tuple[float, float]:
    """Requests per second and the 99th percentile latency in ms of one wrk run."""
    command = [WRK, "-t2", "-c20", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", output).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"wrk got error responses from {url}:\n{output}")
    return rate, p99


def first_request_ms(env: dict, url_path: str, headers: dict[str, str]) -> tuple[float, float]:
    """(start of a fresh server until it listens, its first request) in ms."""
    port = free_port()
    start = time.perf_counter()
    server = gunicorn("config.wsgi", port, env, ROOT)
    started = (time.perf_counter() - start) * 1000
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{url_path}", headers=headers)
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
        return started, (time.perf_counter() - start) * 1000
    finally:
        stop(server)


def probe(slug: str, mode: str) -> tuple[int, float, float]:
    """rows, seconds, peak MB of one export measurement in a fresh process."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "export_probe.py"), slug, mode],
        capture_output=True, text=True, env=os.environ, check=True,
    )  # fmt: skip
    rows, seconds, peak = result.stdout.split()
    return int(rows), float(seconds), float(peak)


def database_size_mb(connection) -> float | None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0] / 1e6
    name = connection.settings_dict["NAME"]
    return os.path.getsize(name) / 1e6 if os.path.exists(name) else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000,100000"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--http-seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--http-runs", type=int, default=3, help="wrk runs per page")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    parser.add_argument("--no-exports", action="store_true", help="skip the export measurements")
    parser.add_argument("--fresh", action="store_true", help="drop the generated rounds first")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    url = bench_database_url()
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "true"  # this process only; the served app runs with DEBUG off
    # One key for this process and the served app, so the analyst's session is valid there.
    os.environ["SECRET_KEY"] = "bench-only-" + secrets.token_urlsafe(48)
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from barometer.engine.counting import cell_table
    from barometer.engine.figures import RoundFigures, resolved_indicators
    from barometer.reference_data import load_indicators, load_reference_figures
    from barometer.synthetic import generate_round
    from surveys.models import AnswerChoice, Invitation, QuestionSet, Response, Round, RoundKind
    from surveys.services.questionsets import import_questionset, load_questionset_file
    from surveys.services.registers import DATA_DIR, load_default_register
    from tests.answering import INNOVATOR_ANSWERS, post_data

    # The test client's instrumentation: pages then carry their context (the walk reads the
    # form's fields from it) and e-mail stays in memory.
    setup_test_environment()
    print(f"Benchmark database: {connection.vendor} ({url.split('@')[-1]})")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_default_register()  # SSB's 357 municipalities
    question_set = import_questionset(load_questionset_file(DATA_DIR / "innovasjonsbarometeret.json"))
    load_reference_figures()
    load_indicators()
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(admin)
    generation_file = ROOT / "bench" / "generation.json"
    generation_file.parent.mkdir(exist_ok=True)
    generation = json.loads(generation_file.read_text()) if generation_file.exists() else {}

    def kept_round(slug: str, size: int):
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is not None and (args.fresh or Response.objects.filter(round=round_).count() != size):
            print(f"Dropping the old {slug} round ...")
            AnswerChoice.objects.filter(response__round=round_).delete()
            Response.objects.filter(round=round_).delete()
            round_.delete()
            round_ = None
        if round_ is None:
            print(f"Generating {size:,} submitted responses ...", flush=True)
            start = time.perf_counter()
            round_ = generate_round(
                question_set=QuestionSet.objects.get(pk=question_set.pk), slug=slug, name=f"Bench {size}",
                workplaces=size, batch_size=2000, progress=lambda made: print(f"  {made:,}", end="\r", flush=True),
            ).round  # fmt: skip
            generation[f"{url.split('@')[-1]} {slug}"] = time.perf_counter() - start
            print()
            generation_file.write_text(json.dumps(generation, indent=1))
        return round_

    # --- Computation ------------------------------------------------------------------------
    results = []
    for size in sizes:
        slug = f"bench-{size}"
        round_ = kept_round(slug, size)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        specs = [item.spec for item in resolved_indicators(round_.question_set_id)]

        def raw_group_by(round_=round_):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT ac.option_id, COUNT(*) FROM surveys_answerchoice ac "
                    "JOIN surveys_response r ON r.id = ac.response_id "
                    "WHERE r.round_id = %s AND r.status = 'submitted' GROUP BY ac.option_id",
                    [round_.pk],
                )
                cursor.fetchall()

        def cold_cells(round_=round_, specs=specs):
            cell_table(round_, specs)

        raw_group_by()  # warm the database's own caches equally for both measurements
        cold_cells()
        baseline, cold = interleaved_medians_ms(raw_group_by, cold_cells, args.repeat * 3)

        def cached_cells(round_=round_):
            _ = RoundFigures(round_).table

        cached_cells()
        cached = median_ms(cached_cells, args.repeat * 4)
        response = Response.objects.filter(round=round_).order_by("pk").first()
        page_url = f"/rapporter/{response.pk}/"
        cache.clear()
        cold_page = median_ms(lambda url=page_url: (cache.clear(), client.get(url)), 1)
        client.get(page_url)
        page = median_ms(lambda url=page_url: client.get(url), args.repeat * 4)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(page_url).status_code
        if status != 200:
            raise SystemExit(f"the report page answered {status}")
        made = generation.get(f"{url.split('@')[-1]} {slug}")
        results.append((size, baseline, cold, cached, cold_page, page, len(queries), made))

    # --- Respondent pages: statements per request ---------------------------------------------
    http_round = kept_round("bench-http", 200)
    now = timezone.now()
    Round.objects.get_or_create(
        slug="bench-selftest",
        defaults={"name": "Bench self-test", "kind": RoundKind.SELF_TEST, "question_set": http_round.question_set,
                  "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=3650)},
    )  # fmt: skip
    Round.objects.filter(slug="bench-http").update(closes_at=now + timedelta(days=3650))
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    counts: dict[str, list[int]] = {}

    def counted(label, request):
        with CaptureQueriesContext(connection) as captured:
            answer = request()
        statements = [q for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith(control)]
        counts.setdefault(label, []).append(len(statements))
        return answer

    workplaces = list(Response.objects.filter(round=http_round).values_list("workplace_id", flat=True)[:2])
    Invitation.objects.filter(round=http_round).delete()
    walker = Client()
    invitations = []
    for workplace_id in workplaces:
        invitation = Invitation.objects.create(round=http_round, workplace_id=workplace_id)
        invitations.append(invitation)
        Response.objects.filter(round=http_round, workplace_id=workplace_id).update(invitation=invitation)
    reported, answering = invitations
    # The second workplace answers again from the start: a draft with every page visible.
    Response.objects.filter(invitation=answering).update(status="draft", submitted_at=None)
    AnswerChoice.objects.filter(response__invitation=answering).delete()
    Response.objects.get(invitation=answering).answers.all().delete()
    cache.clear()
    counted("front page", lambda: walker.get("/"))
    counted("self-test form", lambda: walker.get("/selvtest/"))
    token = answering.token
    counted("welcome", lambda: walker.get(f"/s/{token}/"))
    welcome = walker.get(f"/s/{token}/")
    if welcome.status_code != 200:
        raise SystemExit(f"the welcome page answered {welcome.status_code} {welcome.get('Location', '')}")
    next_url = welcome.context["next_url"]
    section_paths = []
    while not next_url.endswith("/oppsummering/"):
        section_paths.append(next_url)
        shown = counted("show", lambda u=next_url: walker.get(u))
        data = post_data(http_round.question_set, list(shown.context["form"].fields), INNOVATOR_ANSWERS)
        saved = counted("save", lambda u=next_url, d=data: walker.post(u, d))
        next_url = saved["Location"]
    review_path = next_url
    counted("review", lambda: walker.get(review_path))
    report_path = f"/s/{reported.token}/rapport/"
    walker.get(report_path)
    counted("workplace report", lambda: walker.get(report_path))

    # --- HTTP side by side --------------------------------------------------------------------
    http = []
    first = None
    if not args.no_http:
        static_root = ROOT / "bench" / "static"
        env = {
            **os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "STATIC_ROOT": str(static_root), "TOKEN_FAILURE_RATE": "100000/h",
        }  # fmt: skip
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
        session = client.cookies["sessionid"].value
        pages = [("front page", "/", {}), ("self-test start", "/selvtest/", {}), ("welcome", f"/s/{token}/", {})]
        pages += [(f"page {path.rstrip('/').rsplit('/', 1)[-1]}", path, {}) for path in section_paths]
        pages += [("review", review_path, {}), ("workplace report", report_path, {})]
        pages += [("/statistikk/ (analyst)", "/statistikk/", {"Cookie": f"sessionid={session}"})]
        bare_port, app_port = free_port(), free_port()
        bare = gunicorn("bare_site:application", bare_port, env, ROOT / "scripts")
        app = gunicorn("config.wsgi", app_port, env, ROOT)
        try:
            for label, path, headers in pages:
                bare_rates, bare_p99s, rates, p99s = [], [], [], []
                for _ in range(args.http_runs):
                    rate, p99 = wrk(f"http://127.0.0.1:{bare_port}/", args.http_seconds, {})
                    bare_rates.append(rate)
                    bare_p99s.append(p99)
                    rate, p99 = wrk(f"http://127.0.0.1:{app_port}{path}", args.http_seconds, headers)
                    rates.append(rate)
                    p99s.append(p99)
                print(f"  {label}: {statistics.median(rates):,.0f} req/s", flush=True)
                http.append((label, bare_rates, bare_p99s, rates, p99s))
        finally:
            stop(app)
            stop(bare)
        first = first_request_ms(env, report_path, {})

    # --- Exports ------------------------------------------------------------------------------
    exports = []
    for size in [] if args.no_exports else sizes:
        slug = f"bench-{size}"
        row = {"size": size}
        if connection.vendor == "postgresql":
            row["copy"] = probe(slug, "copy")
        row["csv"] = probe(slug, "csv")
        row["openpyxl"] = probe(slug, "openpyxl")
        row["xlsx"] = probe(slug, "xlsx")
        exports.append(row)

    # --- The table ----------------------------------------------------------------------------
    print()
    size_mb = database_size_mb(connection)
    print(f"Database: {connection.vendor}, {size_mb:,.0f} MB" if size_mb else f"Database: {connection.vendor}")
    if http:
        print()
        print(f"{'page':<28} {'bare req/s':>11} {'page req/s (min-max)':>24} {'ratio':>6} {'p99 ratio':>9}  target")
        for label, bare_rates, bare_p99s, rates, p99s in http:
            ratio = statistics.median(rates) / statistics.median(bare_rates)
            p99_ratio = statistics.median(p99s) / statistics.median(bare_p99s)
            analyst = label.startswith("/statistikk/")
            target = TARGET_FRONT_RATIO if label == "front page" else TARGET_PAGE_RATIO
            verdict = "(no target)" if analyst else met(ratio >= target and p99_ratio <= TARGET_P99_RATIO)
            spread = f"{statistics.median(rates):,.0f} ({min(rates):,.0f}-{max(rates):,.0f})"
            print(
                f"{label:<28} {statistics.median(bare_rates):>11,.0f} {spread:>24}"
                f" {ratio:>6.2f} {p99_ratio:>9.2f}  {verdict}"
            )
        print(
            f"targets: respondent pages >= {TARGET_PAGE_RATIO}x the bare page, front page >= {TARGET_FRONT_RATIO}x,"
            f" p99 <= {TARGET_P99_RATIO}x; wrk -t2 -c20 -d{args.http_seconds}s, {args.http_runs} runs each"
        )
        started, first_ms = first
        print(f"fresh server: listening after {started:,.0f} ms, its first workplace report {first_ms:,.0f} ms")
    print()
    print(f"{'statements per request':<28} {'max':>4} {'budget':>7}")
    for label, values in counts.items():
        budget = BUDGETS.get(label)
        print(f"{label:<28} {max(values):>4} {budget or '':>7}  {met(max(values) <= budget) if budget else ''}")
    print()
    print(f"{'responses':>10} {'generated':>10} {'GROUP BY':>10} {'cold':>10} {'ratio':>7} {'cached':>8}"
          f" {'page cold':>10} {'page':>8} {'queries':>8}")  # fmt: skip
    for size, baseline, cold, cached, cold_page, page, queries, made in results:
        made_text = f"{made:,.0f} s" if made else "kept"
        print(
            f"{size:>10,} {made_text:>10} {baseline:>8.1f}ms {cold:>8.1f}ms {cold / baseline:>6.2f}x {cached:>6.2f}ms"
            f" {cold_page:>8.1f}ms {page:>6.1f}ms {queries:>8}"
        )
    largest = results[-1]
    print(f"cold computation <= {TARGET_COLD_RATIO}x the round's raw GROUP BY: "
          f"{met(all(cold / baseline <= TARGET_COLD_RATIO for _s, baseline, cold, *_r in results))}")  # fmt: skip
    print(f"cached report page <= {TARGET_CACHED_PAGE_MS} ms at {largest[0]:,}: "
          f"{met(largest[5] <= TARGET_CACHED_PAGE_MS)}")  # fmt: skip
    print(f"query count constant across sizes: {met(len({row[6] for row in results}) == 1)}")
    print()
    if not exports:
        print("exports: not measured (--no-exports)")
        return 0
    print(f"{'responses':>10} {'COPY rows/s':>12} {'CSV rows/s':>11} {'ratio':>6} {'openpyxl':>9} {'XLSX':>7}"
          f" {'ratio':>6} {'CSV peak':>9} {'XLSX peak':>10}")  # fmt: skip
    csv_ok = xlsx_ok = True
    for row in exports:
        rate = {mode: row[mode][0] / row[mode][1] for mode in ("copy", "csv", "openpyxl", "xlsx") if mode in row}
        csv_ratio = rate["csv"] / rate["copy"] if "copy" in rate else float("nan")
        xlsx_ratio = rate["xlsx"] / rate["openpyxl"]
        csv_ok = csv_ok and "copy" in rate and csv_ratio >= TARGET_CSV_RATIO
        xlsx_ok = xlsx_ok and xlsx_ratio >= TARGET_XLSX_RATIO
        print(
            f"{row['size']:>10,} {rate.get('copy', float('nan')):>12,.0f} {rate['csv']:>11,.0f} {csv_ratio:>6.2f}"
            f" {rate['openpyxl']:>9,.0f} {rate['xlsx']:>7,.0f} {xlsx_ratio:>6.2f} {row['csv'][2]:>7.0f}MB"
            f" {row['xlsx'][2]:>8.0f}MB"
        )
    csv_peaks = [row["csv"][2] for row in exports]
    xlsx_peaks = [row["xlsx"][2] for row in exports]
    under = all(peak < TARGET_EXPORT_MB for peak in csv_peaks + xlsx_peaks)
    flat = max(csv_peaks) - min(csv_peaks) < 20 and max(xlsx_peaks) - min(xlsx_peaks) < 20
    print(f"CSV >= {TARGET_CSV_RATIO}x COPY: {met(csv_ok)}; XLSX >= {TARGET_XLSX_RATIO}x openpyxl: {met(xlsx_ok)}")
    print(f"export peak memory < {TARGET_EXPORT_MB} MB: {met(under)}; flat in N (within 20 MB): {met(flat)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
