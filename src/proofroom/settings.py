"""Proofroom's one settings module, configured by environment variables.

Every variable is listed in the README's "Configuration" section. The
defaults give the embedded mode: both sides in one process, SQLite files and
media under ``./var``, a worker thread for background tasks, DEBUG off.
"""

from __future__ import annotations

import os
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE

from proofroom.core.config import (
    ConfigError,
    database_from_url,
    derive_gallery_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    secret_key,
    secrets_keys,
    sqlite_options,
)

SIDE = env_choice("PROOFROOM_SIDE", "both", ("studio", "gallery", "both"))
RUNS_STUDIO = SIDE in ("studio", "both")
RUNS_GALLERY = SIDE in ("gallery", "both")

DATA_DIR = Path(env_str("PROOFROOM_DATA", "var")).expanduser().resolve()
if DATA_DIR.exists() and not DATA_DIR.is_dir():
    raise ConfigError(f"PROOFROOM_DATA must be a folder ({DATA_DIR} is a file)")
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = secret_key(DATA_DIR)
# Seal secrets kept in the gallery's database (see proofroom.core.sealing); newest key
# first. The desk keeps none: it neither loads the library nor makes a key file.
SECRETS_KEYS = secrets_keys(DATA_DIR) if RUNS_GALLERY else []
DEBUG = env_bool("PROOFROOM_DEBUG", False)
ALLOWED_HOSTS = env_list("PROOFROOM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("PROOFROOM_CSRF_TRUSTED_ORIGINS", [])
if RUNS_STUDIO:  # a refused desk form says why, in the desk's frame, with a way back
    CSRF_FAILURE_VIEW = "proofroom.studio.errors.csrf_failure"
BEHIND_HTTPS_PROXY = env_bool("PROOFROOM_BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Plain HTTP is answered with a redirect to HTTPS, but for the load balancer's checks.
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Browsers remember to use HTTPS only (HSTS) once this site is known to be served over it.
SECURE_HSTS_SECONDS = env_int(
    "PROOFROOM_HSTS_SECONDS",
    60 * 60 * 24 * 365 if BEHIND_HTTPS_PROXY else 0,
    minimum=0,
    maximum=60 * 60 * 24 * 365 * 2,
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PROOFROOM_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PROOFROOM_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PUBLIC_URL = env_str("PROOFROOM_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# How many proxies (load balancer, TLS terminator) stand in front of this server: the
# client's address is then read from X-Forwarded-For (see proofroom.core.net).
TRUSTED_PROXIES = env_int("PROOFROOM_TRUSTED_PROXIES", 0, minimum=0, maximum=10)

# --- Databases: one per side, even when both sides run in one process. -----
_studio_url = env_str("DATABASE_URL", "")
_gallery_url = env_str("GALLERY_DATABASE_URL", "")


def _sqlite(name: str) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / name),
        "OPTIONS": sqlite_options(),
        # Opening SQLite on every request costs about a millisecond: keep it per thread.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


if SIDE == "both":
    STUDIO_DB = "default"
    GALLERY_DB = "gallery"
    _studio_db = database_from_url("DATABASE_URL", _studio_url) if _studio_url else None
    _gallery_db: dict[str, object] | None
    if _gallery_url:
        _gallery_db = database_from_url("GALLERY_DATABASE_URL", _gallery_url)
    elif _studio_url:
        _gallery_db = database_from_url("DATABASE_URL", derive_gallery_url(_studio_url))
    else:
        _gallery_db = None
    DATABASES = {
        "default": _studio_db or _sqlite("studio.sqlite3"),
        "gallery": _gallery_db or _sqlite("gallery.sqlite3"),
    }
else:
    STUDIO_DB = GALLERY_DB = "default"
    if _gallery_url:
        raise ConfigError(
            "GALLERY_DATABASE_URL is only used when PROOFROOM_SIDE=both; "
            "with one side, set DATABASE_URL"
        )
    DATABASES = {
        "default": database_from_url("DATABASE_URL", _studio_url)
        if _studio_url
        else _sqlite(f"{SIDE}.sqlite3")
    }

DATABASE_ROUTERS = ["proofroom.core.routers.SideRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications -----------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "proofroom.core",
]
WORKER_PROCESSES = env_int("PROOFROOM_WORKERS", os.cpu_count() or 1, minimum=1, maximum=64)
if RUNS_STUDIO:
    INSTALLED_APPS += [
        "django.contrib.auth",
        "django.contrib.sessions",
        "django.contrib.admin",
        "proofroom.studio",
    ]
if RUNS_GALLERY:
    INSTALLED_APPS += ["proofroom.gallery"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "proofroom.core.security.ContentSecurityPolicyMiddleware",
    "proofroom.core.security.NoIndexMiddleware",
    "proofroom.core.static.StaticMiddleware",
    "proofroom.core.sessions.SideSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
if RUNS_STUDIO:
    MIDDLEWARE += [
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "proofroom.studio.context.DeskTimeZoneMiddleware",
    ]
MIDDLEWARE += [
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Scripts and styles come from our own static files only: an injected <script>, inline
# handler or javascript: URL does not run. Style attributes stay allowed: they cannot run
# script, and the gallery's justified grid sizes each tile by one without JavaScript.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],  # the gallery adds its card gateway's checkout page
    }
}

ROOT_URLCONF = "proofroom.urls"
WSGI_APPLICATION = "proofroom.wsgi.application"

_context_processors = [
    "django.template.context_processors.request",
    "django.contrib.messages.context_processors.messages",
]
if RUNS_STUDIO:
    _context_processors.insert(1, "django.contrib.auth.context_processors.auth")
    _context_processors.append("proofroom.studio.context.desk")
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": _context_processors},
    }
]

# --- Sessions: each side keeps its own, in its own database. ----------------
# The desk's staff sessions live in the studio database (django.contrib.sessions);
# the gallery's visitors in the gallery database. Cookie names differ so both
# sides can share one host name in the embedded mode.
SESSION_SIDES = []
if RUNS_STUDIO:
    SESSION_SIDES.append(("/desk/", "django.contrib.sessions.backends.db", "proofroom_desk"))
if RUNS_GALLERY:
    SESSION_SIDES.append(("/", "proofroom.gallery.visits", "proofroom_gallery"))
# Django's own tools (the test client's login, the admin) use the first side's.
_, SESSION_ENGINE, SESSION_COOKIE_NAME = SESSION_SIDES[0]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# --- Auth (desk staff) --------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "studio:login"
LOGIN_REDIRECT_URL = "studio:home"
LOGOUT_REDIRECT_URL = "studio:login"

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env_str("PROOFROOM_MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names, collected by `proofroom migrate` (see proofroom.core.static).
    "staticfiles": {
        "BACKEND": "proofroom.core.static.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Before the first collection (a checkout run from source, the tests) WhiteNoise serves the
# apps' own files; once collected, the hashed ones from STATIC_ROOT, immutable for a year.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Background tasks -------------------------------------------------------------
# A running sync renews its lease as it goes; one silent this long is taken for dead.
SYNC_LEASE_SECONDS = env_int("PROOFROOM_SYNC_LEASE_SECONDS", 300, minimum=1, maximum=86400)

# Background tasks: "database" (the embedded default: queued in this side's database, run
# by `proofroom worker` or the server's worker), "rq" (queued on Redis, run by the RQ
# workers `proofroom worker` starts; see proofroom.core.worker) or "immediate" (inline, for
# debugging).
TASK_BACKEND = env_choice("PROOFROOM_TASKS", "database", ("database", "rq", "immediate"))
TASK_QUEUES = ["default", "images", "sync"]
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASK_BACKEND],
        "QUEUES": TASK_QUEUES,
    }
}
REDIS_URL = env_str("PROOFROOM_REDIS_URL", "redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigError(
        f"PROOFROOM_REDIS_URL must be a redis://, rediss:// or unix:// URL (got {REDIS_URL!r})"
    )
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    # A job may run as long as a sync of a large session; RQ's default (3 minutes) would
    # kill it midway. The sync's own lease notices a worker that died.
    RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 60 * 60} for name in TASK_QUEUES}
