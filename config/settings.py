"""Accord settings, configured from the environment.

With no environment at all Accord runs as a development demo: SQLite in the project folder,
Celery tasks executed eagerly, mail printed to the console. `DJANGO_ENV=production` switches
on the deployment profile, in which secrets have no defaults and `check --deploy` is clean.
"""

import ipaddress
import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


DJANGO_ENV = env("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env_bool("ACCORD_TESTING", "pytest" in sys.modules)

DEBUG = env_bool("DEBUG", not PRODUCTION and not TESTING)

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
else:
    # Development only: never used when DJANGO_ENV=production.
    SECRET_KEY = env(
        "SECRET_KEY", "dev-insecure-accord-key-not-for-production-use-0123456789abcdef"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin with staff + MFA checks and no login form of its own (core/admin_site.py).
    "core.admin_site.AccordAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "customers",
    "dialogue",
    "solutions",
    "insights",
    "health",
    "integrity",
    "integrations",
    "space",
    "strategy",
    "search",
    "mailin",
    "anymail",
    "home",
]
# The benchmark's dataset and commands are loaded only when asked for (make bench, the tests).
if env_bool("ACCORD_BENCH", TESTING):
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # First: everything after it (lockout, audit, logs, metrics) sees the client's address.
    "core.proxy.TrustedProxyMiddleware",
    "core.middleware.RequestIdMiddleware",
    # First after the request id, so every answer (static files, 4xx, 503) carries it.
    "core.middleware.PermissionsPolicyMiddleware",
    # Request log line and metrics, with the request id set and the final status known.
    "core.metrics.RequestTelemetryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files (an SVG can carry script) get the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a plain-HTTP API request is refused untouched.
    "core.https.HttpsOnlyApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a page before sign-in: the cookie, then Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication: it loads the user, so a database outage there is a 503 for
    # every middleware after it (they read request.user).
    "integrity.middleware.SessionOutageMiddleware",
    # A guest of the shared space reaches /shared/ only (404 elsewhere).
    "space.middleware.GuestBoundaryMiddleware",
    # The signed-in user's language and time zone (Preferences) win.
    "accounts.middleware.UserTimeZoneAndLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After the header middlewares, so its 400/405/413 answers carry CSP, nosniff, ...
    "core.middleware.RejectBadInputMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.NoStoreForAuthenticatedMiddleware",
    "accounts.middleware.MFAMiddleware",
    "core.audit.DeniedAccessAuditMiddleware",
    "axes.middleware.AxesMiddleware",
    "integrity.idempotency.IdempotencyKeyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Choice widgets are written in Python (same markup as Django's templates): see the module.
FORM_RENDERER = "core.forms_renderer.FastChoicesRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 5000 if PRODUCTION else 30000)
# Every connection's session settings, passed at start-up (or, behind PgBouncer, stored on the
# database by `manage.py configure_database`).
DATABASE_SESSION_SETTINGS = {
    "statement_timeout": STATEMENT_TIMEOUT_MS,
    "idle_in_transaction_session_timeout": 10000,
    # JIT compilation cost 60-80 ms on the visibility rule's subqueries and never paid back on
    # Accord's short, indexed queries.
    "jit": "off",
    # Search's typo tolerance for names (pg_trgm's <%): "Schroeder" finds Schröder.
    "pg_trgm.word_similarity_threshold": 0.5,
}
# PgBouncer in transaction mode in front of PostgreSQL: a transaction may run on any server
# connection, so no server-side cursors (they outlive a statement) and no start-up options
# (PgBouncer refuses them): `manage.py configure_database` sets them on the database instead.
DATABASE_PGBOUNCER = env_bool("DATABASE_PGBOUNCER", False)
# A covering index's INCLUDE columns (dialogue's open items by owner) are PostgreSQL's; SQLite
# builds the index without them, which loses nothing but speed: no warning on every command.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 3
    )
    if DATABASE_PGBOUNCER:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        DATABASES["default"]["OPTIONS"]["options"] = " ".join(
            f"-c {name}={value}" for name, value in DATABASE_SESSION_SETTINGS.items()
        )

