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


@pytest.mark.parametrize("command", ["export_responses", "export_questionset"])
@pytest.mark.parametrize("where", ["no such folder", "a folder", "under a file"])
def test_an_export_to_a_path_it_cannot_write_names_the_path(national_round, tmp_path, command, where):
    """``export_responses -o /nonexistent/x.csv`` ended in a traceback; the path is named."""
    folder = tmp_path / "mappe"
    folder.mkdir()
    (tmp_path / "fil.txt").write_text("x", encoding="utf-8")
    path = {"no such folder": tmp_path / "finnes-ikke" / "ut.csv", "a folder": folder,
            "under a file": tmp_path / "fil.txt" / "ut.csv"}[where]  # fmt: skip
    question_set = national_round.question_set
    arguments = ["--round", national_round.slug] if command == "export_responses" else [question_set.slug]
    with pytest.raises(CommandError, match=r"cannot write the file .*; nothing was written"):
        call_command(command, *arguments, "--output", str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fil.txt", "mappe"]
    assert not any(folder.iterdir())


def test_an_export_that_fails_halfway_leaves_the_earlier_file(national_round, tmp_path, monkeypatch):
    """The file takes the place of the earlier one only when the whole export is written:
    the responses are written as they are read, and a failure halfway left half a file."""
    path = tmp_path / "ut.csv"
    path.write_text("forrige eksport\n", encoding="utf-8")
    call_command("export_responses", "--round", national_round.slug, "--output", str(path))
    whole = path.read_bytes()
    assert whole != b"forrige eksport\n"

    def broken(*args, **kwargs):
        yield "første linje\n"
        raise RuntimeError("databasen forsvant")

    monkeypatch.setattr("surveys.management.commands.export_responses.csv_lines", broken)
    with pytest.raises(RuntimeError):
        call_command("export_responses", "--round", national_round.slug, "--output", str(path))
    assert path.read_bytes() == whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ut.csv"]


def test_an_export_writes_to_a_device_or_pipe_and_through_a_link_without_replacing_them(national_round, tmp_path):
    """``-o /dev/null`` replaced the device with a regular file (as root, the system's),
    and a symbolic link with a file (found by a tester)."""
    import os
    import stat
    import threading

    pipe = tmp_path / "ror"
    os.mkfifo(pipe)
    read = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_bytes()))
    reader.start()
    call_command("export_responses", "--round", national_round.slug, "--output", str(pipe))
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert read and read[0].startswith(b"\xef\xbb\xbf")

    call_command("export_responses", "--round", national_round.slug, "--output", os.devnull)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)

    target, link = tmp_path / "ekte.csv", tmp_path / "lenke.csv"
    target.write_text("forrige\n", encoding="utf-8")
    target.chmod(0o640)
    link.symlink_to(target)
    call_command("export_responses", "--round", national_round.slug, "--output", str(link))
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
