"""Configuration: defaults, then instance/config.py, then environment variables."""

import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.sansio.utils import host_is_trusted

# The only values of LEGAMI_ENV, written exactly so: anything else refuses to start rather than
# run a production server as a development one ("PRODUCTION", "prod", " production").
ENVIRONMENTS = ("development", "test", "production")
# A production SECRET_KEY signs sessions and every link in the e-mails: at least this many bytes.
SECRET_KEY_MIN_BYTES = 32
# MAIL_FROM is written into every From header: one address, no name, quotes or brackets.
_PLAIN_ADDRESS = re.compile(r'^[^@\s<>"(),;:\\]+@[^@\s<>"(),;:\\]+\.[^@\s<>"(),;:\\]+$')

# The largest file a form takes (a verbale's attachment: "al massimo 10 MB").
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# A request may carry that file plus the multipart framing and the other fields of its form;
# past this it is refused with the 413 page (errors.py), which names the 10 MB.
REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024


def _host_list(value: str) -> list[str]:
    return [host.strip() for host in value.split(",") if host.strip()]


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Environment variables read as configuration, with their types.
ENV_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    # Where attachments and approved PDFs are kept (app/platform/storage.py); shared by every app server.
    "FILES_DIR": str,
    # "local" (FILES_DIR) or "s3": a private bucket of an S3-compatible store (app/platform/object_store.py).
    "FILES_BACKEND": str,
    "S3_BUCKET": str,
    "S3_PREFIX": str,
    "S3_ENDPOINT_URL": str,
    "S3_REGION": str,
    "S3_ACCESS_KEY_ID": str,
    "S3_SECRET_ACCESS_KEY": str,
    # Objects no row names are removed by `flask files cleanup` only when older than this.
    "FILES_CLEANUP_GRACE_HOURS": float,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_KEY_PREFIX": str,
    "LEGAMI_ENV": str,
    "TRUSTED_PROXIES": int,
    # The host names the portal answers to (e.g. "legami.example.it"); any
    # other Host header gets a 400, so that no one can put their own address
    # into the links of the pages and feeds the portal builds.
    "TRUSTED_HOSTS": _host_list,
    "LOG_LEVEL": str,
    # E-mail (app/messages): links in messages point to PUBLIC_URL, never to a request's Host.
    "PUBLIC_URL": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": _flag,
    "MAIL_USE_SSL": _flag,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "MAIL_FROM_NAME": str,
    "MAIL_MAX_PER_ADDRESS_PER_DAY": int,
    "MEETING_RULE_WEEKS_AHEAD": int,
    "EMBED_FRAME_ANCESTORS": str,
    # Per worker: bytes of recent feeds kept in memory, and how long a checked feed is trusted.
    "FEED_MEMORY_BYTES": int,
    "FEED_HEAD_SECONDS": float,
    # Per worker: bytes of public pages kept (0: none), of the search's pages kept apart from them
    # (made-up words only push one another out), and how long the data's generation is trusted.
    "PAGE_CACHE_BYTES": int,
    "PAGE_CACHE_SEARCH_BYTES": int,
    "PAGE_GENERATION_SECONDS": float,
    # Patti Gener-Attivi: the yearly target and how many years after its end a
    # pact keeps its personal data (then `flask pacts anonymise` removes it).
    "PACT_YEARLY_TARGET": int,
    "PACT_RETENTION_YEARS": int,
    # Entra con SPID o CIE (app/auth/spid; docs/DEPLOY.md): the SP's key pair, the identity
    # providers' metadata (a file or a folder), the level asked, the roles that must use it.
    "SPID_KEY_FILE": str,
    "SPID_CERT_FILE": str,
    "SPID_METADATA": str,
    "SPID_ENTITY_ID": str,
    "SPID_CIE_ENTITY_ID": str,
    "SPID_LEVEL": int,
    "SPID_CLOCK_SKEW_SECONDS": int,
    "SPID_REQUIRED_ROLES": str,
    "SPID_SERVICE_NAME": str,
    "SPID_ORGANIZATION_NAME": str,
    "SPID_ORGANIZATION_DISPLAY_NAME": str,
    "SPID_ORGANIZATION_URL": str,
    "SPID_IPA_CODE": str,
    "SPID_VAT_NUMBER": str,
    "SPID_CONTACT_EMAIL": str,
    "SPID_CONTACT_PHONE": str,
    "SPID_XMLSEC_BINARY": str,
    "SPID_ACS_LIMIT": str,
}


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


