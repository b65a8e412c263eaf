"""One log line per request, with its duration."""

import logging
import time

from flask import Flask, g, request

logger = logging.getLogger("legami.requests")


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
        started = g.pop("request_started", None)
        duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        logger.info(
            "%s %s %s %.1fms %s",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            request.remote_addr or "-",
        )
        return response
