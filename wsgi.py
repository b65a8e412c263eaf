"""WSGI entry point: gunicorn wsgi:app"""

from app import create_app
from app.platform.collector import freeze_start

app = create_app()
freeze_start()
