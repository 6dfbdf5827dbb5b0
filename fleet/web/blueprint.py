"""The ``web`` blueprint the page modules add their routes to (its own module: no import circle)."""

from __future__ import annotations

from flask import Blueprint, current_app

from fleet import display_names

bp = Blueprint("web", __name__)
bp.add_app_template_global(display_names.name, "display_name")  # display_name(kind, code) in every template


def config():
    """Fleet's ``Config`` of the running app."""
    return current_app.config["FLEET"]
