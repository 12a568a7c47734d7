"""The one HTML page; everything on it comes from the JSON API."""

from __future__ import annotations

from flask import Blueprint, render_template

from web.context import web_context

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    settings = web_context().settings
    return render_template("index.html", demo=settings.demo, timezone=settings.timezone)
