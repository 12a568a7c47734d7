"""Logging a simulated user in through the web's JSON API, as a browser would."""

from __future__ import annotations

import base64
import json

import requests


def log_in(
    web_url: str, sim, mid: int | None = None, http: requests.Session | None = None
) -> tuple[requests.Session, dict]:
    """A requests.Session logged in as a simulated user; returns it and /api/session."""
    http = http or requests.Session()
    qr = http.post(f"{web_url}/api/login/qrcode", timeout=10)
    assert qr.status_code == 200, qr.text
    key = qr.json()["qrcode_key"]
    if mid is None:
        mid = sim("GET", "/users").json()[0]["mid"]
    assert sim("POST", "/qr/login", json={"qrcode_key": key, "mid": mid}).ok
    poll = http.get(f"{web_url}/api/login/poll", params={"qrcode_key": key}, timeout=10)
    assert poll.status_code == 200, poll.text
    assert poll.json() == {"status": "success"}
    session = http.get(f"{web_url}/api/session", timeout=10).json()
    return http, session


def redis_values(r, key: bytes) -> list[bytes]:
    """Every value stored under a key, whatever its type (fields and members included);
    a Celery message's base64 body is decoded too, so its task arguments are seen."""
    values = _stored_values(r, key)
    return values + [body for v in values if (body := _message_body(v))]


def _message_body(value: bytes) -> bytes | None:
    try:
        doc = json.loads(value)
        return base64.b64decode(doc["body"]) if isinstance(doc, dict) else None
    except (ValueError, KeyError, TypeError):
        return None


def _stored_values(r, key: bytes) -> list[bytes]:
    kind = r.type(key)
    if kind == b"string":
        return [r.get(key) or b""]
    if kind == b"hash":
        return [b for pair in r.hgetall(key).items() for b in pair]
    if kind == b"list":
        return r.lrange(key, 0, -1)
    if kind == b"set":
        return list(r.smembers(key))
    if kind == b"zset":
        return r.zrange(key, 0, -1)
    return []