# A PostgreSQL streaming replica for read-only requests (core/replica.py says which reads).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
REPLICA_READ_APPS = frozenset(
    {"customers", "dialogue", "solutions", "insights", "health", "strategy", "search"}
)
REPLICA_READ_YOUR_WRITES_SECONDS = env_int("REPLICA_READ_YOUR_WRITES_SECONDS", 10)
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_LAG_CHECK_SECONDS = env_int("REPLICA_LAG_CHECK_SECONDS", 5)
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
    # A replica that does not answer within a second is skipped (the primary answers).
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], "connect_timeout": 1}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    MIDDLEWARE.append("core.replica.ReplicaReadsMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# English and German; a user's choice (Preferences) wins over the browser's Accept-Language.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language across the app (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic writes (nginx serves it in production: deploy/nginx/accord.conf).
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outside production WhiteNoise serves the static folders themselves, so `make run` (DEBUG off
# by default) needs no collectstatic.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION and not TESTING

# Redis: absent means Celery runs tasks eagerly and the cache is in memory.
REDIS_URL = env("REDIS_URL")

CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
if REDIS_URL and REDIS_URL.startswith(("redis://", "rediss://")):
    # kombu's Redis transport with a repair for workers losing the broker mid-task (F04).
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Must exceed the task time limit: a message not acknowledged within it is delivered again.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
    # Without socket timeouts a silent broker makes .delay() hang the request forever.
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "socket_keepalive": True,
    "health_check_interval": 25,
    # kombu looks for messages of dead workers every 10 s x throttle; 1 bounds recovery (F06).
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
# pytest-xdist runs the suite in several processes at once on one Redis: each gets its own queue
# and cache keys (the workers and servers a test starts inherit PYTEST_XDIST_WORKER).
XDIST_WORKER = env("PYTEST_XDIST_WORKER", "")
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE") or (
    f"accord-{XDIST_WORKER}" if XDIST_WORKER else "accord"
)
# One queue per workload, so a flood of nightly rebuilds never delays a notification: the
# default queue takes the account jobs (summaries, prep briefs, health, scorecards, sweeps,
# housekeeping), the others notifications and email, webhook deliveries, and imports. A worker
# started without -Q serves them all; production may run one worker per queue (README).
CELERY_WORKLOAD_QUEUES = {
    "accounts": CELERY_TASK_DEFAULT_QUEUE,
    "notifications": f"{CELERY_TASK_DEFAULT_QUEUE}.notifications",
    "webhooks": f"{CELERY_TASK_DEFAULT_QUEUE}.webhooks",
    "imports": f"{CELERY_TASK_DEFAULT_QUEUE}.imports",
}
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in CELERY_WORKLOAD_QUEUES.values()]
CELERY_TASK_ROUTES = {
    pattern: {"queue": CELERY_WORKLOAD_QUEUES[workload]}
    for pattern, workload in (
        ("accounts.tasks.*", "notifications"),
        ("space.tasks.*", "notifications"),
        ("insights.tasks.send_weekly_digests_task", "notifications"),
        ("integrations.tasks.*webhook*", "webhooks"),
        ("integrations.tasks.*import*", "imports"),
    )
}
CELERY_BEAT_SCHEDULE: dict = {}
# Every task retries transient errors with exponential backoff from this base up to this cap
# (core/tasks.py); the fault tests shorten them.
CELERY_RETRY_BACKOFF = env_int("CELERY_RETRY_BACKOFF", 2)
CELERY_RETRY_BACKOFF_MAX = env_int("CELERY_RETRY_BACKOFF_MAX", 300)
# The change feed (customers/changes.py) tells these tasks, by name, that an account changed.
ACCOUNT_CHANGE_CONSUMERS = [
    "insights.tasks.rebuild_summary_task",
    "health.tasks.refresh_health",
    "insights.tasks.refresh_prep_briefs_task",
    "strategy.tasks.refresh_scorecard",
]
# Parts of the account plan PDF that apps above insights add, by name (core/pdf.py): each is a
# function of the customer giving a template and its context.
PLAN_PDF_PARTS = ["strategy.pdf.whitespace_part"]

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env("CACHE_URL", REDIS_URL),
            "KEY_PREFIX": f"accord-{XDIST_WORKER}" if XDIST_WORKER else "accord",
            # A Redis outage must not turn reads into 500s: the cache then acts as empty.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Email, through Django 6.1's MAILERS. EMAIL_BACKEND may name any backend; in development
