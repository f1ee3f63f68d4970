"""Hypothesis profiles: the property tests run their full example counts unless a lighter run
is asked for explicitly.

``HYPOTHESIS_PROFILE`` chooses the profile; unset, it is ``ci``, the full counts, which is what
CI runs. ``HYPOTHESIS_PROFILE=dev`` runs a tenth of each test's examples (at least 10) for a
quick local check; an unknown name fails the run instead of silently falling back.
"""

from __future__ import annotations

import os

from hypothesis import settings

ENVIRONMENT_VARIABLE = "HYPOTHESIS_PROFILE"
FULL = "ci"
LIGHT = "dev"
#: The share of each test's examples the light profile runs.
LIGHT_FRACTION = 10
LIGHT_MINIMUM = 10

# The machine is shared and noisy, and time is not what the property tests test. A test that
# sets no count of its own runs Hypothesis' default (100) under ``ci``, a tenth under ``dev``.
settings.register_profile(FULL, deadline=None)
settings.register_profile(LIGHT, deadline=None, max_examples=100 // LIGHT_FRACTION)


def active_profile() -> str:
    """The profile named by ``HYPOTHESIS_PROFILE`` (``ci`` when unset)."""
    return os.environ.get(ENVIRONMENT_VARIABLE) or FULL


def load_profile() -> str:
    """Load the chosen profile into Hypothesis and return its name.

    Raises ``hypothesis.errors.InvalidArgument`` for a name that is not registered.
    """
    name = active_profile()
    settings.load_profile(name)
    return name


def example_count(full: int) -> int:
    """The number of examples a property test runs: ``full`` under the ``ci`` profile, a tenth
    of it (at least 10, at most ``full``) under ``dev``."""
    if active_profile() == LIGHT:
        return min(full, max(LIGHT_MINIMUM, full // LIGHT_FRACTION))
    return full
