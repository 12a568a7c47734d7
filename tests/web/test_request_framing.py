"""Where a request ends, from the bytes so far (web/request_framing.py)."""

from __future__ import annotations

import pytest

from web.request_framing import judge

MAX_HEAD, MAX_BODY = 1024, 100


def _judge(data: bytes):
    return judge(data, max_head=MAX_HEAD, max_body=MAX_BODY)


def _post(*fields: str, body: bytes = b"") -> bytes:
    head = "POST /api/feedback HTTP/1.1\r\nHost: t\r\n" + "".join(f + "\r\n" for f in fields)
    return head.encode() + b"\r\n" + body


def test_a_head_without_a_body_is_ready_once_it_ends():
    get = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
    assert not _judge(get[:-1]).ready and not _judge(get[:-1]).reject
    assert _judge(get).ready


def test_a_body_of_known_length_is_waited_for():
    whole = _post("Content-Length: 10", body=b"0123456789")
    partial = _judge(whole[:-3])
    assert not partial.ready and not partial.reject
    assert partial.head_end == len(whole) - 10 and not partial.expects_continue
    assert _judge(whole).ready


def test_a_body_over_the_limit_is_handed_over_from_the_head():
    """The app refuses it (413) without reading it."""
    assert _judge(_post("Content-Length: 101")).ready


@pytest.mark.parametrize("fields", [
    ("Content-Length: 5", "Content-Length: 6"),
    ("Content-Length: -1",),
    ("Content-Length: 5", "Transfer-Encoding: chunked"),
    ("Transfer-Encoding: gzip",),
])
def test_framing_gunicorn_refuses_is_handed_over_for_its_400(fields):
    assert _judge(_post(*fields)).ready


def test_expect_100_continue_is_reported_while_the_body_is_awaited():
    verdict = _judge(_post("Content-Length: 10", "Expect: 100-continue"))
    assert not verdict.ready and verdict.expects_continue


def test_a_head_over_the_limit_is_431():
    assert _judge(b"GET / HTTP/1.1\r\nX: " + b"y" * MAX_HEAD).reject == 431


CHUNKED = ("Transfer-Encoding: chunked",)


def test_chunked_bodies_end_after_the_last_chunk_and_trailers():
    body = b"5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n"
    for cut in range(len(body)):
        assert not _judge(_post(*CHUNKED, body=body[:cut])).ready, cut
    assert _judge(_post(*CHUNKED, body=body)).ready


@pytest.mark.parametrize(("body", "status"), [
    (b"zz\r\n", 400),
    (b"5\r\nhelloXX", 400),
    (b"40\r\n" + b"x" * 64 + b"\r\n40\r\n", 413),   # 128 decoded bytes announced
    (b"1\r\nx\r\n" * 70, 413),                      # tiny chunks: past 4 x the limit on the wire
])
def test_bad_or_oversized_chunked_bodies_are_refused(body, status):
    assert _judge(_post(*CHUNKED, body=body)).reject == status


def test_a_chunk_size_line_that_never_ends_is_400():
    body = _post(*CHUNKED, body=b"1" * 1024)
    assert judge(body, max_head=MAX_HEAD, max_body=10_000).reject == 400