# `proofroom worker` makes sure, at start and this often, that each periodic job (the
# automatic sync, the gallery's sweep and mail retries) is still booked (proofroom.core.beats).
BEATS_MINUTES = env_int("PROOFROOM_BEATS_MINUTES", 10, minimum=1, maximum=24 * 60)
# The gallery's sweep deletes unused derivatives and stray files older than this: longer
# than any sync, so it never takes what a sync in progress was told the gallery has.
SWEEP_GRACE_HOURS = env_int("PROOFROOM_SWEEP_GRACE_HOURS", 24, minimum=1, maximum=24 * 90)

# --- Email ---------------------------------------------------------------------------
EMAIL_HOST = env_str("PROOFROOM_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("PROOFROOM_EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("PROOFROOM_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_str("PROOFROOM_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("PROOFROOM_EMAIL_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("PROOFROOM_EMAIL_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = 20
else:
    # Embedded mode: mail is written as files an operator can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
DEFAULT_FROM_EMAIL = env_str("PROOFROOM_EMAIL_FROM", "Proofroom <proofroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Payments ----------------------------------------------------------------------
# Card gateways are configured per studio on the gallery (`proofroom gallery payments`).
# The API address is only ever changed to point tests at a fake of the gateway's API.
STRIPE_API_BASE = env_str("PROOFROOM_STRIPE_API_BASE", "https://api.stripe.com")

# --- Logging -----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "PROOFROOM_LOG_LEVEL", "info", ("debug", "info", "warning", "error")
        ).upper(),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pyvips": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

SILENCED_SYSTEM_CHECKS: list[str] = []
