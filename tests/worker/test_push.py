"""Push messages over real HTTP to loopback receivers: the request shape of each service,
retries (two, after a 5xx), failure texts that hold neither the URL nor the answer; one
deadline for the whole exchange and a cap on the answer read (a trickling or flooding
receiver); the address guard (refused before any connection is opened, and the connection
made to the address that was checked); Markdown escaping; the dead-login notice."""

from __future__ import annotations

import base64
import datetime as dt
import html
import ipaddress
import re
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests.adapters
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from markdown_it import MarkdownIt

from store.push import PushTarget
from store.push_address import address_problem, url_address_problem
from tests.support import wait_for
from tests.web.helpers import redis_values
from tests.worker.receiver import Receiver, Trickler
from worker import push, push_http
from worker.app import create_celery

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


def send(target: PushTarget, msg: push.Message, *, timeout_s: float = 3,
         allow_private: bool = True) -> int:
    # The receivers are on loopback: allowed only with BILIREC_PUSH_ALLOW_PRIVATE=1.
    return push.send(target, msg, timeout_s=timeout_s, retry_delay_s=0.01,
                     allow_private=allow_private)


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
    assert "HTTP 5xx" in str(failed.value) and "SECRET" not in str(failed.value)
    assert send(PushTarget("json", f"{receiver.url}/ok"), push.test_message(PAGE)) == 1
    assert receiver.on("/ok")[0].json()["kind"] == "test"


def test_unreachable_and_service_errors_are_failures_without_their_text(receiver):
    with pytest.raises(push.PushFailed) as failed:
        send(PushTarget("ntfy", "http://127.0.0.1:9/SECRETTOPIC"), push.test_message(PAGE))
    assert "SECRETTOPIC" not in str(failed.value) and "127.0.0.1" not in str(failed.value)
    assert failed.value.outcome == "refused"
    # Server酱 answering a code other than 0 failed though HTTP said 200; not retried.
    target = PushTarget("serverchan", f"{receiver.url}/pushplus/KEY.send")
    with pytest.raises(push.PushFailed) as refused:
        send(target, push.test_message(PAGE))
    assert "2xx" in str(refused.value) and len(receiver.on("/pushplus")) == 1
    # What the service said (its message, its code) is never shown.
    with pytest.raises(push.PushFailed) as said:
        send(PushTarget("serverchan", f"{receiver.url}/refuse/KEY.send"), push.test_message(PAGE))
    assert "ANSWER-TEXT" not in str(said.value) and "40001" not in str(said.value)
    assert said.value.outcome == "service"


# -- the address guard ----------------------------------------------------------------------

@pytest.fixture
def connects(monkeypatch) -> list[str]:
    """Every address this process connects to from now on. A connection to anything but
    loopback is refused here, before a packet leaves: a test of the guard can never reach
    another host, even when the guard is broken."""
    seen: list[str] = []
    real = socket.socket.connect

    def guarded(self, address):
        host = str(address[0])
        seen.append(host)
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            raise ConnectionRefusedError(f"test guard: connect by name ({host})") from None
        if not (getattr(ip, "ipv4_mapped", None) or ip).is_loopback:
            raise ConnectionRefusedError(f"test guard: no connection to {host}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return seen


@pytest.fixture
def names(monkeypatch) -> dict[str, list[list[str]]]:
    """Made-up host names: ``names["x.test"] = [[first answer], [later answers]…]``; each
    lookup of a name takes the next answer (the last one repeats) and is counted."""
    table: dict[str, list[list[str]]] = {}
    lookups: dict[str, int] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in table:
            return real(host, port, *args, **kwargs)
        n = lookups[host] = lookups.get(host, 0) + 1
        answers = table[host][min(n, len(table[host])) - 1]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in answers]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    table["_lookups"] = lookups  # type: ignore[assignment]
    return table


def refused_urls(port: int) -> list[str]:
    return [f"http://127.0.0.1:{port}/json/K", "http://10.0.0.1/json/K",
            "http://169.254.169.254/latest/meta-data/", f"http://[::ffff:127.0.0.1]:{port}/json/K",
            f"http://localhost:{port}/json/K"]


def test_loopback_private_and_metadata_addresses_are_refused_before_connecting(
        receiver, connects):
    port = int(receiver.url.rsplit(":", 1)[1])
    for url in refused_urls(port):
        with pytest.raises(push.PushFailed) as failed:
            send(PushTarget("json", url), push.test_message(PAGE), allow_private=False)
        assert failed.value.outcome == "refused", url
        assert "推送地址被拒绝" in str(failed.value) and "/json/K" not in str(failed.value)
        # The save-time check names the problem too.
        problem = url_address_problem(url, allow_private=False, timeout_s=3)
        assert problem and problem.startswith("推送地址不可用"), url
    assert connects == [] and receiver.received == []


