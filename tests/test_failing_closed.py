"""Failing closed (issue 13, item 5): outside the demo (the embedded SQLite file) DEBUG
defaults to off and the public development key is refused; `check --deploy` reports it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT = (
    "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY)"
)
SETTINGS_VARIABLES = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS"}


def _settings(**variables) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(variables, DJANGO_SETTINGS_MODULE="config.settings")
    code = f"import django; django.setup(); {PRINT}"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_the_demo_runs_with_debug_and_the_development_key():
    result = _settings()
    assert result.stdout.split() == ["True", "True"], result.stderr


def test_with_a_database_url_debug_defaults_to_off():
    result = _settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/elsewhere", SECRET_KEY="k" * 60)
    assert result.stdout.split() == ["False", "False"], result.stderr


@pytest.mark.parametrize("debug", ["", "true"])
def test_with_a_database_url_the_development_key_is_refused(debug):
    from django.conf import settings

    url = "postgres://postgres@127.0.0.1:5432/elsewhere"
    for key in ("", settings.DEVELOPMENT_SECRET_KEY):
        result = _settings(DATABASE_URL=url, DEBUG=debug, SECRET_KEY=key)
        assert result.returncode != 0
        assert "SECRET_KEY must be set to a secret key of its own" in result.stderr


def test_check_deploy_reports_the_development_key():
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize(("given", "expected"), [("", "2"), ("0", "0"), ("7", "7"), ("off", "None"), ("OFF", "None")])
def test_the_prepare_threshold_is_read_from_the_environment(given, expected):
    url = "postgres://postgres@127.0.0.1:5432/elsewhere"
    variables = {"DATABASE_URL": url, "SECRET_KEY": "k" * 60}
    if given:
        variables["DATABASE_PREPARE_THRESHOLD"] = given
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.pop("DATABASE_PREPARE_THRESHOLD", None)
    env.update(variables, DJANGO_SETTINGS_MODULE="config.settings")
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.DATABASES['default']['OPTIONS']['prepare_threshold'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == [expected], result.stderr


@pytest.mark.parametrize("given", ["-1", "two", "2.5"])
def test_a_prepare_threshold_that_is_not_a_count_stops_the_start_with_its_name(given):
    result = _settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/elsewhere",
        SECRET_KEY="k" * 60,
        DATABASE_PREPARE_THRESHOLD=given,
    )
    assert result.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD must be a whole number or off" in result.stderr
