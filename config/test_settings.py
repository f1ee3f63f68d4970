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

# Django's default hasher runs PBKDF2 a million times per password on purpose (over a second
# on the shared CI machine); the tests create and log in users by the hundred and test no
# property of the hash, so they use the fastest hasher. The production settings are unchanged.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
