"""make bench: how the benchmark engine scales, measured against a baseline in the same run.

Generates synthetic rounds of 10,000 and 100,000 submitted responses in a database of its
own, never the demo or the test database:

- with DATABASE_URL pointing at PostgreSQL: the database ``barometer_bench`` on that server
  (created when missing; BENCH_DATABASE_URL overrides);
- otherwise its own SQLite file, ``bench/bench.sqlite3``.

Rounds are kept between runs (generating 100,000 responses takes minutes); ``--fresh``
drops them. For each size it prints the median time of a raw GROUP BY over all the round's
answers (the baseline), the cold and cached computation of every indicator, the cached
report page and its query count, and the ratios. Timings are medians of several runs.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_COLD_RATIO = 3.0
TARGET_CACHED_PAGE_MS = 20.0
TARGET_EXPORT_MB = 150


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000,100000"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="drop the generated rounds first")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    url = bench_database_url()
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "true"  # the bench runs on this machine only
    # With DATABASE_URL set the settings refuse the development key: the bench brings its own.
    os.environ.setdefault("SECRET_KEY", "bench-only-" + secrets.token_urlsafe(48))
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from barometer.engine.counting import cell_table
    from barometer.engine.figures import RoundFigures, resolved_indicators
    from barometer.reference_data import load_indicators, load_reference_figures
    from barometer.synthetic import generate_round
    from surveys.models import AnswerChoice, QuestionSet, Response, Round
    from surveys.services.questionsets import import_questionset, load_questionset_file
    from surveys.services.registers import DATA_DIR, load_default_register

    print(f"Benchmark database: {connection.vendor} ({url.split('@')[-1]})")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_default_register()  # SSB's 357 municipalities
    question_set = import_questionset(load_questionset_file(DATA_DIR / "innovasjonsbarometeret.json"))
    load_reference_figures()
    load_indicators()
    from django.contrib.auth import get_user_model

    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(admin)

    results, exports = [], []
    for size in sizes:
        slug = f"bench-{size}"
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
                question_set=QuestionSet.objects.get(pk=question_set.pk),
                slug=slug,
                name=f"Bench {size}",
                workplaces=size,
                batch_size=2000,
                progress=lambda made: print(f"  {made:,}", end="\r", flush=True),
            ).round
            print(f"  generated in {time.perf_counter() - start:.0f} s")
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

        raw_group_by()  # warm the database's own caches equally for both measurements
        baseline = median_ms(raw_group_by, args.repeat)
        cold = median_ms(lambda round_=round_, specs=specs: cell_table(round_, specs), args.repeat)

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
        results.append((size, baseline, cold, cached, cold_page, page, len(queries)))
        probe = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "export_probe.py"), slug],
            capture_output=True,
            text=True,
            env=os.environ,
            check=True,
        )
        rows, seconds, peak = probe.stdout.split()
        exports.append((size, int(rows), float(seconds), float(peak)))

    print()
    print(f"{'responses':>10} {'GROUP BY':>10} {'cold':>10} {'ratio':>7} {'cached':>8} {'page cold':>10}"
          f" {'page':>8} {'queries':>8}")  # fmt: skip
    for size, baseline, cold, cached, cold_page, page, queries in results:
        print(
            f"{size:>10,} {baseline:>8.1f}ms {cold:>8.1f}ms {cold / baseline:>6.2f}x {cached:>6.2f}ms"
            f" {cold_page:>8.1f}ms {page:>6.1f}ms {queries:>8}"
        )
    largest = results[-1]
    ratio_ok = all(cold / baseline <= TARGET_COLD_RATIO for _s, baseline, cold, *_rest in results)
    page_ok = largest[5] <= TARGET_CACHED_PAGE_MS
    queries_ok = len({row[6] for row in results}) == 1
    print()
    print(f"cold indicators <= {TARGET_COLD_RATIO}x raw GROUP BY: {'yes' if ratio_ok else 'NO'}")
    print(f"cached report page <= {TARGET_CACHED_PAGE_MS} ms at {largest[0]:,}: {'yes' if page_ok else 'NO'}"
          f" ({connection.vendor})")  # fmt: skip
    print(f"query count constant across sizes: {'yes' if queries_ok else 'NO'}")
    print()
    print(f"{'responses':>10} {'export rows':>12} {'rows/s':>10} {'peak memory':>12}")
    for size, rows, seconds, peak in exports:
        print(f"{size:>10,} {rows:>12,} {rows / seconds:>10,.0f} {peak:>10.1f}MB")
    peaks = [peak for *_rest, peak in exports]
    flat = max(peaks) - min(peaks) < 20
    under = all(peak < TARGET_EXPORT_MB for peak in peaks)
    print(f"export peak memory < {TARGET_EXPORT_MB} MB: {'yes' if under else 'NO'}")
    print(f"export peak memory independent of row count (within 20 MB): {'yes' if flat else 'NO'}")


if __name__ == "__main__":
    raise SystemExit(main())
