"""Project-level guarantees: settings, migrations, translations."""

import hashlib
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_match_the_models(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def production_env(**extra):
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    env.update(
        # The project's settings, not the test run's (which bring their own key).
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-production-secret-for-the-deploy-check-only-" + "y" * 20,
        ALLOWED_HOSTS="barometer.example.no",
        **extra,
    )
    return env


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_are_norwegian():
    assert settings.LANGUAGE_CODE == "nb"
    assert [code for code, _name in settings.LANGUAGES] == ["nb", "nn", "en"]
    assert settings.TIME_ZONE == "Europe/Oslo"


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_compiled_catalogues_match_the_sources(language):
    """A fresh machine has no gettext, so the .mo files are committed: they must match the .po."""
    po_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    expected = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in po.translated_entries()
        if not e.obsolete
    }
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo if e.msgid}
    assert compiled == expected


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_interface_string_is_translated(language):
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:10]


def catalogue_digest(locale_dir: Path) -> str:
    """A SHA-256 over every .po and .mo file under ``locale_dir`` (their paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(locale_dir.rglob("*.[pm]o")):
        digest.update(str(path.relative_to(locale_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: What ``make messages`` does not read (as its --ignore patterns and git's ignore file say).
NOT_SCANNED = (
    ".git",
    ".venv",
    "tests",
    "staticfiles",
    "scripts",
    "artifacts",
    "bench",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)


def test_no_interface_string_is_left_untranslated(tmp_path, settings):
    """Regenerate the catalogues from the source, as `make messages` does: every string must
    already be in them, translated and not fuzzy.

    makemessages writes each source file's strings to the locale directory beside it (or the
    one in the working directory), whatever LOCALE_PATHS says, so it runs in a copy of the
    project: the committed catalogues must come out of the check unchanged.
    """
    import shutil as _shutil

    if not (_shutil.which("xgettext") and _shutil.which("msgmerge")):
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext is needed for this check (Debian: apt-get install gettext)")
        pytest.skip("GNU gettext is not installed: the catalogue regeneration check is skipped")
    committed_digest = catalogue_digest(ROOT / "locale")
    project = tmp_path / "project"
    _shutil.copytree(ROOT, project, ignore=_shutil.ignore_patterns(*NOT_SCANNED), symlinks=True)
    locale = project / "locale"
    # msgmerge --update leaves a catalogue that is already up to date as it was, so the
    # copy's contents may come out unchanged; Django still writes each .po it merges. The
    # copies are dated 1970 first, so their dates say whether makemessages wrote to them.
    copies = sorted(locale.rglob("django.po"))  # djangojs.po is kept by hand (Django admin widgets)
    for path in copies:
        os.utime(path, (0, 0))
    settings.LOCALE_PATHS = [locale]
    cwd = os.getcwd()
    os.chdir(project)
    try:
        call_command("makemessages", locale=["nb", "nn"], no_obsolete=True, no_location=True, verbosity=0)
    finally:
        os.chdir(cwd)
    assert catalogue_digest(ROOT / "locale") == committed_digest, "the check changed the project's own catalogues"
    assert copies and all(path.stat().st_mtime > 0 for path in copies), "makemessages did not write to the copy"
    for language in ("nb", "nn"):
        regenerated = polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po"))
        committed = {
            (e.msgctxt, e.msgid) for e in polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
        }
        new = [e.msgid for e in regenerated if (e.msgctxt, e.msgid) not in committed]
        assert not new, f"{language}: strings missing from the catalogue (run make messages): {new[:10]}"
        assert not regenerated.untranslated_entries(), [e.msgid for e in regenerated.untranslated_entries()][:10]
        assert not regenerated.fuzzy_entries(), [e.msgid for e in regenerated.fuzzy_entries()][:10]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_translation_keeps_the_format_of_its_source(language):
    """``msgfmt --check``: a translation of a format string has the same placeholders. A
    help text with "80 % of" was flagged as a Python format ("% o" is one), and its
    translation "80 % av" failed the check; it is marked ``no-python-format``."""
    import shutil as _shutil

    if not _shutil.which("msgfmt"):
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext is needed for this check (Debian: apt-get install gettext)")
        pytest.skip("GNU gettext is not installed: msgfmt's check is skipped")
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    checked = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(po)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