def defaults(instance_path: str) -> dict:
    """Safe defaults for a development checkout."""
    return {
        "LEGAMI_ENV": "development",
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / 'legami.sqlite3'}",
        "FILES_DIR": str(Path(instance_path) / "files"),
        "FILES_BACKEND": "local",
        "S3_PREFIX": "",
        "S3_REGION": "",
        # Longer than any backup takes: a backup copies the files its database dump names, and the
        # cleanup removes a removed attachment's file only after this many hours.
        "FILES_CLEANUP_GRACE_HOURS": 48.0,
        "RATELIMIT_STORAGE_URI": "memory://",
        "TRUSTED_PROXIES": 0,
        "LOG_LEVEL": "INFO",
        "BABEL_DEFAULT_LOCALE": "it",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Rome",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 4,
        "MAX_CONTENT_LENGTH": REQUEST_MAX_BYTES,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "RATELIMIT_HEADERS_ENABLED": False,
        "FEED_MEMORY_BYTES": 32 * 1024 * 1024,
        "FEED_HEAD_SECONDS": 30.0,
        "PAGE_CACHE_BYTES": 64 * 1024 * 1024,
        "PAGE_CACHE_SEARCH_BYTES": 16 * 1024 * 1024,
        # Login failures (app/auth/throttle.py; correct logins count nothing): per account and
        # address, per address at a level no shared network reaches, and per account from
        # anywhere, after which a password only mails a login link. The current password on
        # /profilo/password: failures per account.
        "LOGIN_FAILURES_PER_PAIR": "5 per 15 minutes",
        "LOGIN_FAILURES_PER_ADDRESS": "200 per hour",
        "LOGIN_GUARD_AFTER": "30 per hour",
        "LOGIN_LINK_MAX_AGE_SECONDS": 15 * 60,
        "PASSWORD_CHECK_FAILURES": "5 per 15 minutes",
        # Sign-ups to labs need no account. Tries per lab and contact (the same
        # person retrying), and per client address only at a level a parish's
        # shared Wi-Fi never reaches: enough to stop a flood, not a full room.
        "SIGNUP_LIMIT_PER_CONTACT": "10 per hour",
        "SIGNUP_LIMIT_PER_IP": "300 per hour",
        # A sign-up with an e-mail waits for the address's owner to confirm it from the
        # message (at most one such message an hour per address and lab); meanwhile it
        # holds its place this long, then counts no more until confirmed.
        "LAB_SIGNUP_HOLD_MINUTES": 120,
        # Who may frame the /incorpora/ pages (CSP frame-ancestors): by default
        # any HTTPS site, e.g. "https://www.comune.crema.cr.it https://*.comune.cremona.it".
        "EMBED_FRAME_ANCESTORS": "https:",
        "INVITE_MAX_AGE_SECONDS": 60 * 60 * 24 * 7,
        "PASSWORD_HASH_METHOD": "scrypt",
        "PACT_YEARLY_TARGET": 50,
        "PACT_RETENTION_YEARS": 5,
        # E-mail: without MAIL_SERVER, messages are written to instance/mail/ (development).
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_FROM": "legami@localhost",
        "MAIL_FROM_NAME": "Legami",
        "MAIL_TIMEOUT": 20,
        # A claimed message is this worker's for 45 s, renewed just before it is sent: a worker
        # killed mid-batch delays its messages by less than a minute (app/messages/delivery.py).
        "MAIL_LEASE_SECONDS": 25,
        "MAIL_RETRY_SECONDS": 60 * 60 * 24,
        # Messages that a visitor can cause (lab sign-ups, follow confirmations), per address
        # in 24 hours; beyond, they are not queued (issue 27: no stranger floods an inbox).
        "MAIL_MAX_PER_ADDRESS_PER_DAY": 10,
        # A group's meeting rule: meetings are created (and convened) this many weeks ahead.
        "MEETING_RULE_WEEKS_AHEAD": 6,
        # "queue": committed messages go to the worker at once; "none": only the periodic sweep.
        "MAIL_DISPATCH": "queue",
        "PASSWORD_RESET_LIMIT": "5 per hour",
        "PASSWORD_RESET_MAX_AGE_SECONDS": 60 * 60,
        # SPID is off until its key pair and metadata are set; SpidL2 asked, 60 s of clock skew.
        "SPID_LEVEL": 2,
        "SPID_CLOCK_SKEW_SECONDS": 60,
        "SPID_REQUIRED_ROLES": "",
        # Responses one client may post to /spid/acs (each costs about a second of xmlsec1).
        "SPID_ACS_LIMIT": "20 per minute",
    }


