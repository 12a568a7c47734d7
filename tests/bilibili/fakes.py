"""A scripted stand-in for bilibili behind a real :class:`bilibili.http.Transport`: each path
answers from a queue of canned responses, and every request is recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3 import HTTPHeaderDict

from bilibili.client import BiliClient
from bilibili.gate import NoGate
from bilibili.http import Hosts, Transport
from bilibili.retry import RetryPolicy
from bilibili.wbi import WbiKeys
from tests.bilibili import doc_examples

BASE = "http://bili.test"


@dataclass
class Sent:
    method: str
    path: str
    params: dict[str, Any]
    form: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Canned:
    body: Any = None  # dict → JSON; str/bytes → raw
    status: int = 200
    set_cookies: list[str] = field(default_factory=list)
    raises: type[Exception] | None = None


def ok(data: Any = None) -> Canned:
    return Canned({"code": 0, "message": "0", "ttl": 1, "data": data})


def err(code: int, data: Any = None, message: str = "错误") -> Canned:
    return Canned({"code": code, "message": message, "ttl": 1, "data": data})


class FakeBili(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, list[Canned | Callable[[Sent], Canned]]] = {}
        self.sent: list[Sent] = []

    def on(self, path: str, *answers: Canned | Callable[[Sent], Canned]) -> FakeBili:
        """Queue answers for ``path``; the last one repeats."""
        self.routes[path] = list(answers)
        return self

    def paths(self) -> list[str]:
        return [s.path for s in self.sent]

    def request(self, method, url, params=None, data=None, headers=None, **kwargs):
        path = urlsplit(url).path
        sent = Sent(method, path, dict(params or {}), dict(data or {}), dict(headers or {}))
        self.sent.append(sent)
        queue = self.routes.get(path)
        if not queue:
            canned = Canned("<html>404</html>", status=404)
        else:
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            canned = answer(sent) if callable(answer) else answer
        if canned.raises is not None:
            raise canned.raises("scripted failure")
        resp = requests.Response()
        resp.status_code = canned.status
        body = canned.body
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False)
        resp._content = body.encode() if isinstance(body, str) else (body or b"")
        resp.encoding = "utf-8"
        resp.url = url
        raw_headers = HTTPHeaderDict()
        for cookie in canned.set_cookies:
            raw_headers.add("Set-Cookie", cookie)
        resp.raw = SimpleNamespace(headers=raw_headers)
        return resp


def transport(fake: FakeBili) -> Transport:
    return Transport(Hosts(BASE, BASE, BASE), timeout_s=1, session=fake)


class RecordingGate(NoGate):
    def __init__(self) -> None:
        self.before: list[int | None] = []
        self.intercepted = 0
        self.risk: list[int | None] = []

    def before_request(self, mid: int | None) -> None:
        self.before.append(mid)

    def on_intercepted(self) -> None:
        self.intercepted += 1

    def on_risk_check(self, mid: int | None) -> None:
        self.risk.append(mid)


def fast_retry(max_attempts: int = 3) -> RetryPolicy:
    return RetryPolicy(max_attempts=max_attempts, sleep=lambda s: None, rand=lambda: 0.5)


USER = {
    "SESSDATA": "sess%2Cvalue",
    "bili_jct": "jct-secret",
    "DedeUserID": "293793435",
    "DedeUserID__ckMd5": "ckmd5",
    "sid": "sid1",
    "buvid3": "DEVICE-infoc",
}


def doc(name: str) -> dict:
    """One of the documented example answers of ``doc_examples``, decoded."""
    return json.loads(getattr(doc_examples, name))


def data(name: str):  # any JSON value
    return doc(name)["data"]


def make(fake: FakeBili, **kwargs) -> BiliClient:
    """A client on the fake server, signing with the doc's example WBI keys."""
    keys = WbiKeys.fixed("7cd084941338484aae1ad9425b84077c", "4932caff0ff746eab6f01bf08b70ac45")
    return BiliClient(transport(fake), wbi_keys=keys, retry=fast_retry(), **kwargs)
