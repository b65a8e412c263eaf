"""Security headers and the rule for where a login may send you next."""

from urllib.parse import unquote, urlsplit

from flask import Flask

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


def init_app(app: Flask) -> None:
    production = app.config["LEGAMI_ENV"] == "production"

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            # Pages made to be framed (app/events/embed.py) set their own frame-ancestors.
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
