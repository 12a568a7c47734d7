"""FastPicks answers today's cached picks itself and hands everything else to Flask."""

from __future__ import annotations

from typing import Any

import pytest

from launcher.redis_server import free_port
from store import Store
from tests.support import TEST_SECRET
from web.fast_picks import LATEST, PREFETCHED, FastPicks

HEADERS = [("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store")]


class Flask:
    """Stands in for the app behind: records what reached it."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response) -> list[bytes]:
        self.seen.append(environ)
        start_response("401 UNAUTHORIZED", [])
        return [b"flask"]


def call(app: FastPicks, path: str = "/api/picks", method: str = "GET", query: str = "",
         cookie: str = "") -> tuple[str, list[tuple[str, str]], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer.update(status=status, headers=headers)

    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "QUERY_STRING": query,
               "HTTP_COOKIE": cookie}
    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def cached(store: Store) -> str:
    """A logged-in user's session id, with today's answer cached."""
    session = store.sessions.create(31)
    _, gen = store.rendered.get(31, LATEST)
    assert store.rendered.put(31, LATEST, b'{"hot":[]}', gen)
    return session.sid


def test_a_cached_answer_never_reaches_flask(store, cached):
    flask = Flask()
    app = FastPicks(flask, store, "sid", HEADERS)
    status, headers, body = call(app, cookie=f"other=1; sid={cached}")
    assert (status, body, flask.seen) == ("200 OK", b'{"hot":[]}', [])
    assert dict(headers) == {"Content-Type": "application/json", "Content-Length": "10",
                             **dict(HEADERS)}


def test_a_miss_hands_its_read_to_flask(store, cached):
    flask = Flask()
    app = FastPicks(flask, store, "sid", HEADERS)
    store.feedback.set(31, "BV1xx411c7mD", "like")  # drops the cached answer
    assert call(app, cookie=f"sid={cached}")[2] == b"flask"
    session, body, gen = flask.seen[0][PREFETCHED]
    assert session.mid == 31 and body is None and gen == "1"


@pytest.mark.parametrize(("path", "method", "query", "cookie"), [
    ("/api/picks", "GET", "date=2026-11-27", "sid={sid}"),  # a past day: Flask renders it
    ("/api/picks", "POST", "", "sid={sid}"),
    ("/api/days", "GET", "", "sid={sid}"),
    ("/api/picks", "GET", "", ""),                 # no session: Flask's 401
    ("/api/picks", "GET", "", "sid=nonsense"),
    ("/api/picks", "GET", "", 'sid="{sid}'),       # a broken cookie header
])
def test_everything_else_goes_to_flask(store, cached, path, method, query, cookie):
    flask = Flask()
    app = FastPicks(flask, store, "sid", HEADERS)
    assert call(app, path, method, query, cookie.format(sid=cached))[2] == b"flask"
    assert len(flask.seen) == 1


def test_redis_down_goes_to_flask_for_its_error_answer():
    flask = Flask()
    dead = Store.connect(f"redis://127.0.0.1:{free_port()}/0", TEST_SECRET)
    app = FastPicks(flask, dead, "sid", HEADERS)
    assert call(app, cookie="sid=abc")[2] == b"flask"
    assert PREFETCHED not in flask.seen[0]
