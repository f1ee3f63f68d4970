"""Two clicks at once on the demo database (issue 13, item 7): parallel submits on a
file-based SQLite database (WAL, busy timeout, immediate transactions) all succeed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_embedded_database_is_configured_for_concurrent_use():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the SQLite options apply to the embedded database only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]


def test_parallel_submits_on_a_file_based_sqlite_database_never_fail(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "sqlite_parallel_probe.py"), str(tmp_path / "demo.sqlite3"), "6"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["journal_mode"] == "wal"
    assert outcome["errors"] == []
    assert outcome["statuses"] == [302] * 6, result.stderr[-3000:]
    assert outcome["submitted"] == outcome["expected_submitted"] == 3
