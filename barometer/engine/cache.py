"""The one way derived figures (cell tables, reports, charts) are cached.

Everything goes through ``cached``, which stores each value with the round's *figures
version* it was computed for (its fixed part in the key, the part that moves with the data
beside the value), and reads it in the same round trip as the counters that make up the
version (one ``get_many``): a value stored for other data is computed again and replaces
it. That version is made of every input that can change a figure, so a cached value is
never stale and nothing needs to be deleted:

- the round's data version (``surveys.services.answering.data_version_key``), and that of
  any other round the value reads (``also``): bumped after answers are submitted, imported
  or deleted, responses erased, the population loaded or edited, or invitations changed.
  It is per round, so a self-test never touches a national round's;
- the reference version: indicators, reference figures, question texts (signals in
  ``barometer.signals``);
- the register version: a municipality's size, centrality or county, a county's region, a
  workplace's type (signals in ``barometer.signals``);
- the settings that shape figures: ``BAROMETER_MIN_GROUP_SIZE``,
  ``BAROMETER_WEIGHTING_STRATA`` and ``BAROMETER_MIN_STRATUM_RESPONDENTS``, by value;
- the code: a digest of the files that compute and render figures (``code_digest``), so
  a deploy never serves a report, chart or figure that earlier code made (a fixed verdict
  rule or a corrected translation shows at once, not after a day's timeout);
- ``CACHE_FORMAT``, bumped by hand when the shape of a cached object changes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from surveys.services.answering import data_version_key

CACHE_TIMEOUT = 60 * 60 * 24
CACHE_FORMAT = 4

REFERENCE_VERSION_KEY = "barometer:reference-data-version"
REGISTER_VERSION_KEY = "barometer:register-version"

T = TypeVar("T")


def _bump(key: str) -> None:
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=None)


def bump_reference_version() -> None:
    """Indicators, reference figures or question texts changed: every round's figures."""
    _bump(REFERENCE_VERSION_KEY)


def bump_register_version() -> None:
    """A municipality, county, region or workplace changed: every round's figures."""
    _bump(REGISTER_VERSION_KEY)


#: What makes and renders figures: the apps' code, templates, catalogues and shipped data.
CODE_DIRECTORIES = ("barometer", "surveys", "config", "templates", "locale")
CODE_SUFFIXES = frozenset({".py", ".html", ".mo", ".json", ".txt"})


def digest_of_files(root: Path, directories=CODE_DIRECTORIES) -> str:
    """A 12-character SHA-256 digest of every file under ``root``'s ``directories`` with a
    suffix in ``CODE_SUFFIXES``, by relative path and content (about 20 ms for this
    project's 220 files and 1.3 MB)."""
    digest = hashlib.sha256()
    for directory in directories:
        for path in sorted((root / directory).rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.cache
def code_digest() -> str:
    """``digest_of_files`` of the project, read once per process."""
    return digest_of_files(Path(settings.BASE_DIR))


def settings_digest() -> str:
    """The settings that shape figures, by value (a short hash)."""
    values = (
        int(getattr(settings, "BAROMETER_MIN_GROUP_SIZE", 5)),
        tuple(settings.BAROMETER_WEIGHTING_STRATA),
        int(settings.BAROMETER_MIN_STRATUM_RESPONDENTS),
    )
    return hashlib.sha256(repr(values).encode()).hexdigest()[:12]


def _version_keys(round_id: int | None, also: tuple[int, ...]) -> tuple[list[int], list[str]]:
    """The rounds a figures version is made of and their counters' keys, then the two
    shared counters' keys: ``(rounds, keys)``."""
    rounds = [round_id or 0, *also]
    return rounds, [*(data_version_key(each) for each in rounds), REFERENCE_VERSION_KEY, REGISTER_VERSION_KEY]


def _data_version(rounds: list[int], keys: list[str], counters: dict) -> str:
    """The part of a figures version that moves with the data: the rounds' data versions,
    the reference and the register version (``d3.1-r2-g5``), from the counters read under
    ``keys`` (``_version_keys``); a counter not in the cache counts as 0."""
    data = ".".join(
        str(int(counters.get(key) or 0) if each else 0) for each, key in zip(rounds, keys[: len(rounds)], strict=True)
    )
    reference = int(counters.get(REFERENCE_VERSION_KEY) or 0)
    register = int(counters.get(REGISTER_VERSION_KEY) or 0)
    return f"d{data}-r{reference}-g{register}"


def _fixed_version() -> str:
    """The part of a figures version fixed for a process: the cache format, the settings
    that shape figures and the code (``f4-s…-c…``)."""
    return f"f{CACHE_FORMAT}-s{settings_digest()}-c{code_digest()}"


def figures_version(round_id: int | None, *also: int) -> str:
    """The version every cached figure of the round is stored under (a short string).

    ``round_id`` None stands for "no round" (a report without a comparison round). ``also``
    names more rounds whose data the value reads (a workplace report compared with another
    round reads its own round's answers): their data versions are part of the version too.
    One round trip for all the counters (a database or Redis query each otherwise).
    """
    rounds, keys = _version_keys(round_id, also)
    return f"{_fixed_version()}-{_data_version(rounds, keys, cache.get_many(keys))}"


def cached(round_id: int | None, name: str, parts: tuple, compute: Callable[[], T], *, also: tuple[int, ...] = ()) -> T:
    """The value under ``name`` and ``parts`` for the round, computed and stored when the
    cache holds none for the round's current figures version. ``parts`` must name everything
    else the value depends on (language, weighting, viewer, ...); they are joined with ":"
    into the key. ``also``: other rounds whose data the value reads (``figures_version``).

    The key holds the part of the version fixed for the process (the cache format, the
    settings and the code, ``_fixed_version``), so processes running other code or settings
    (a rolling deploy) keep entries of their own. Beside the value is stored the part that
    moves with the data (``_data_version``), read with its counters in the same
    ``get_many``: one round trip on a hit, not two. A value stored for other data is never
    returned: it is computed again and stored in its place. (Two processes computing the
    same value for different data at once may leave the older one stored; the next reader
    then computes it again.)
    """
    key = ":".join(["barometer", name, _fixed_version(), str(round_id or 0), *(str(part) for part in parts)])
    # The database cache's key column holds 255 characters (with prefix and version), and
    # memcached refuses spaces and control characters: such keys are hashed.
    if len(key) > 180 or any(ord(c) <= 32 or ord(c) == 127 for c in key):
        key = f"barometer:{name}:{round_id or 0}:{hashlib.sha256(key.encode()).hexdigest()}"
    rounds, keys = _version_keys(round_id, also)
    found = cache.get_many([*keys, key])
    version = _data_version(rounds, keys, found)
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
        return stored[1]
    value = compute()
    cache.set(key, (version, value), CACHE_TIMEOUT)
    return value
