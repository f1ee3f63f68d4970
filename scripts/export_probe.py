"""One export measurement in a fresh process of its own; prints rows, seconds and peak MB.

    python scripts/export_probe.py ROUND_SLUG csv|xlsx|copy|openpyxl

- ``csv``: the streamed raw CSV export, written to nowhere;
- ``xlsx``: the raw XLSX export (answers and codebook), written to a temporary file;
- ``copy``: PostgreSQL alone streaming one row per response (``COPY ... TO STDOUT``), read
  and discarded: the rate the database can hand the same data over;
- ``openpyxl``: openpyxl's write-only mode writing the export's rows from memory (the rows
  are built before the clock starts): the library's own speed.

Run by scripts/bench.py. The peak is the process's VmHWM, which execve resets, so it is
this export's own and not the parent's (ru_maxrss survives execve on Linux).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from surveys.models import Answer, AnswerChoice, Response, Round  # noqa: E402
from surveys.questionnaire import Questionnaire  # noqa: E402
from surveys.services.response_files import codebook_rows, csv_lines, export_rows, write_xlsx  # noqa: E402


def peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(slug: str, mode: str) -> None:
    round_ = Round.objects.select_related("question_set").get(slug=slug)
    rows = 0
    if mode == "openpyxl":
        from openpyxl import Workbook

        data = list(export_rows(round_))
        start = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="svar")
        for row in data:
            sheet.append(row)
        with tempfile.TemporaryDirectory() as folder:
            workbook.save(Path(folder) / "raw.xlsx")
        rows = len(data) - 1
    elif mode == "copy":
        answers, choices, responses = Answer._meta.db_table, AnswerChoice._meta.db_table, Response._meta.db_table
        sql = f"""COPY (
            SELECT r.id, r.workplace_type, r.municipality_id, r.employees, r.submitted_at,
                   (SELECT string_agg(a.question_id || '=' || COALESCE(a.number_value::text, a.text_value), ';')
                      FROM {answers} a WHERE a.response_id = r.id),
                   (SELECT string_agg(ac.option_id::text, ';') FROM {choices} ac WHERE ac.response_id = r.id)
            FROM {responses} r WHERE r.round_id = {int(round_.pk)} AND r.status = 'submitted' ORDER BY r.id
        ) TO STDOUT"""
        start = time.perf_counter()
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for _row in copy.rows():
                rows += 1
    elif mode == "csv":
        start = time.perf_counter()
        rows = -1  # the header
        with open(os.devnull, "w") as sink:
            for line in csv_lines(export_rows(round_)):
                sink.write(line)
                rows += 1
    elif mode == "xlsx":
        start = time.perf_counter()
        questionnaire = Questionnaire.of(round_.question_set)

        def counted():
            nonlocal rows
            for row in export_rows(round_):
                rows += 1
                yield row

        with tempfile.TemporaryDirectory() as folder:
            write_xlsx(Path(folder) / "raw.xlsx", {"svar": counted(), "kodebok": codebook_rows(questionnaire)})
        rows -= 1
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    seconds = time.perf_counter() - start
    print(f"{rows} {seconds:.3f} {peak_mb():.1f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "csv")
