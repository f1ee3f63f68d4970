"""gunicorn settings for the app (``gunicorn -c deploy/gunicorn.conf.py config.wsgi``).

The access log goes to stdout in the common log format with respondent-link tokens masked
(``/s/…/``): see config/logmasking.py. Everything else can be given on the command line
or in ``GUNICORN_CMD_ARGS`` (``--bind``, ``--workers``).
"""

import os

wsgi_app = "config.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Behind nginx, which keeps client connections open itself; a short keep-alive frees workers.
keepalive = 5
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
logger_class = "config.logmasking.MaskedGunicornLogger"