# mail goes to the console.
EMAIL_BACKEND_PATH = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER", ""),
        "password": env("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 10,
    }
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Accord <accord@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Email into the dialogue (mailin/): each account's and user's forwarding address is
# account+<token>@ / user+<token>@ this domain; mail arrives by a hosted provider's inbound
# webhook (Anymail: the basic-auth secret and the provider's signing key) or by polling an IMAP
# mailbox. Attachments over the limit are listed but not kept (files under MEDIA_ROOT).
INBOUND_EMAIL_DOMAIN = (env("INBOUND_EMAIL_DOMAIN", "inbound.accord.localhost") or "").lower()
MAILIN_MAX_ATTACHMENT_BYTES = env_int("MAILIN_MAX_ATTACHMENT_BYTES", 10 * 2**20)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / ("test-media" if TESTING else "media"))))
ANYMAIL = {
    name: value
    for name, value in {
        "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET"),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env("MAILGUN_WEBHOOK_SIGNING_KEY"),
    }.items()
    if value
}
IMAP_HOST = env("IMAP_HOST", "")
IMAP_PORT = env_int("IMAP_PORT", 993)
IMAP_USER = env("IMAP_USER", "")
IMAP_PASSWORD = env("IMAP_PASSWORD", "")
IMAP_SSL = env_bool("IMAP_SSL", True)
IMAP_MAILBOX = env("IMAP_MAILBOX", "INBOX")
IMAP_TIMEOUT = env_int("IMAP_TIMEOUT", 30)
IMAP_POLL_SECONDS = env_int("IMAP_POLL_SECONDS", 60)
# A mailbox message is accepted only when the receiving MTA's Authentication-Results header
# (the one it wrote under this authserv-id) shows SPF, DKIM or DMARC passing for the From domain
# (mailin/authresults.py). "dmarc-fail" refuses only dmarc=fail; "off" trusts the mailbox.
MAILIN_IMAP_AUTHSERV_ID = env("MAILIN_IMAP_AUTHSERV_ID", "") or ""
MAILIN_IMAP_AUTH = env("MAILIN_IMAP_AUTH", "aligned") or "aligned"
if MAILIN_IMAP_AUTH not in ("aligned", "dmarc-fail", "off"):
    raise ImproperlyConfigured("MAILIN_IMAP_AUTH must be aligned, dmarc-fail or off.")

# REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # `Authorization: Token <key>`: expiring, revocable, two-factor aware (accounts.ApiToken).
        "accounts.authentication.ApiTokenAuthentication",
    ],
    # OPTIONS describes an endpoint's fields to staff only.
    "DEFAULT_METADATA_CLASS": "core.metadata.StaffOnlyFieldsMetadata",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.api.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_THROTTLE_USER", "3600/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Accord API",
    "DESCRIPTION": "Account planning for consultative B2B selling.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "solutions.models.Proposal.Status",
        "ContributionStatusEnum": "solutions.models.Contribution.Status",
        # Action items and the shared space's plan steps share these values (open, done,
        # cancelled): one enum for both.
        "OpenDoneCancelledEnum": "dialogue.models.ActionItem.Status",
        # A plan risk's likelihood and impact share one scale.
        "PlanItemLevelEnum": "insights.models.PlanItem.Level",
    },
    # The schema and Swagger UI are for staff (ASVS 13.4.5); schemathesis loads it in-process.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAdminUser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_schema.add_error_responses",
        "core.api_schema.constrain_parameters",
    ],
}

# Security headers. Django's defaults already give nosniff, same-origin referrer and COOP.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
# HSTS is only ever sent over https, so it is safe to set everywhere (ASVS 3.4.1: >= 1 year).
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Idle timeout: the session expires after this long without a request. core.middleware renews
# it at most once a minute instead of saving the session on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
# Absolute lifetime since login, enforced by core.middleware.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The API over plain http should fail, not redirect (ASVS 4.1.2), so a client notices.
    # /metrics is scraped from gunicorn on loopback (deploy/README.md), without TLS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$", r"^api/"]
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        # Only when the proxy always overwrites this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Issue 16, finding 9: in production the API refuses plain HTTP with a 403 (core/https.py).
API_HTTPS_ONLY = PRODUCTION


def env_networks(name: str, default: str = "") -> list[str]:
    """Comma-separated addresses or CIDR networks, checked at start-up."""
    networks = env_list(name, default)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {network!r} is not an address or network") from exc
    return networks


# Reverse proxies on this host whose X-Real-IP header names the client (core/proxy.py).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# django-axes: lock a username from one address after 5 failures, for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# 429 with a clear message, as JSON under /api/ (core/lockout.py).
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
# The peer address only: X-Forwarded-For is client-controlled unless a known proxy sets it.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]

