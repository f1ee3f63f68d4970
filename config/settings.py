"""Settings for the Innovasjonsbarometeret app.

Everything that differs between a laptop and production comes from the environment
(see the README, "Configuration"). With no variables set the app runs as the demo: an
embedded SQLite file, DEBUG on and a public development key. As soon as ``DATABASE_URL`` is
set it is not the demo: DEBUG defaults to off and ``SECRET_KEY`` must be set to a key of its
own (the development key is refused), so a forgotten variable fails closed, never open.
The test run (``config/test_settings.py``) supplies its own random key.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The demo is the embedded SQLite file: no DATABASE_URL. Everything else is a deployment.
DEMO = not os.environ.get("DATABASE_URL")
DEBUG = env_bool("DEBUG", DEMO)

# The public development key: only the demo may use it. Its "django-insecure-" prefix makes
# `manage.py check --deploy` report it (security.W009) wherever it is used.
DEVELOPMENT_SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production-6b1f0c"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEMO and SECRET_KEY in {"", DEVELOPMENT_SECRET_KEY}:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a secret key of its own when DATABASE_URL is set "
        "(the development key is only for the demo on the embedded SQLite file)"
    )
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "config.apps.AxesConfig",  # django-axes, under a translated name
    "simple_history",
    "surveys",
    "barometer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the fixed policy built once (config/csp.py).
    "config.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their caching; every page is private, no-store.
    "config.cache_control.PrivateCacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a method the view does not take (a PUT, a POST to a page
    # without a form) is a 405 with its page, not the CSRF page about a form of ours. It
    # also gives a view's bare 405 a page in the visitor's language and frame (the
    # language and the user are known by then: it renders on the way back).
    "config.errors.MethodNotAllowedPage",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Query strings with NUL bytes or huge values get 400 before any view or query runs; after
    # the language and the user are known, so the page comes in the visitor's language and
    # frame (staff menu or login link), not what the thread's previous request left. The
    # session and the user are read only when used, so no query runs before the guard.
    "config.query_guard.QueryParameterGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Limits on login failures, password-reset posts and self-tests (config/throttling.py).
    "config.throttling.ThrottleMiddleware",
    # Last, as django-axes asks: it turns locked-out logins into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
CSRF_FAILURE_VIEW = "surveys.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "barometer:aggregate"
LOGOUT_REDIRECT_URL = "surveys:home"

# SQLite file by default; PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that asks the socket, not the server (config.postgresql).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    # A database that is restarting must not hold a request for long: fail fast, answer 503.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # The statements every respondent page sends are prepared on the server once a
    # connection has sent them this many times (config.postgresql's binding_cursor); "off"
    # behind a pooler in transaction mode that cannot keep prepared statements.
    _prepare = os.environ.get("DATABASE_PREPARE_THRESHOLD", "2").strip().lower()
    if _prepare != "off" and not _prepare.isdigit():
        raise ImproperlyConfigured(f"DATABASE_PREPARE_THRESHOLD must be a whole number or off, not {_prepare!r}")
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", None if _prepare == "off" else int(_prepare))
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DATABASE_NAME", "test_barometer")

elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's embedded database under several clicks at once: WAL lets readers run while
    # one connection writes, a write waits up to SQLITE_BUSY_TIMEOUT seconds for the lock
    # instead of failing with "database is locked", and every transaction takes the write
    # lock when it begins (IMMEDIATE), so it never fails half-way upgrading a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: bokmål is the default; nynorsk and English are complete alternatives.
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "barometer_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Oslo"
# English dates in British style ("30 November 2026, 19:14"); bokmål and nynorsk use Django's.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development static files are served from the source folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Aggregates never show a group of fewer workplaces than this (Udir's norm is five).
BAROMETER_MIN_GROUP_SIZE = int(os.environ.get("BAROMETER_MIN_GROUP_SIZE", "5"))
# Post-stratification: the cells national figures are weighted by ("workplace_type",
# "region", or both), and the fewest respondents a cell needs before it is merged with the
# other small cells of its workplace type.
BAROMETER_WEIGHTING_STRATA = env_list("BAROMETER_WEIGHTING_STRATA", "workplace_type,region")
BAROMETER_MIN_STRATUM_RESPONDENTS = int(os.environ.get("BAROMETER_MIN_STRATUM_RESPONDENTS", "3"))
# Memory PostgreSQL may use for the one query that counts a round (per statement).
BAROMETER_COUNT_WORK_MEM = os.environ.get("BAROMETER_COUNT_WORK_MEM", "64MB")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Shared cache: several app servers must see the same benchmark results and counters, so
# the default is the database cache (created by `createcachetable`), Redis when configured.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": 60 * 60 * 24,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "barometer_cache",
            "TIMEOUT": 60 * 60 * 24,
        }
    }

# E-mail: printed to the console unless SMTP is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Where users report accessibility problems (shown in the accessibility statement).
ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "innovasjonsbarometeret@ks.no")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "innovasjonsbarometeret@localhost")
# Absolute links in e-mails (invitation and resume links) start with this.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Behind a proxy: the networks (CIDR) of the proxies whose X-Forwarded-For is believed. The
# client is the right-most address in that header that is not one of them (config/clientip.py);
# with none set the header is ignored and the direct peer is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
RATELIMIT_IP_META_KEY = "config.clientip.client_ip"
AXES_CLIENT_IP_CALLABLE = "config.clientip.client_ip"

# Failed logins: five tries per user name and address, then a 15-minute pause. Counters
# live in the database, so every app process sees them.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Rate limits (django-ratelimit "count/period", period s, m, h or d, optionally with a number
# such as 15m), counted in the shared cache so every app server sees the same counts. Per
# address they are generous: a municipality's 50 managers may share one NAT address.
# Wrong respondent links per address:
TOKEN_FAILURE_RATE = os.environ.get("TOKEN_FAILURE_RATE", "30/h")
# Failed logins from one address across user names, and for one user name from anywhere:
LOGIN_FAILURES_PER_ADDRESS = os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "100/h")
LOGIN_FAILURES_PER_USERNAME = os.environ.get("LOGIN_FAILURES_PER_USERNAME", "20/h")
# Password-reset posts per address and per e-mail address (each may send an e-mail):
PASSWORD_RESET_PER_ADDRESS = os.environ.get("PASSWORD_RESET_PER_ADDRESS", "20/h")
PASSWORD_RESET_PER_EMAIL = os.environ.get("PASSWORD_RESET_PER_EMAIL", "3/h")
# Self-tests started per address (each makes a draft response):
SELF_TESTS_PER_ADDRESS = os.environ.get("SELF_TESTS_PER_ADDRESS", "60/h")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "surveys.views.too_many_attempts"

# Content security policy: no inline scripts or styles, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The front page and the self-test's first page are rendered once per language and kept
# this many seconds in each process for visitors without a session (surveys/shared_pages.py);
# 0 renders them for every request.
SHARED_PAGE_SECONDS = int(os.environ.get("SHARED_PAGE_SECONDS", "10"))
# The page frame's {% kept %} fragments are rendered once per language and login state in
# each process (surveys/templatetags/kept.py); False renders them for every request.
KEPT_FRAGMENTS = True
# The questionnaire's welcome, section and review pages and the workplace report's frame
# are rendered once per question set revision, section, language and flags with slots for
# each respondent's values, and kept in each process (surveys/page_shells.py); False
# renders them for every request.
PAGE_SHELLS = True

# Privacy: managers' e-mail addresses and invitation links are removed this many days after
# a round closes (manage.py apply_retention); the answers are kept.
RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "90"))

# Security. Production (DEBUG off) is strict by default; a local load test behind no TLS
# proxy opts out explicitly with SECURE_SSL_REDIRECT=false and trusts no proxy header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Respondent-link tokens are masked in every log line and error e-mail (config/logmasking.py).
ADMINS = [("Admin", address) for address in env_list("ADMINS")]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_tokens": {"()": "config.logmasking.MaskTokens"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_tokens"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["mask_tokens"]},
        "mail_admins": {
            "level": "ERROR",
            "class": "config.logmasking.MaskedAdminEmailHandler",
            "filters": ["require_debug_false", "mask_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # Filters on a logger only see records logged to that logger itself, so the loggers
        # that write paths get the filter too (the record is masked before any handler).
        "django.request": {"filters": ["mask_tokens"]},
        "django.security": {"filters": ["mask_tokens"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["mask_tokens"],
        },
        "django.db.backends": {"level": "INFO"},
    },
}
