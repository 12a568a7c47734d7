"""The thin Flask web: login page and JSON API, every answer a Redis read.

``gunicorn 'web:create_app()'`` (compose, ``make run``) builds it from the environment.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider

from bilibili.http import Hosts, Transport
from bilibili.login import LoginClient
from settings import Settings, SettingsError
from store import Store
from store.migrate import Once
from web import (
    api_feed,
    api_login,
    api_picks,
    api_settings,
    api_user,
    demo,
    errors,
    pages,
    sessions,
)
from web.context import WebContext
from web.fast_picks import FastPicks
from web.queue import TaskQueue

MAX_BODY = 64 * 1024


def content_policy(settings: Settings) -> str:
    # Covers come from bilibili's image host, or from the simulator's origin in the demo.
    extra = [origin(settings.image_origin)] if settings.image_origin else []
    images = " ".join(dict.fromkeys(["https://*.hdslb.com", origin(settings.api_base), *extra]))
    return (
        f"default-src 'self'; img-src 'self' data: {images}; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'"
    )


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def create_app(settings: Settings | None = None) -> Flask:
    if settings is None:
        try:
            settings = Settings.from_env()
        except SettingsError as exc:
            raise SystemExit(f"bilirec web: {exc}") from None
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.json = _JSON(app)
    app.json.ensure_ascii = False
    transport = Transport(
        Hosts(api=settings.api_base, passport=settings.passport_base, www=settings.www_base),
        timeout_s=settings.http_timeout_s,
    )
    app.extensions["bilirec"] = context = WebContext(
        settings=settings,
        store=Store.from_settings(settings),
        login=LoginClient(transport),
        queue=TaskQueue(settings.redis_url),
    )
    # Keys of an older layout move before anything reads them (users' feed URLs among
    # them); with Redis away at start, before the first request that finds it back.
    layout = Once(context.store.redis)
    layout()
    app.before_request(layout)
    errors.install(app)
    for blueprint in (pages.bp, api_login.bp, api_user.bp, api_picks.bp, api_feed.bp,
                      api_settings.bp):
        app.register_blueprint(blueprint)
    if settings.demo:
        app.register_blueprint(demo.bp)

    @app.before_request
    def _body_limit():
        # Flask checks the limit only when a view reads the body; refuse it up front. The
        # body is left unread: gunicorn's worker discards it off the thread (a client
        # sending it slowly must not hold one), see web/gunicorn_worker.py.
        if (request.content_length or 0) > MAX_BODY:
            abort(413)

    headers = [("Content-Security-Policy", content_policy(settings)),
               ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]

    @app.after_request
    def _headers(resp):
        resp = sessions.apply_cookie(resp)
        for name, value in headers:
            resp.headers.setdefault(name, value)
        if resp.mimetype == "application/json":
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    app.wsgi_app = FastPicks(app.wsgi_app, context.store, sessions.COOKIE,
                             [*headers, ("Cache-Control", "no-store")], settings.mid_allowed)

    logging.getLogger("web").setLevel(logging.INFO)
    return app


class _JSON(DefaultJSONProvider):
    def loads(self, s, **kwargs):  # Flask's signature
        # 60 KiB of "[" fits under the body limit but nests past the parser's recursion
        # limit; as a ValueError it is bad JSON (400) like any other.
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None

