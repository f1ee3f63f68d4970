"""A PostgreSQL dump restored into a fresh database gives identical aggregates."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.db import connection

from barometer.synthetic import generate_round

ROOT = Path(__file__).resolve().parent.parent


def database_url(name: str) -> str:
    settings = connection.settings_dict
    netloc = f"{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    if settings.get("PASSWORD"):
        netloc = f"{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT'] or 5432}"
    return urlunparse(("postgres", netloc, f"/{name}", "", "", ""))


def aggregates(url: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "round_aggregates", "--round", "backup"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_a_restored_dump_gives_identical_aggregates(barometer_data, question_set, register):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore use PostgreSQL's own tools (pg_dump, pg_restore)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.fail("pg_dump and pg_restore are needed (Debian: postgresql-client)")
    generate_round(question_set=question_set, slug="backup", name="Backup", workplaces=150)
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    original = aggregates(database_url(source))
    # The cache table is left out, as the README says: the restored numbers are computed anew.
    dump = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--exclude-table-data=barometer_cache", database_url(source)],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    admin = database_url("postgres")
    subprocess.run(["dropdb", "--if-exists", "--maintenance-db", admin, restored], check=True)
    try:
        subprocess.run(["createdb", "--maintenance-db", admin, restored], check=True)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", database_url(restored)],
                       input=dump, check=True)  # fmt: skip
        assert aggregates(database_url(restored)) == original
    finally:
        subprocess.run(["dropdb", "--if-exists", "--maintenance-db", admin, restored], check=True)
    assert '"workplaces": 150' in original
    assert urlparse(database_url(source)).path == f"/{source}"
