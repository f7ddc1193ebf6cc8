"""Coopilote settings: one module, driven by environment variables.

The embedded default (no variable set) runs on SQLite with mail kept in a local mailbox.
Production sets ``DEBUG=0`` and must then give ``SECRET_KEY`` and ``ALLOWED_HOSTS``: missing
values stop start-up with a clear message instead of running half-configured.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_required(name: str) -> str:
    value = env_str(name)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("//") else parts.path)
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or str(DATA_DIR / "coopilote.sqlite3"),
            # Reusing the connection saves opening the file and its PRAGMAs on every request.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # IMMEDIATE avoids the deadlock of a read transaction upgraded to a write.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported.")


DEBUG = env_bool("DEBUG", True)
DATA_DIR = Path(env_str("COOPILOTE_DATA_DIR", str(BASE_DIR / "var")) or "var")

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "coopilote-embedded-development-key-not-for-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
else:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")

SITE_URL = (env_str("SITE_URL", "http://localhost:8000") or "").rstrip("/")
SITE_NAME = "Coopilote"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "coopilote.core",
    "coopilote.accounts",
    "coopilote.mail",
    "coopilote.activity",
    "coopilote.spaces",
    "coopilote.tools.external",
    "coopilote.tools.wiki",
    "coopilote.tools.library",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coopilote.accounts.middleware.UserLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coopilote.config.urls"
WSGI_APPLICATION = "coopilote.config.wsgi.application"
ASGI_APPLICATION = "coopilote.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coopilote.core.context_processors.platform",
            ],
        },
    },
]

FORM_RENDERER = "coopilote.core.forms.FormRenderer"

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'coopilote.sqlite3'}") or ""
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "coopilote",
        }
    }
else:
    # The database cache holds across processes (web, worker), which the login rate limits need.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coopilote_cache",
        }
    }

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "coopilote.accounts.passwords.GuessablePatternValidator"},
    {
        "NAME": "coopilote.accounts.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": 256},
    },
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email-only accounts, verified addresses, no account enumeration.
ACCOUNT_ADAPTER = "coopilote.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# An address with no account gets no mail, or anyone could make Coopilote write to strangers.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Coopilote] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    # From the 7th failed attempt in a minute an address is refused with 429 (quality.md SEC-T11).
    "login_failed": "6/m/ip,20/h/key",
    "login": "30/m/ip",
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/h/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Coopilote"
USERSESSIONS_TRACK_ACTIVITY = False

# Mail: every message goes through the outbox; the worker delivers it with MAIL_TRANSPORT.
EMAIL_BACKEND = "coopilote.mail.backends.OutboxBackend"
MAIL_TRANSPORT = env_str("MAIL_TRANSPORT", "mailbox")
if MAIL_TRANSPORT not in {"mailbox", "smtp"}:
    raise ImproperlyConfigured("MAIL_TRANSPORT must be 'mailbox' or 'smtp'.")
EMAIL_HOST = env_str("SMTP_HOST", "localhost")
EMAIL_PORT = env_int("SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("SMTP_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("SMTP_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("SMTP_SSL", False)
EMAIL_TIMEOUT = env_int("SMTP_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coopilote <noreply@coopilote.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Delay before each new attempt (seconds); after the last one a message is marked failed.
MAIL_RETRY_BACKOFF = [60, 300, 1800, 7200, 43200]
MAIL_RETENTION_DAYS = env_int("MAIL_RETENTION_DAYS", 30)
UNVERIFIED_ACCOUNT_RETENTION_DAYS = 7
TASK_RESULT_RETENTION_DAYS = 14

# Spaces: who may open one ("verified": anyone with a verified address; "staff": staff only).
SPACES_CREATION = env_str("SPACES_CREATION", "verified")
if SPACES_CREATION not in {"verified", "staff"}:
    raise ImproperlyConfigured("SPACES_CREATION must be 'verified' or 'staff'.")
SPACES_INVITATION_DAYS = env_int("SPACES_INVITATION_DAYS", 14)
SPACES_INVITATION_RETENTION_DAYS = 30
SPACES_INVITATION_MAX_SENDS = 5
# Invitations one person may send in 24 hours, all spaces together (quality.md SEC-T36).
SPACES_INVITATIONS_PER_DAY = env_int("SPACES_INVITATIONS_PER_DAY", 200)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
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
WHITENOISE_USE_FINDERS = DEBUG

# Wiki: the longest page text accepted, in characters (a longer one is refused, text kept).
WIKI_MAX_PAGE_CHARS = env_int("WIKI_MAX_PAGE_CHARS", 200_000)

# Library: the largest file accepted, in bytes (a larger one is refused with a message).
LIBRARY_MAX_UPLOAD_BYTES = env_int("LIBRARY_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# Files sent at once to "Add several files"; their total is refused past this many times the
# limit above, as soon as it is read (tools/library/upload_limits.py).
LIBRARY_MAX_FILES_PER_REQUEST = env_int("LIBRARY_MAX_FILES_PER_REQUEST", 20)

AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 5 * 1024 * 1024)
AVATAR_MAX_PIXELS = 40_000_000
AVATAR_SIZE = 256
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Django's defaults, written out: more files or fields in one request is a 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 100
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Content Security Policy with a per-request nonce: no inline script or style runs without it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.STRICT_DYNAMIC],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600
CSRF_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list binds every subdomain for months: the operator
        # opts in with SECURE_HSTS_PRELOAD=1, so the check's reminder is not a failure.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# What the footer says about accessibility is derived from the declared audit rate (RGAA):
# no audit means "non conforme" until an audit is declared.
ACCESSIBILITY_AUDIT_RATE = env_str("ACCESSIBILITY_AUDIT_RATE")
ACCESSIBILITY_CONTACT_EMAIL = env_str(
    "ACCESSIBILITY_CONTACT_EMAIL", "accessibilite@coopilote.localhost"
)
LEGAL_PUBLISHER = env_str("LEGAL_PUBLISHER", "Coopilote")
LEGAL_HOST = env_str("LEGAL_HOST", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
