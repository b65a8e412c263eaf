"""The e-mail worker's entry point: `huey_consumer app.worker.huey`.

It hands the job queue the application factory: the queue lives in app/messages/, which knows
no feature and so cannot import create_app itself (as wsgi.py does for the web server)."""

import logging
import os

from app import create_app
from app.messages import queue

queue.use_factory(create_app)
huey = queue.huey

# The consumer logs only Huey's own lines: the app's (deliveries, which consumer ran a scheduled
# job) go beside them, at LOG_LEVEL.
_app_log = logging.getLogger("app")
if not _app_log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)s:%(name)s:%(message)s"))
    _app_log.addHandler(_handler)
    _app_log.setLevel(os.environ.get("LOG_LEVEL") or "INFO")
