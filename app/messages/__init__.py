"""Messages: the plumbing every feature's e-mail goes through. The outbox (`enqueue`), its
delivery by a job queue, SMTP, rendering, the registry of kinds (each feature registers its
own in its `notices.py`), preferences, follows' storage, and the Posta inviata page.

No module here imports a feature. Importing this package loads nothing else (the worker,
app/worker.py, imports app.messages.queue before any app exists)."""

from flask import Blueprint

bp = Blueprint("messages", __name__, template_folder="templates")