# Multi-factor authentication: roles for which TOTP is required before any page.
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "manager,admin" if PRODUCTION else "")
# API tokens expire this many days after they are issued.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
# A password-reset link works once, for this many seconds (Django's default is 3 days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_SECONDS", 60 * 60)

# Browser features no Accord page uses, switched off for every page and any frame in it.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Logs: one JSON object per line in production (LOG_FORMAT=json), readable lines otherwise.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
# One line per request: request id, user id, method, path, route, status, duration.
LOG_REQUESTS = env_bool("LOG_REQUESTS", PRODUCTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        # Escapes control characters in messages, so logged input cannot forge log lines.
        "plain": {
            "()": "core.logging.SafeFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "accord.audit": {"level": "INFO"},
    },
}
if LOG_REQUESTS:
    # The request log (core/metrics.py) has a line for every 4xx; Django's stays for 5xx.
    LOGGING["loggers"]["django.request"] = {"level": "ERROR"}
# Celery's workers log through the same handler (JSON in production) instead of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

# /metrics (core/metrics.py): open to the bearer token and/or the networks; neither = 404.
METRICS_TOKEN = env("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env_networks("METRICS_ALLOWED_NETWORKS")
# Folders of the processes' counters (prometheus_client's multiprocess mode) added up by
# /metrics: the web's and, on the same host, the worker's (the systemd units set them).
METRICS_MULTIPROC_DIRS = env_list("METRICS_MULTIPROC_DIRS")
# Each app's scrape-time figures, by dotted path (core imports no app above it).
METRICS_COLLECTORS = [
    "customers.metrics.collect",
    "insights.metrics.collect",
    "health.metrics.collect",
    "mailin.metrics.collect",
]

# Account health (health app). Weights are the components' maximum points; they need not sum
# to 100 (the score is scaled), but keeping them at 100 makes the points read as percentages.
HEALTH_WEIGHTS = {
    "recency": 25,
    "engagement": 20,
    "understanding": 15,
    "solution": 15,
    "execution": 15,
    "balance": 10,
    # The plan scorecard against the account's playbook (strategy); counted only where a
    # playbook applies, so accounts without one keep the six components above.
    "plan": 10,
}
HEALTH_GREEN_AT = 70
HEALTH_AMBER_AT = 40
# A proposal in review for longer than this many days counts as stuck.
HEALTH_REVIEW_STUCK_DAYS = env_int("HEALTH_REVIEW_STUCK_DAYS", 21)
# Strategy tools: the currency every value at stake is shown in (ISO 4217 code).
ORGANISATION_CURRENCY = (env("ORGANISATION_CURRENCY", "EUR") or "EUR").upper()
CELERY_BEAT_SCHEDULE["health-daily-snapshots"] = {
    "task": "health.tasks.snapshot_all_customers",
    # After the nightly summary rebuild, so the day's snapshot sees the rebuilt data.
    "schedule": crontab(hour=3, minute=30),
}
# The change feed's sweep (customers), the nightly summary rebuild and the weekly digest.
CELERY_BEAT_SCHEDULE["customers-sweep-account-changes"] = {
    "task": "customers.tasks.sweep_account_changes_task",
    "schedule": timedelta(seconds=60),
}
# The manager pages' account tallies (customers/tallies.py) are kept current by the writes;
# a nightly rebuild repairs any drift.
CELERY_BEAT_SCHEDULE["customers-nightly-tallies"] = {
    "task": "customers.tasks.rebuild_tallies_task",
    "schedule": crontab(hour=2, minute=15),
}
CELERY_BEAT_SCHEDULE["insights-nightly-rebuild"] = {
    "task": "insights.tasks.rebuild_all_summaries_task",
    "schedule": crontab(hour=2, minute=30),
}
CELERY_BEAT_SCHEDULE["insights-prep-briefs"] = {
    "task": "insights.tasks.prepare_due_briefs_task",
    "schedule": crontab(minute="*/15"),
}
# The largest calendar invitation (.ics) read on the plan-a-meeting page, uploaded or pasted.
ICS_IMPORT_MAX_BYTES = env_int("ICS_IMPORT_MAX_BYTES", 2**20)
# Daily: users who chose a daily digest get one every day, the others on Mondays.
CELERY_BEAT_SCHEDULE["insights-weekly-digest"] = {
    "task": "insights.tasks.send_weekly_digests_task",
    "schedule": crontab(hour=6, minute=0),
}
CELERY_BEAT_SCHEDULE["accounts-notification-digests"] = {
    "task": "accounts.tasks.send_notification_digests",
    "schedule": crontab(hour=6, minute=5),
}
# Health: the customer's health_band and a snapshot's band are one choice set in the API schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["HealthBandEnum"] = (
    "customers.models.Customer.HealthBand"
)
# Integrity: forget day-old idempotency keys; purge the 30-day trash of soft-deleted records.
CELERY_BEAT_SCHEDULE["integrity-purge-idempotency-keys"] = {
    "task": "integrity.tasks.purge_expired_idempotency_keys_task",
    "schedule": crontab(hour=3, minute=15),
}
CELERY_BEAT_SCHEDULE["integrity-purge-trash"] = {
    "task": "integrity.tasks.purge_trash_task",
    "schedule": crontab(hour=3, minute=30),
}
# Integrations: CRM imports keep their uploaded file here (shared by the web and the worker).
IMPORT_DIR = Path(env("IMPORT_DIR", str(BASE_DIR / "var" / "imports")))
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 200 * 2**20)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 500_000)
# The shared space (space/): guests' sign-in links, sessions, expiry and step reminders.
SPACE_LINK_SECONDS = min(env_int("SPACE_LINK_SECONDS", 15 * 60), 15 * 60)
SPACE_GUEST_IDLE_SECONDS = env_int("SPACE_GUEST_IDLE_SECONDS", 20 * 60)
SPACE_GUEST_EXPIRY_DAYS = env_int("SPACE_GUEST_EXPIRY_DAYS", 90)
SPACE_REMINDER_DAYS = env_int("SPACE_REMINDER_DAYS", 3)
# Its own cookie, sent only to the guest pages (never with an internal page or the API).
SPACE_GUEST_COOKIE = "__Secure-accord_guest" if PRODUCTION else "accord_guest"
if IMAP_HOST:
    CELERY_BEAT_SCHEDULE["mailin-poll-imap"] = {
        "task": "mailin.tasks.poll_mailbox_task",
        "schedule": timedelta(seconds=IMAP_POLL_SECONDS),
    }
