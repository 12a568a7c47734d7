"""Today's picks without Flask: the page's hottest read answered before routing.

``GET /api/picks`` with a session cookie and no query is one Redis script call (the session
and the cached answer, store/picks_rendered.py) and a body already rendered. Flask's routing,
request context and hooks would cost more than that; they still answer everything else,
and this request too when the cache misses (with the read done here handed on in the
environ) or anything goes wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_cookie

from store import Store

PREFETCHED = "bilirec.picks_read"
# The cached answers' field names carry the render version: answers rendered by an earlier
# release (generated_at with milliseconds) are not served after an upgrade.
RENDER = "r2"
LATEST = f"{RENDER}:latest"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class FastPicks:
    def __init__(self, app: WSGIApp, store: Store, cookie: str,
                 headers: list[tuple[str, str]],
                 admit: Callable[[int], bool] = lambda mid: True) -> None:
        self._app = app
        # BILIREC_ALLOWED_MIDS, checked at every read: a refused mid goes on to Flask's 401.
        self._admit = admit
        self._store = store
        self._cookie = cookie
        self._headers = [("Content-Type", "application/json"), *headers]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if (environ.get("PATH_INFO") == "/api/picks" and environ.get("REQUEST_METHOD") == "GET"
                and not environ.get("QUERY_STRING")):
            try:
                sid = parse_cookie(environ).get(self._cookie)
                read = self._store.rendered.get_for_session(sid, LATEST)
            except Exception:  # Flask answers it, with the proper error
                return self._app(environ, start_response)
            session, body, _ = read
            if (session is not None and session.mid is not None and body is not None
                    and self._admit(session.mid)):
                start_response("200 OK", [*self._headers, ("Content-Length", str(len(body)))])
                return [body]
            environ[PREFETCHED] = read
        return self._app(environ, start_response)