@pytest.mark.parametrize("address", [
    "169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "0.0.0.0", "0.1.2.3", "::",
    "224.0.0.1", "ff02::1", "240.0.0.1", "255.255.255.255", "100.64.0.1", "192.0.2.1",
    "::7f00:1", "2002:7f00:1::", "64:ff9b::a9fe:a9fe",
])
def test_link_local_unspecified_multicast_and_reserved_stay_refused(address, connects):
    assert address_problem(address, allow_private=True)
    url = f"http://[{address}]/x" if ":" in address else f"http://{address}/x"
    with pytest.raises(push.PushFailed) as failed:
        send(PushTarget("json", url), push.test_message(PAGE), allow_private=True)
    assert failed.value.outcome == "refused" and connects == []


def test_allow_private_admits_loopback_and_private_ranges_only():
    for address in ("127.0.0.1", "::1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "fd00::1",
                    "::ffff:10.0.0.1"):
        assert address_problem(address, allow_private=False), address
        assert address_problem(address, allow_private=True) is None, address
    for address in ("93.184.215.14", "2606:4700::1111", "64:ff9b::808:808"):
        assert address_problem(address, allow_private=False) is None, address


def test_a_name_is_looked_up_once_and_the_checked_address_is_the_one_connected(
        receiver, connects, names):
    """DNS rebinding: the name answers loopback to the check and 10.0.0.1 afterwards; the
    message still goes to the address that was checked, under the name (Host header)."""
    port = int(receiver.url.rsplit(":", 1)[1])
    names["rebind.test"] = [["127.0.0.1"], ["10.0.0.1"]]
    assert send(PushTarget("json", f"http://rebind.test:{port}/json/K"),
                push.test_message(PAGE)) == 1
    assert receiver.on("/json")[0].headers["Host"] == f"rebind.test:{port}"
    assert names["_lookups"]["rebind.test"] == 1 and connects == ["127.0.0.1"]
    # A name answering a public and a private address is refused as a whole.
    names["mixed.test"] = [["93.184.215.14", "127.0.0.1"]]
    with pytest.raises(push.PushFailed) as failed:
        send(PushTarget("json", f"http://mixed.test:{port}/json/K"), push.test_message(PAGE),
             allow_private=False)
    assert failed.value.outcome == "refused" and connects == ["127.0.0.1"]


