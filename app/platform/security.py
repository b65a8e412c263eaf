"""Security headers and the rule for where a login may send you next."""

from urllib.parse import unquote, urlsplit

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.platform.errors import render_error

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",  # Bootstrap Italia's CSS embeds an icon font
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def safe_next_url(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None.

    Refuses absolute URLs, scheme-relative ones (//host), backslash tricks
    (/\\host, which browsers read as //host), scheme-only ones (https:host)
    and the same in percent-encoded form.
    """
    if not target or len(target) > 2000:
        return None
    decoded = target
    for _ in range(3):  # undo nested encodings such as %252F
        decoded = unquote(decoded)
    for candidate in (target, decoded):
        if any(ord(ch) < 32 or ch == "\\" for ch in candidate):
            return None
        if not candidate.startswith("/") or candidate.startswith("//"):
            return None
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return None
    return target


NUL_MESSAGE = _l("La richiesta contiene caratteri non ammessi. Controlla i dati e riprova.")


def carries_nul() -> bool:
    """True if the path, the query string or a form field holds a NUL byte,
    which no text needs and PostgreSQL refuses in a string."""
    pairs = [*request.args.items(multi=True)]
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        pairs += request.form.items(multi=True)
        pairs += [(key, file.filename or "") for key, file in request.files.items(multi=True)]
    return "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in pairs)


def _is_private(response) -> bool:
    """A page for a signed-in person, a page reached by a private link, or a
    download: no cache keeps a copy. Static files and responses that chose
    their own caching are left alone."""
    if "Cache-Control" in response.headers:
        return False
    if "attachment" in response.headers.get("Content-Disposition", "") or "token" in (
        request.view_args or {}
    ):
        return True
    endpoint = request.endpoint or ""
    return not (endpoint == "static" or endpoint.endswith(".static")) and current_user.is_authenticated


def init_app(app: Flask) -> None:
    production = app.config["LEGAMI_ENV"] == "production"

    @app.before_request
    def refuse_nul():
        if carries_nul():
            return render_error(400, NUL_MESSAGE)

    # Each answer gets those of these headers it did not choose itself; one pass over its headers
    # (werkzeug's `setdefault` looks each name up on its own, an exception for every one missing).
    defaults = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        *([("Strict-Transport-Security", "max-age=31536000")] if production else []),
    ]

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _ in headers.items()}
        headers.extend([(name, value) for name, value in defaults if name.lower() not in present])
        if (
            "x-frame-options" not in present
            and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        ):
            # Pages made to be framed (app/events/embed.py) set their own frame-ancestors.
            headers["X-Frame-Options"] = "DENY"
        if _is_private(response):
            headers["Cache-Control"] = "no-store, private"
        return response
