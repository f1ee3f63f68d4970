"""Management commands' integer options are bounded: a usage error, before anything is done.

``seed_demo --workplaces 1000000000`` generated workplaces for hours; ``--workplaces -5`` and
``--seed`` of any size were taken; ``export_questionset --version 99999999999999999999`` ended
in a traceback (a number SQLite cannot bind).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from surveys.models import QuestionSet, Round

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (["--workplaces", str(10**9)], "--workplaces"),
        (["--workplaces", "0"], "--workplaces"),
        (["--workplaces", "-5"], "--workplaces"),
        (["--workplaces", "many"], "--workplaces"),
        (["--workplaces", "9" * 5000], "--workplaces"),  # more digits than int() takes
        (["--seed", "-1"], "--seed"),
        (["--seed", str(2**64)], "--seed"),
    ],
)
def test_seed_demo_refuses_numbers_out_of_bounds_and_creates_nothing(question_set, options, named, monkeypatch):
    from barometer.management.commands import seed_demo

    def must_not_run(*args, **kwargs):
        raise AssertionError("seed_demo started generating")  # as the old code did, for hours

    monkeypatch.setattr(seed_demo, "generate_round", must_not_run)
    monkeypatch.setattr(seed_demo, "generate_fieldwork_round", must_not_run)
    with pytest.raises(CommandError, match=rf"argument {named}: give a whole number from \d+ to \d+"):
        call_command("seed_demo", *options)
    assert not Round.objects.filter(slug__in=["syntetisk-demo", "demo-feltarbeid"]).exists()


@pytest.mark.parametrize("version", [str(10**20), "-1", "one"])
def test_export_questionset_refuses_a_version_no_column_holds(question_set, version, tmp_path):
    out = tmp_path / "set.json"
    with pytest.raises(CommandError, match=r"argument --version: give a whole number from 0 to 2147483647"):
        call_command("export_questionset", question_set.slug, "--version", version, "--output", str(out))
    assert not out.exists()


def test_export_questionset_still_finds_no_such_version(question_set):
    with pytest.raises(CommandError, match="No question set innovasjonsbarometeret version 2147483647"):
        call_command("export_questionset", question_set.slug, "--version", "2147483647")
    assert QuestionSet.objects.filter(slug=question_set.slug).exists()


def test_from_the_command_line_it_is_a_usage_error_not_a_traceback(tmp_path):
    run = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--workplaces", str(10**9)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.test_settings", "HOME": str(tmp_path)},
    )
    assert run.returncode == 2
    assert "usage: manage.py seed_demo" in run.stderr and "give a whole number from 1 to 20000" in run.stderr
    assert "Traceback" not in run.stderr
