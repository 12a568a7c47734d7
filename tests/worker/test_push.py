"""Push message formats over real HTTP to a loopback receiver: the request shape of each
service, retries (two, after a 5xx), and failure texts that never hold the URL."""

from __future__ import annotations

import base64

import pytest

from store.push import PushTarget
from tests.worker.receiver import Receiver
from worker import push

DOC = {"date": "2026-12-01", "hot": [
    {"bvid": "BV17x411w7KC", "title": "热门一", "author": {"name": "UP甲"}, "rating": 80},
    {"bvid": "BV117411r7R1", "title": "热门二", "author": {"name": "UP乙"}, "rating": 60}],
    "explore": [
    {"bvid": "BV1sK4y147ob", "title": "探索一", "author": {"name": "UP丙"}, "rating": 90}]}
PAGE = "http://127.0.0.1:8345/"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def send(target: PushTarget, msg: push.Message) -> int:
    return push.send(target, msg, timeout_s=3, retry_delay_s=0.01)


def decode_2047(value: str) -> str:
    assert value.startswith("=?UTF-8?B?") and value.endswith("?=")
    return base64.b64decode(value[10:-2]).decode()


def test_picks_are_mixed_by_rating():
    msg = push.picks_message(DOC, PAGE)
    assert [p.bvid for p in msg.picks] == ["BV1sK4y147ob", "BV17x411w7KC", "BV117411r7R1"]
    assert msg.title == "今日推荐（2026-12-01）：3 个视频" and "1. 探索一 — UP丙" in msg.body


def test_each_format_reaches_the_receiver(receiver):
    msg = push.picks_message(DOC, PAGE)
    key = "SECRETKEY123456"
    assert send(PushTarget("json", f"{receiver.url}/json/{key}"), msg) == 1
    body = receiver.on("/json")[0].json()
    assert body["kind"] == "picks" and body["date"] == "2026-12-01" and body["url"] == PAGE
    assert [p["bvid"] for p in body["picks"]][0] == "BV1sK4y147ob"
    assert body["picks"][0]["url"] == "https://www.bilibili.com/video/BV1sK4y147ob"

    send(PushTarget("ntfy", f"{receiver.url}/ntfy/{key}"), msg)
    got = receiver.on("/ntfy")[0]
    assert decode_2047(got.headers["Title"]) == msg.title
    assert got.headers["Click"] == PAGE and got.body.decode() == msg.body

    send(PushTarget("bark", f"{receiver.url}/bark/{key}/"), msg)
    got = receiver.on("/bark")[0]
    assert got.path == f"/bark/{key}"  # the trailing slash of the pasted URL dropped
    assert got.json() == {"title": msg.title, "body": msg.body, "url": PAGE,
                          "group": "bilibili"}

    send(PushTarget("serverchan", f"{receiver.url}/serverchan/{key}.send"), msg)
    form = receiver.on("/serverchan")[0].form()
    assert form["title"] == msg.title[:32]
    assert "[探索一](https://www.bilibili.com/video/BV1sK4y147ob)" in form["desp"]

    send(PushTarget("pushplus", f"{receiver.url}/pushplus/send?token={key}"), msg)
    body = receiver.on("/pushplus")[0].json()
    assert body["token"] == key and body["template"] == "markdown"
    assert body["title"] == msg.title and "探索一" in body["content"]


def test_test_message_and_retries(receiver):
    target = PushTarget("json", f"{receiver.url}/fail/SECRETKEY123456")
    with pytest.raises(push.PushFailed) as failed:
        send(target, push.test_message(PAGE))
    assert len(receiver.on("/fail")) == 3  # one try and two retries
    assert "HTTP 500" in str(failed.value) and "SECRET" not in str(failed.value)
    assert send(PushTarget("json", f"{receiver.url}/ok"), push.test_message(PAGE)) == 1
    assert receiver.on("/ok")[0].json()["kind"] == "test"


def test_unreachable_and_service_errors_are_failures(receiver):
    with pytest.raises(push.PushFailed) as failed:
        send(PushTarget("ntfy", "http://127.0.0.1:9/SECRETTOPIC"), push.test_message(PAGE))
    assert "SECRETTOPIC" not in str(failed.value) and "127.0.0.1" not in str(failed.value)
    # Server酱 answering a code other than 0 failed though HTTP said 200; not retried.
    target = PushTarget("serverchan", f"{receiver.url}/pushplus/KEY.send")
    with pytest.raises(push.PushFailed) as refused:
        send(target, push.test_message(PAGE))
    assert "200" in str(refused.value) and len(receiver.on("/pushplus")) == 1
