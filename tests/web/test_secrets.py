"""The bilibili credentials of a whole run — login, a cookie rotation, a refresh through a
real worker, the hot pools, every endpoint, logout — are never stored in clear, never
logged (web and worker at DEBUG) and never answered to the browser."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests

from tests.support import start_worker, stop_worker, wait_for
from tests.web.helpers import log_in, redis_values
from worker.app import create_celery

SECRET_COOKIES = ("SESSDATA", "bili_jct")


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def web_debug_log() -> Iterator[list[str]]:
    """Every log line of this process (the web app and its HTTP client) at DEBUG."""
    handler = _Lines()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s %(exc_info)s"))
    root = logging.getLogger()
    saved = root.level, {n: logging.getLogger(n).level for n in ("web", "urllib3", "bilibili")}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in saved[1]:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


def _forms(secret: str) -> set[str]:
    """A secret as it may appear: raw, or URL-encoded (SESSDATA holds ',' and '*')."""
    return {secret, quote(secret, safe=""), quote(secret)}


def _secrets(store, mid: int) -> set[str]:
    saved = store.credentials.load(mid)
    values = {saved.cookies[name] for name in SECRET_COOKIES} | {saved.refresh_token}
    assert all(len(v) >= 8 for v in values)
    return {form for value in values for form in _forms(value)}


def _leaks(texts, secrets: set[str]) -> list[str]:
    return [text[:200] for text in texts if any(s in text for s in secrets)]


@pytest.mark.integration
def test_credentials_never_in_redis_logs_or_answers(
    web, sim, store, lean_settings, web_debug_log
):
    answers: list[requests.Response] = []
    http = requests.Session()
    http.hooks["response"].append(lambda resp, *a, **k: answers.append(resp))
    http, session = log_in(web.url, sim, http=http)
    mid = session["mid"]
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    secrets = _secrets(store, mid)
    # The first sync then rotates the cookies, so the refresh_token is spent and replaced.
    assert sim("POST", "/session/needs_refresh", json={"mid": mid}).json()["marked"]
    create_celery(lean_settings).send_task("bilirec.refresh_hot")
    worker = start_worker(lean_settings, loglevel="DEBUG")
    try:
        wait_for(lambda: http.get(f"{web.url}/api/status", timeout=10).json()["state"]
                 == "ready", timeout_s=240, what="picks")
        wait_for(lambda: any("hot pools refreshed" in line for line in worker.output),
                 timeout_s=120, what="the hot pools")
    finally:
        stop_worker(worker)
    rotated = _secrets(store, mid)
    assert rotated != secrets, "the cookies were not rotated"
    secrets |= rotated

    # At rest: no Redis value of any type, nor any key name, holds a secret in clear.
    kinds = set()
    for key in store.redis.scan_iter():
        kinds.add(store.redis.type(key))
        texts = [v.decode("utf-8", "replace") for v in [key, *redis_values(store.redis, key)]]
        assert not _leaks(texts, secrets), key
    assert {b"string", b"hash", b"zset"} <= kinds

    # In answers: every endpoint, then logout; headers too, except our own session cookie.
    for path in ("/", "/api/session", "/api/status", "/api/picks", "/api/profile",
                 "/healthz", "/api/demo/users"):
        assert http.get(f"{web.url}{path}", timeout=10).status_code == 200, path
    bvid = http.get(f"{web.url}/api/picks", timeout=10).json()["hot"][0]["bvid"]
    http.post(f"{web.url}/api/feedback", json={"bvid": bvid, "kind": "like"}, headers=csrf,
              timeout=10)
    http.post(f"{web.url}/api/refresh", headers=csrf, timeout=10)
    assert http.post(f"{web.url}/api/logout", headers=csrf, timeout=10).status_code == 204
    assert len(answers) >= 12
    for resp in answers:
        headers = [f"{k}: {v}" for k, v in resp.headers.items()
                   if not (k.lower() == "set-cookie" and v.startswith("bilirec_session="))]
        assert not _leaks([resp.text, *headers], secrets), resp.url

    # In logs: every line of the worker (DEBUG) and of this process (web, HTTP client).
    assert len(worker.output) > 50 and len(web_debug_log) > 20
    assert any("refresh_user" in line for line in worker.output)
    assert not _leaks(worker.output, secrets)
    assert not _leaks(web_debug_log, secrets)