def from_environment() -> dict:
    """The settings given as environment variables."""
    found = {}
    for name, kind in ENV_SETTINGS.items():
        if os.environ.get(name):
            found[name] = kind(os.environ[name])
    return found


def finalise(config, instance_path: str) -> None:
    """Derive dependent settings and refuse unsafe production settings."""
    if config.get("LEGAMI_ENV") not in ENVIRONMENTS:
        raise ConfigError(
            f"LEGAMI_ENV must be exactly one of {', '.join(ENVIRONMENTS)} (lower case, no spaces); "
            f"got {config.get('LEGAMI_ENV')!r}."
        )
    production = config["LEGAMI_ENV"] == "production"
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    config["SESSION_COOKIE_SECURE"] = production
    # In production each worker trusts the data's generation for a second (a kept page then costs
    # no query; another worker's change shows within that second); elsewhere it is read every time.
    config.setdefault("PAGE_GENERATION_SECONDS", 1.0 if production else 0.0)
    config["REMEMBER_COOKIE_SECURE"] = production
    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigError("SECRET_KEY must be set in production.")
        config["SECRET_KEY"] = _development_secret(Path(instance_path))
    _check_files(config)
    if production and config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        # Several worker processes must share the login counters.
        raise ConfigError("RATELIMIT_STORAGE_URI must name a shared store (redis://) in production.")
    if production and not (config.get("MAIL_SERVER") and config["PUBLIC_URL"].startswith("https://")):
        raise ConfigError("MAIL_SERVER and an https:// PUBLIC_URL must be set in production.")
    if production and not config.get("TRUSTED_HOSTS"):
        raise ConfigError("TRUSTED_HOSTS must list the portal's host names in production.")
    if production:
        _check_production_secrets_and_links(config)


def _check_files(config) -> None:
    backend = config.get("FILES_BACKEND")
    if backend not in ("local", "s3"):
        raise ConfigError(f"FILES_BACKEND must be local or s3; got {backend!r}.")
    if backend == "s3" and not config.get("S3_BUCKET"):
        raise ConfigError("FILES_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL unless the store is AWS).")
    prefix = config.get("S3_PREFIX") or ""
    if prefix and not prefix.endswith("/"):
        raise ConfigError(f"S3_PREFIX must end with a slash (e.g. legami/); got {prefix!r}.")


def _check_production_secrets_and_links(config) -> None:
    if len(str(config["SECRET_KEY"]).encode()) < SECRET_KEY_MIN_BYTES:
        raise ConfigError(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_BYTES} bytes in production "
            "(e.g. python3 -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if not _PLAIN_ADDRESS.match(str(config.get("MAIL_FROM") or "")):
        raise ConfigError("MAIL_FROM must be one plain address (legami@comune.example.it) in production.")
    # Links in e-mails are built on PUBLIC_URL: Flask refuses a host not in TRUSTED_HOSTS, and
    # then no message could be rendered.
    host = urlsplit(config["PUBLIC_URL"]).hostname or ""
    if not host_is_trusted(host, config["TRUSTED_HOSTS"]):
        raise ConfigError(f"PUBLIC_URL's host ({host or 'none'}) must be one of TRUSTED_HOSTS in production.")


def _development_secret(instance: Path) -> str:
    """A secret generated once per checkout and kept in instance/."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
