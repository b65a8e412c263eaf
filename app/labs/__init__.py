"""Laboratori di Comunità: labs, sessions, sign-ups with a waiting list, attendance."""

from flask import Blueprint

bp = Blueprint("labs", __name__, template_folder="templates")
