"""All settings, read from the environment (docs/interface.md "Configuration").

Nothing here is production-only: the same module runs `make run`, the tests and the container.
The embedded default is SQLite + the in-memory channel layer + a local media folder; setting
``DATABASE_URL`` and ``REDIS_URL`` switches to PostgreSQL and Redis.
"""

import contextlib
import os
import re
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    SmtpServer,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_rate,
    env_smtp_server,
    env_str,
)
from routing.regions.zones import zone_of

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def _secret_key(debug: bool) -> str:
    """``SECRET_KEY`` from the environment. Receipts are keyed hashes derived from it: a key
    that changed with a container restart would turn every receipt into a stranger's. So with
    ``DEBUG`` off there is no fallback; `make run` (``DEBUG``) keeps one in ``var/secret_key``."""
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it (and keep it: receipts depend on it) "
            "or run with DEBUG=true."
        )
    return _local_secret_key()


def _local_secret_key() -> str:
    """A key kept in ``var/secret_key`` so receipts stay valid across restarts of `make run`."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written whole into a temporary file created 0600 (config.filemodes: never readable by
        # others, not even briefly), then linked into place, which fails where another process
        # started at the same moment got there first: both then read the one complete key.
        descriptor, temporary = tempfile.mkstemp(dir=VAR_DIR, prefix=".secret_key-")
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(50))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key(DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# Browser origins trusted besides the portal's own scheme://host:port (config.origins), exact
# (https://example.org:8443), comma-separated; for websockets and anonymous cross-site posts.
PORTAL_ALLOWED_ORIGINS = env_list("PORTAL_ALLOWED_ORIGINS", [])
# The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For and X-Forwarded-Proto
# are believed (config.asgi, through uvicorn's ProxyHeadersMiddleware): the client address of
# the rate limits and the https scheme. Empty: none, the socket's peer is the client.
PORTAL_TRUSTED_PROXIES = env_networks("PORTAL_TRUSTED_PROXIES")

# --- Applications -------------------------------------------------------------------------

DJANGO_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
]
LOCAL_APPS = [
    "config.apps.PortalConfig",  # start-up hooks only: private file modes (config.filemodes)
    "routing",
    "complaints",
    "api",
    "frontend",
    "notifications",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First, to time the whole answer; loaded only with PORTAL_METRICS_TOKEN (config.metrics).
    "config.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "frontend.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "frontend.middleware.LanguageQueryMiddleware",
    # Indonesian pages whatever the browser says; the API follows Accept-Language.
    "frontend.middleware.PortalLocaleMiddleware",
    # Times in the region's zone (WIB/WITA/WIT) for the whole request (routing.Region).
    "frontend.middleware.RegionTimeZoneMiddleware",
    # Another site's form-encoded or multipart post to the API: 403 (config.crossorigin).
    "config.crossorigin.CrossSitePostMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A page whose database or Redis is away answers 503 + Retry-After (complaints.unavailable).
    # Last and sync-only, so that under ASGI the whole stack runs in the request's thread
    # (config.unavailable says why): keep it last.
    "config.unavailable.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Searched before the apps', so frontend/templates/admin/ dresses the admin in the
        # city's identity (frontend.identity) over Django's own templates.
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.limits",
                "frontend.context_processors.city",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=0,  # persistent connections are unsafe under ASGI (Django docs)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE makes writers queue on the busy
    # timeout instead of failing with "database is locked" on a read->write upgrade.
    DATABASES["default"]["OPTIONS"] = {
        # Seconds a write waits for another writer's lock before the request answers 503
        # (complaints.unavailable) instead of hanging on.
        "timeout": float(env_str("PORTAL_SQLITE_TIMEOUT", "10")),
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL down or unreachable: fail within seconds (503) instead of the minutes a
    # connection attempt can hang; a connect_timeout in DATABASE_URL's query wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    if env_bool("PORTAL_DB_POOL", False):
        # Django's own pool (psycopg_pool), one per process: a request or a socket's read
        # borrows an open connection and gives it back when Django closes it (CONN_MAX_AGE
        # stays 0, as the pool requires). Processes x max size must stay under PostgreSQL's
        # max_connections. A request that waits past the timeout for a free connection gets a
        # 503 like any unreachable database (complaints.unavailable).
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env_int("PORTAL_DB_POOL_MIN", 2),
            "max_size": env_int("PORTAL_DB_POOL_MAX", 10),
            "timeout": float(env_str("PORTAL_DB_POOL_TIMEOUT", "5")),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "laporpungli",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # The layer waits for messages with a 5 s blocking BZPOPMIN; redis-py 8
                        # reads with a 5 s socket timeout by default, which tore every idle
                        # socket down after 5 s (channels_redis issue 422). Read longer than the
                        # wait; connect quickly, and notice a dead or restarted Redis.
                        "socket_timeout": 15,
                        "socket_connect_timeout": 5,
                        "socket_keepalive": True,
                        "health_check_interval": 30,
                        # redis-py's async pool refuses at once (it does not wait) past its
                        # size: many sockets closing together would fail to leave their groups.
                        "max_connections": 1000,
                    }
                ],
                "prefix": "laporpungli:asgi",
                # The limit applies per worker process (its sockets share one Redis list), and a
                # status event is tiny: room for a burst to every socket of a busy worker. A
                # drop beyond it is repaired by catch-up (the next event, a ping, a reconnect).
                "capacity": 5000,
                "expiry": 60,
                # Sockets are closed by the server before they reach this age (see
                # frontend.consumers), so a membership never outlives its socket silently.
                "group_expiry": 86400,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Single process only: `make run` serves one worker (channels docs, in-memory layer).
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# No MEDIA_URL: evidence is served only through staff views, never as a public folder.

STATIC_URL = "/static/"
# Filled by `collectstatic` for production (`make run` with DEBUG off runs it); under DEBUG the
# files are served from the apps directly.
STATIC_ROOT = None if DEBUG else Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))


def _evidence_storage(bucket: str) -> dict:
    """Where the sanitized photos live: a folder under ``MEDIA_ROOT``, or, with
    ``PORTAL_S3_BUCKET`` set, a private bucket on S3 or an S3-compatible store (django-storages),
    so several web servers share them. Either way they are served only through the scope-checked
    views of ``complaints.files``, streamed from the store: no bucket URL is ever rendered."""
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / "evidence"},
        }
    from botocore.config import Config

    endpoint = env_str("PORTAL_S3_ENDPOINT_URL", "") or None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": env_str("PORTAL_S3_REGION", "us-east-1"),
            "location": "evidence",
            # Private objects; a URL, if anything ever asked for one, would be signed and short.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "custom_domain": None,
            # Names are random (complaints.models.evidence_upload_to): no existence check needed.
            "file_overwrite": True,
            # Downloads are buffered in memory, never in a temporary file on the server's disk.
            "max_memory_size": 0,
            # Credentials: the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (boto3's chain).
            # A store that is down must fail a request in seconds (503), not hold a worker.
            "client_config": Config(
                connect_timeout=3,
                read_timeout=10,
                retries={"max_attempts": 2, "mode": "standard"},
                signature_version="s3v4",
                # S3-compatible stores (MinIO, Ceph, moto) address buckets by path.
                s3={"addressing_style": "path" if endpoint else "auto"},
            ),
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": _evidence_storage(env_str("PORTAL_S3_BUCKET", "")),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600
WHITENOISE_USE_FINDERS = DEBUG

# --- Uploads: the hard caps (docs/product.md "Photo evidence") ---------------------------------

PORTAL_MAX_PHOTOS = 5  # per submission
PORTAL_MAX_PHOTOS_PER_COMPLAINT = 15  # with those the reporter adds later
PORTAL_MAX_PHOTO_BYTES = 10 * 1024 * 1024
PORTAL_MAX_IMAGE_PIXELS = 40_000_000
PORTAL_PHOTO_LONG_EDGE = 2048
PORTAL_THUMB_LONG_EDGE = 400
# Whole request body, enforced by config.asgi before Django reads it.
PORTAL_MAX_REQUEST_BYTES = PORTAL_MAX_PHOTOS * PORTAL_MAX_PHOTO_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Uploads over 2.5 MB are spooled to unnamed files: a killed worker leaves none (config.uploads).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "config.uploads.UnnamedTemporaryFileUploadHandler",
]
# Evidence is readable by the service's user only, whatever the writer's umask (config.filemodes).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Domain -------------------------------------------------------------------------------

PORTAL_REFERENCE_PREFIX = env_str("PORTAL_REFERENCE_PREFIX", "BKL")
# Complaint-handling deadlines in working days (docs/product.md §3 "Deadlines").
PORTAL_DEADLINES = {
    "triage": env_int("PORTAL_DEADLINE_TRIAGE", 3),
    "first_response": env_int("PORTAL_DEADLINE_FIRST_RESPONSE", 5),
    "resolve": env_int("PORTAL_DEADLINE_RESOLVE", 14),
    "resolve_pungli": env_int("PORTAL_DEADLINE_RESOLVE_PUNGLI", 60),
    "auto_close": env_int("PORTAL_DEADLINE_AUTO_CLOSE", 10),
    # Working days past a missed deadline before the Inspektorat takes notice (escalation 2).
    "escalate_inspektorat": env_int("PORTAL_DEADLINE_ESCALATE_INSPEKTORAT", 3),
}
# How often `make run`'s server runs the clocks (production: `manage.py run_clocks --loop`).
PORTAL_CLOCKS_INTERVAL = float(env_str("PORTAL_CLOCKS_INTERVAL", "300"))
PORTAL_INSPEKTORAT_CODE = "INSPEKTORAT"
# The access audit notices a user who opens more than this many complaints in 24 hours on which
# they hold no workflow role (complaints.audit).
PORTAL_AUDIT_OUTSIDE_WORK_LIMIT = env_int("PORTAL_AUDIT_OUTSIDE_WORK_LIMIT", 20)
# How often the outbox sweeper looks for committed events that were not published.
PORTAL_OUTBOX_INTERVAL = float(env_str("PORTAL_OUTBOX_INTERVAL", "2"))
# Websockets: a client must authenticate within this many seconds; every socket is closed (the
# client reconnects and resumes by seq) before PORTAL_WS_MAX_AGE, well inside group_expiry.
PORTAL_WS_AUTH_TIMEOUT = 10
PORTAL_WS_MAX_AGE = 12 * 3600
# Sockets one client (address; IPv6 by /64) may hold open at once, reporter and staff together
# (complaints.socketcaps); a further one is closed with 4429.
PORTAL_WS_MAX_PER_CLIENT = env_int("PORTAL_WS_MAX_PER_CLIENT", 20)
# `manage.py serve` (make run) runs the outbox sweeper and the clocks inside the server process.
PORTAL_IN_PROCESS_JOBS = env_bool("PORTAL_IN_PROCESS_JOBS", False)
# Bearer token of GET /metrics (Prometheus, config.metrics); unset: no such endpoint (404).
PORTAL_METRICS_TOKEN = env_str("PORTAL_METRICS_TOKEN", "")
# Below this confidence a complaint routed by its words alone waits for the coordinator.
PORTAL_ROUTING_THRESHOLD = float(env_str("PORTAL_ROUTING_THRESHOLD", "0.4"))
# Days after closure (closed, rejected, referred) before the reporter's photos, then their own
# texts, are purged (complaints.retention); a complaint on legal hold is kept whole.
PORTAL_RETENTION_PHOTOS_DAYS = env_int("PORTAL_RETENTION_PHOTOS_DAYS", 365)
PORTAL_RETENTION_TEXT_DAYS = env_int("PORTAL_RETENTION_TEXT_DAYS", 730)

# --- E-mail to staff (notifications) ------------------------------------------------------

# The SMTP server from EMAIL_URL or EMAIL_HOST... (config.env.env_smtp_server). With none under
# DEBUG, mail is printed to the console; without DEBUG, Django's default, localhost:25. A server
# that is down loses nothing: mails wait in the notifications table and are tried again.
_SMTP = env_smtp_server()
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if _SMTP is None and DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_SMTP = _SMTP or SmtpServer(host="localhost", port=25)
EMAIL_HOST = _SMTP.host
EMAIL_PORT = _SMTP.port
EMAIL_HOST_USER = _SMTP.user
EMAIL_HOST_PASSWORD = _SMTP.password
EMAIL_USE_TLS = _SMTP.use_tls
EMAIL_USE_SSL = _SMTP.use_ssl
# Seconds before an unresponsive server counts as down (the sender runs inside the clocks).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lapor Pungli <no-reply@localhost>")
# The portal's address as staff reach it, for the links in e-mails.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://localhost:8000")
# The local hour from which the previous day's digest is written and sent.
PORTAL_NOTIFY_DIGEST_HOUR = env_int("PORTAL_NOTIFY_DIGEST_HOUR", 7)
# A deadline this many working days ahead (or less) is warned of, once.
PORTAL_NOTIFY_DUE_SOON_DAYS = env_int("PORTAL_NOTIFY_DUE_SOON_DAYS", 1)

# --- Auth and API -------------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:staff-inbox"
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-bengkulu")

# Rate limits per client address (complaints.ratelimits), for the API and the pages alike:
# "10/hour" (per s, minute, hour or day), or None (env "off") for no limit.
PORTAL_RATES = {
    "submit": env_rate("PORTAL_RATE_SUBMIT", "10/hour"),
    "track": env_rate("PORTAL_RATE_TRACK", "60/hour"),
    "preview": env_rate("PORTAL_RATE_PREVIEW", "120/minute"),
    "directory": env_rate("PORTAL_RATE_PREVIEW", "120/minute"),
    "login": env_rate("PORTAL_RATE_LOGIN", "10/minute"),
    # Per Open311 client key, besides its address's "submit" budget (api.open311.views).
    "open311_key": env_rate("PORTAL_RATE_OPEN311_KEY", "100/hour"),
}
# Per account, whatever the address (complaints.logins): after this many failed logins within
# the cool-down, the account is refused for the cool-down, even with the right password.
PORTAL_LOGIN_FAILURES = env_int("PORTAL_LOGIN_FAILURES", 5)
PORTAL_LOGIN_COOLDOWN_MINUTES = env_int("PORTAL_LOGIN_COOLDOWN_MINUTES", 15)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.StrictJSONParser",  # nesting, size and number limits (api/parsers.py)
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.parsers.StrictContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.exception_handlers.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Never a header read here: REMOTE_ADDR is already the client, taken from X-Forwarded-For
    # only when the peer is one of PORTAL_TRUSTED_PROXIES (config.asgi).
    "NUM_PROXIES": 0,
}
# API tokens (django-rest-knox): only a digest is stored; each login makes a new token that
# expires after a working day. No auto-refresh: a token leaked once does not live on by use.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env_int("PORTAL_TOKEN_TTL_HOURS", 10)),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lapor Pungli API",
    "DESCRIPTION": "Anonymous complaints about illegal fees and service delays, Kota Bengkulu.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- City identity (frontend.identity; docs/interface.md "City identity") --------------------

# Empty: the recorded region's name (routing.Region, from region_init/region_import), else
# "Kota Bengkulu"; set, it wins over the region's.
PORTAL_CITY_NAME = env_str("PORTAL_CITY_NAME", "")
# Empty: "Pemerintah <PORTAL_CITY_NAME>" (in English "Government of ...").
PORTAL_CITY_GOVERNMENT = env_str("PORTAL_CITY_GOVERNMENT", "")
# A static file name or an absolute path: PNG, JPEG or SVG. The favicons are drawn from it.
PORTAL_CITY_CREST = env_str("PORTAL_CITY_CREST", "frontend/identity/lambang-kota-bengkulu.png")
# Primary (header, buttons, links) and accent (decoration), "#rrggbb,#rrggbb".
PORTAL_CITY_COLOURS = env_list("PORTAL_CITY_COLOURS", ["#0b5d3b", "#f2c230"])
for _colour in PORTAL_CITY_COLOURS:
    if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})", _colour):
        raise ImproperlyConfigured(
            f"PORTAL_CITY_COLOURS must be colours like #0b5d3b,#f2c230, not {_colour!r}."
        )

# --- Language and time --------------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The demo region's zone (REGION, a Kemendagri code: 73.71 -> Asia/Makassar) for work outside
# a request (clocks, e-mails); requests use the recorded region's (frontend.middleware).
TIME_ZONE = zone_of(env_str("REGION", "17.71"))
USE_I18N = True
USE_TZ = True

# --- Security and privacy -----------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin: nothing leaves for other sites, while form posts keep the Origin CSRF checks.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS only once deployed (docs/interface.md "Configuration"). Whether a request came over
# HTTPS is the request's own scheme: behind a reverse proxy, the scheme the trusted proxy reports
# (PORTAL_TRUSTED_PROXIES, config.asgi); a client's own X-Forwarded-Proto is never believed.
# HSTS: a year, this host's subdomains included, with consent to the browsers' preload list
# (which takes effect only when the domain's owner submits it); off under DEBUG, so a developer's
# localhost is never pinned to https. The header is sent on HTTPS responses only.
SECURE_HSTS_SECONDS = env_int("PORTAL_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PORTAL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PORTAL_HSTS_PRELOAD", True)
# Plain http is redirected to https unless DEBUG is on; `make run` serves plain http on its own
# machine and sets PORTAL_SSL_REDIRECT=false (Makefile).
SECURE_SSL_REDIRECT = env_bool("PORTAL_SSL_REDIRECT", not DEBUG)
# The container's healthcheck asks over plain http on 127.0.0.1, from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Error reports (the mail to ADMINS, the DEBUG page) show only request facts on an allow-list.
DEFAULT_EXCEPTION_REPORTER = "config.privacy.AnonymousExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.privacy.AnonymousExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_data": {"()": "config.privacy.NoClientDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_client_data"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Servers' access logs carry the client address: never emitted. uvicorn also reports
        # each websocket handshake with the address at INFO on its error logger.
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "uvicorn.error": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "uvicorn": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.channels.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "daphne.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
