"""Logging in and out, passwords, invitations."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from app.auth import reset, routes, routes_reset, services  # noqa: E402,F401