CELERY_BEAT_SCHEDULE["space-step-reminders"] = {
    "task": "space.tasks.send_step_reminders_task",
    "schedule": crontab(hour=7, minute=0),
}
TIMELINE_SOURCES = ["space.queries.timeline_source"]
# ... and their record changes (each a function giving a list of the timeline's row querysets).
TIMELINE_CHANGE_SOURCES = ["space.queries.change_source"]
# Apps above integrity put their records in the account's trash: URL slug -> model, the path
# from it to its customer, and what the trash page calls it.
TRASH_KINDS = {
    "space-steps": ("space.models.PlanStep", "space__customer", _("Shared plan step")),
    "space-milestones": ("space.models.Milestone", "space__customer", _("Shared plan milestone")),
}
# Webhooks: targets on private or loopback addresses are refused unless this is on (or an
# admin allows them for one endpoint); deliveries due for a retry are sent every minute.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
ACCOUNT_CHANGE_CONSUMERS.append("integrations.tasks.publish_webhook_events_task")
CELERY_BEAT_SCHEDULE["integrations-retry-webhooks"] = {
    "task": "integrations.tasks.retry_due_webhooks_task",
    "schedule": timedelta(seconds=60),
}
# Once a day, each action item that fell overdue is announced to the endpoints that asked.
CELERY_BEAT_SCHEDULE["integrations-overdue-webhooks"] = {
    "task": "integrations.tasks.overdue_webhook_events_task",
    "schedule": crontab(hour=6, minute=10),
}
# The webhook payloads, documented in the OpenAPI schema (its 3.1 `webhooks` section).
SPECTACULAR_SETTINGS["OAS_VERSION"] = "3.1.0"
SPECTACULAR_SETTINGS["WEBHOOKS"] = [
    f"integrations.webhook_schema.{name}"
    for name in (
        "account_health_band_changed",
        "meeting_logged",
        "problem_created",
        "problem_confirmed",
        "proposal_status_changed",
        "contribution_requested",
        "contribution_done",
        "action_item_overdue",
        "plan_approved",
        "test",
    )
]
