"""Settings for the test run: the project's settings with a random key of the run's own.

On PostgreSQL (``DATABASE_URL`` set) the settings refuse to start without ``SECRET_KEY``;
the tests need no such variable, so the run makes up a key. DEBUG keeps its usual default
for the demo, and is on for a PostgreSQL test run too, so that both databases run the
suite with the same settings (static files from the source folders, no collectstatic).
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "test-run-" + secrets.token_urlsafe(48))
os.environ.setdefault("DEBUG", "true")

from config.settings import *  # noqa: F403
