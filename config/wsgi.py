"""
WSGI config for the project: the callable `application`, warmed for `gunicorn --preload`.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Import every URLconf and view module now, not on a worker's first request: with
# `gunicorn --preload` this happens once in the master and every worker starts warm.
from django.urls import get_resolver  # noqa: E402

get_resolver().check()  # resolving the patterns imports every view module

# The interval arithmetic loads scipy.stats on first use (barometer.engine.stats); a server
# loads it here, so workers share it and no report waits for the import.
from barometer.engine.stats import t_critical  # noqa: E402

t_critical(30)
