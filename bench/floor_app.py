"""The floor: a one-line Flask route, served by the same gunicorn settings as the portal."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def floor():
    return "ok"
