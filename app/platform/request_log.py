"""One log line per request, with its duration.

Private links carry their secret in the path (a password reset, an invitation, a lab sign-up's
withdraw link, a follow's confirmation, an unsubscribe, a personal feed): every view argument
named `token` (or ending in `_token`) is logged as "…", so the log never holds a working link."""

import logging
import time

from flask import Flask, g, request

logger = logging.getLogger("legami.requests")


def logged_path() -> str:
    """The request's path with the value of each token argument of its route replaced by "…"."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if (name == "token" or name.endswith("_token")) and value:
            path = path.replace(str(value), "…")
    return path


def init_app(app: Flask) -> None:
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(app.config["LOG_LEVEL"])

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        if not logger.isEnabledFor(logging.INFO):  # production's WARNING: nothing to put together
            return response
        started = g.pop("request_started", None)
        duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        logger.info(
            "%s %s %s %.1fms %s",
            request.method,
            logged_path(),
            response.status_code,
            duration_ms,
            request.remote_addr or "-",
        )
        return response
