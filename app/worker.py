"""The e-mail worker's entry point: `huey_consumer app.worker.huey`.

It hands the job queue the application factory: the queue lives in app/messages/, which knows
no feature and so cannot import create_app itself (as wsgi.py does for the web server)."""

from app import create_app
from app.messages import queue

queue.use_factory(create_app)
huey = queue.huey
