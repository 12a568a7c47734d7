"""Serving the simulator: a threaded werkzeug server, in-thread for tests.

The request log is redacted: credentials must never reach a log even if a
client puts them in a URL (cookie/refresh accepts URL params, §11).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_SECRET_PARAM = re.compile(
    r"((?:^|[?&\s])(?:SESSDATA|bili_jct|csrf|biliCSRF|refresh_csrf|refresh_token|access_key)=)"
    r"[^&\s\"']*",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """Mask values of credential-bearing query parameters."""
    return _SECRET_PARAM.sub(r"\1***", text)


class RedactingRequestHandler(WSGIRequestHandler):
    """werkzeug's handler with credential values masked in every log line."""

    def log(self, type: str, message: str, *args: Any) -> None:
        try:
            text = message % args if args else message
        except (TypeError, ValueError):
            text = " ".join([message, *map(str, args)])
        super().log(type, "%s", redact(text))


class QuietRequestHandler(RedactingRequestHandler):
    """No per-request lines (tests); errors are still reported."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def make(
    app: Flask, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = False
) -> BaseWSGIServer:
    """A threaded server bound now (``port=0`` → a free port, see ``server_port``)."""
    handler = QuietRequestHandler if quiet else RedactingRequestHandler
    return make_server(host, port, app, threaded=True, request_handler=handler)


def base_url(server: BaseWSGIServer, host: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{server.server_port}"


def start_in_thread(
    app: Flask, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True
) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` from a daemon thread; returns ``(base_url, stop)``.

    ``stop()`` shuts the server down and closes its socket; it is idempotent.
    """
    server = make(app, host, port, quiet=quiet)
    # A short poll interval keeps stop() fast (serve_forever checks it).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05},
        name="bilibili-simulator", daemon=True,
    )
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return base_url(server, host), stop
