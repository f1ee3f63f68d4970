"""`make run` uses the address it serves in every link it prints or e-mails (issue 14, item 9)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def dry_run(*arguments: str) -> str:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    done = subprocess.run(
        ["make", "-n", "-W", "requirements.txt", "run", *arguments],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def commands(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if f"manage.py {name}" in line]


def test_make_run_on_another_port_links_to_that_port():
    output = dry_run("PORT=8101")
    for name in ("setup_demo", "runserver"):
        found = commands(output, name)
        assert found and all("SITE_URL=http://127.0.0.1:8101" in line for line in found), output


def test_an_explicit_site_url_wins():
    output = dry_run("PORT=8101", "SITE_URL=https://barometer.example.invalid")
    assert all("SITE_URL=https://barometer.example.invalid" in line for line in commands(output, "runserver"))
