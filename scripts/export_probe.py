"""Stream one round's raw CSV export to nowhere; print rows, seconds and peak memory.

Run by scripts/bench.py in a fresh process so the peak memory is the export's alone.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from surveys.models import Round  # noqa: E402
from surveys.services.response_files import csv_lines, export_rows  # noqa: E402

round_ = Round.objects.select_related("question_set").get(slug=sys.argv[1])
start = time.perf_counter()
rows = -1  # the header
with open(os.devnull, "w") as sink:
    for line in csv_lines(export_rows(round_)):
        sink.write(line)
        rows += 1
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{rows} {seconds:.3f} {peak_mb:.1f}")