def _tls_server(tmp_path, name: str):
    """A TLS receiver on loopback with a self-signed certificate for ``name``: the CA file
    to trust, its port, and the SNI names it was asked for."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    asked: list[str] = []
    context.sni_callback = lambda sock, server_name, ctx: asked.append(server_name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, cert_file, asked


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:  # quiet
        pass


def test_tls_keeps_the_name_for_sni_and_the_certificate(tmp_path, monkeypatch, connects, names):
    server, ca_file, asked = _tls_server(tmp_path, "push.test")
    port = server.server_address[1]
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(ca_file))
    try:
        names["push.test"] = [["127.0.0.1"]]
        assert send(PushTarget("json", f"https://push.test:{port}/hook"),
                    push.test_message(PAGE)) == 1
        assert asked == ["push.test"] and connects == ["127.0.0.1"]
        # Another name on the same address: the certificate does not match it.
        names["other.test"] = [["127.0.0.1"]]
        with pytest.raises(push.PushFailed):
            send(PushTarget("json", f"https://other.test:{port}/hook"), push.test_message(PAGE))
        assert asked[-1] == "other.test"
    finally:
        server.shutdown()
        server.server_close()


# -- one deadline, a capped read ------------------------------------------------------------

@pytest.mark.parametrize("mode,kind", [("headers", "json"), ("body", "serverchan")])
def test_a_trickling_answer_ends_at_the_deadline(mode, kind):
    """One byte every 0.3 s never trips a per-read timeout; the whole exchange still ends
    at the deadline (1.5 s), once, without a retry."""
    slow = Trickler(mode, every_s=0.3, lasts_s=12)
    path = "/KEY.send" if kind == "serverchan" else "/hook"
    try:
        started = time.monotonic()
        with pytest.raises(push.PushFailed) as failed:
            send(PushTarget(kind, slow.url + path), push.test_message(PAGE), timeout_s=1.5)
        took = time.monotonic() - started
        assert failed.value.outcome == "timeout" and "超时" in str(failed.value)
        assert 1.4 < took < 3.5, took  # the trickle would go on for 12 s
        conn = wait_for(lambda: [c for c in slow.connections if c.closed_at], timeout_s=5,
                        what="the receiver to see the hang-up")[0]
        assert conn.closed_at - conn.accepted_at < 3.0
        assert len(slow.connections) == 1  # a slow target is not tried again
    finally:
        slow.stop()


def test_an_endless_answer_is_read_only_up_to_the_cap():
    flood = Trickler("flood", lasts_s=12)
    try:
        started = time.monotonic()
        prepared = push.prepare(PushTarget("serverchan", flood.url + "/KEY.send"),
                                push.test_message(PAGE))
        answer = push_http.exchange(prepared, timeout_s=5, allow_private=True, read_body=True)
        assert answer.status == 200 and len(answer.body) == push_http.MAX_ANSWER_BYTES
        # Not JSON within the cap: a 2xx is enough, and it is quick.
        assert send(PushTarget("serverchan", flood.url + "/KEY.send"),
                    push.test_message(PAGE)) == 1
        assert time.monotonic() - started < 5
        # The client hung up after its 4 KiB: the receiver got rid of no more than the
        # socket buffers hold, not its 64 MB (reading the whole answer takes it all).
        conns = wait_for(lambda: len([c for c in flood.connections if c.closed_at]) == 2
                         and flood.connections, timeout_s=5, what="both hang-ups")
        assert all(c.sent < 16_000_000 for c in conns), [c.sent for c in conns]
    finally:
        flood.stop()


# -- Markdown, masking ----------------------------------------------------------------------

EVIL = ('[点我](https://evil.example/a) <a href="https://evil.example/b">b</a> **粗** '
        'www.evil.example https://evil.example/c <https://evil.example/d>\n# 标题 `x`')


def test_markdown_escapes_titles_and_names_so_uploaders_cannot_add_links():
    doc = {"date": "2026-12-01", "hot": [
        {"bvid": "BV17x411w7KC", "title": EVIL, "author": {"name": "![i](https://evil.example/i)"},
         "rating": 80},
        {"bvid": "not-a-bvid)[x](https://evil.example/e", "title": "t", "author": {}}]}
    text = push.picks_message(doc, PAGE).markdown()
    rendered = MarkdownIt("commonmark").render(text)
    hrefs = re.findall(r'href="([^"]*)"', rendered)
    assert hrefs == ["https://www.bilibili.com/video/BV17x411w7KC", PAGE]
    assert "<img" not in rendered and "<strong>" not in rendered and "<h1>" not in rendered
    assert "<code>" not in rendered and "<a href=\"https://evil" not in rendered
    # Bare addresses cannot be auto-linked either: their dots and colons are escaped.
    assert "www.evil" not in text and "https://evil" not in text
    # What the reader sees is still the title, character for character.
    assert "[点我](https://evil.example/a)" in html.unescape(re.sub(r"<[^>]+>", "", rendered))


def test_test_and_dead_login_messages_link_only_the_page():
    for msg in (push.test_message(PAGE), push.login_expired_message(PAGE)):
        rendered = MarkdownIt("commonmark").render(msg.markdown())
        assert re.findall(r'href="([^"]*)"', rendered) == [PAGE]
    assert "登录已失效" in push.login_expired_message(PAGE).title


# -- a dead login -----------------------------------------------------------------------------

def test_a_dead_login_is_noted_and_pushed_once_per_expiry(settings, store, redis_client):
    from store import UserProfile
    from worker.context import context_for
    from worker.cookies import mark_login_expired

    create_celery(settings)  # the current app: the push task goes to this test's Redis
    ctx = context_for(settings)

    def queued() -> int:
        return len([m for m in redis_values(redis_client, b"push")
                    if b"bilirec.push_login_expired" in m])

    store.users.activate(UserProfile(7, "u", logged_in_at=1000.0))
    store.push.save(7, PushTarget("json", "https://example.org/hook"))
    for _ in range(3):  # the refresh, the delivery, the next day's check: all find it dead
        mark_login_expired(ctx, 7)
    assert not store.users.is_active(7) and store.status.get(7).state == "login_expired"
    assert [n.login_at for n in store.atom.notices(7)] == [1000.0] and queued() == 1
    # Logged in again, and that login dies too: a new expiry, told again.
    store.users.activate(UserProfile(7, "u", logged_in_at=2000.0))
    mark_login_expired(ctx, 7)
    assert [n.login_at for n in store.atom.notices(7)] == [2000.0, 1000.0] and queued() == 2
    # Without a push target the feed still tells it; nothing is queued.
    store.users.activate(UserProfile(8, "v", logged_in_at=3000.0))
    mark_login_expired(ctx, 8)
    assert len(store.atom.notices(8)) == 1 and queued() == 2
    context_for.cache_clear()
