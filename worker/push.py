"""Push messages to a user's webhook: the morning's picks, or a test message, in the
format of the service they chose.

Request shapes (checked against each service's docs and client code):
- ``json``: POST ``application/json`` ``{kind, title, body, url, date, picks: [...]}``.
- ``ntfy``: POST the text body to the topic URL, headers ``Title`` (RFC 2047 when not
  ASCII, which ntfy ≥ 2.4 decodes), ``Click``, ``Tags``.
- ``bark``: POST JSON ``{title, body, url, group}`` to the user's ``https://api.day.app/<key>``.
- ``serverchan``: POST form ``title`` (≤ 32 characters) and ``desp`` (Markdown) to
  ``https://sctapi.ftqq.com/<SENDKEY>.send``; the answer's ``code`` 0 is success.
- ``pushplus``: POST JSON ``{token, title, content, template}`` to
  ``https://www.pushplus.plus/send`` (token from the pasted URL); ``code`` 200 is success.

The URL holds the user's secret: it is never logged, and no error message here carries it
(requests' own exception texts do, so only their type is kept).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from store.push import PushTarget

ATTEMPTS = 3  # the first try and two retries
TOP = 5  # picks named in the message
VIDEO_URL = "https://www.bilibili.com/video/{}"
SERVERCHAN_TITLE_MAX = 32
USER_AGENT = "bilibili-recommender (push)"


class PushFailed(Exception):
    """The message did not get through; ``str`` is a short Chinese reason without the URL."""


@dataclass(frozen=True)
class Pick:
    bvid: str
    title: str
    author: str
    rating: int


@dataclass(frozen=True)
class Message:
    kind: str  # "picks" | "test"
    title: str
    body: str  # plain text
    url: str  # where a tap leads ("" when unknown)
    date: str = ""
    picks: tuple[Pick, ...] = field(default=())

    def markdown(self) -> str:
        if not self.picks:
            return self.body + (f"\n\n[打开推荐页面]({self.url})" if self.url else "")
        lines = [f"{i}. [{p.title}]({VIDEO_URL.format(p.bvid)}) — {p.author}（推荐指数 {p.rating}）"
                 for i, p in enumerate(self.picks, 1)]
        if self.url:
            lines.append(f"\n[打开推荐页面]({self.url})")
        return "\n".join(lines)


def top_picks(doc: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """The day's best ``n`` picks, hot and explore mixed by rating (best first)."""
    picks = [p for key in ("hot", "explore") for p in doc.get(key) or []
             if isinstance(p, dict) and isinstance(p.get("bvid"), str)]
    picks.sort(key=lambda p: -(p.get("rating") if isinstance(p.get("rating"), int) else 0))
    seen: set[str] = set()
    out = []
    for p in picks:
        if p["bvid"] not in seen:
            seen.add(p["bvid"])
            out.append(p)
    return out[:n]


def picks_message(doc: dict[str, Any], page_url: str) -> Message:
    best = top_picks(doc, TOP)
    total = len(top_picks(doc, 10_000))
    picks = tuple(Pick(p["bvid"], str(p.get("title") or p["bvid"]),
                       str((p.get("author") or {}).get("name") or ""),
                       int(p.get("rating") or 0)) for p in best)
    lines = [f"{i}. {p.title} — {p.author}" for i, p in enumerate(picks, 1)]
    if total > len(picks):
        lines.append(f"…还有 {total - len(picks)} 个，打开页面查看")
    date = str(doc.get("date") or "")
    title = f"今日推荐（{date}）：{total} 个视频" if date else f"今日推荐：{total} 个视频"
    return Message(kind="picks", title=title,
                   body="\n".join(lines) or "今天没有新的推荐", url=page_url, date=date,
                   picks=picks)


def test_message(page_url: str) -> Message:
    return Message(kind="test", title="测试消息：bilibili 推荐",
                   body="推送已设置好，每天的推荐会发到这里。", url=page_url)


# -- formats ------------------------------------------------------------------------------

def _header_text(text: str) -> str:
    """A header value: ASCII as is, anything else as an RFC 2047 encoded word."""
    try:
        text.encode("ascii")
        return text
    except UnicodeEncodeError:
        return "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="


def request_for(target: PushTarget, msg: Message) -> dict[str, Any]:
    """The keyword arguments of ``requests.request`` for this target and message."""
    url = target.url
    if target.kind == "json":
        payload = {"kind": msg.kind, "title": msg.title, "body": msg.body, "url": msg.url,
                   "date": msg.date, "picks": [
                       {"bvid": p.bvid, "title": p.title, "author": p.author,
                        "rating": p.rating, "url": VIDEO_URL.format(p.bvid)} for p in msg.picks]}
        return {"method": "POST", "url": url, "json": payload}
    if target.kind == "ntfy":
        headers = {"Title": _header_text(msg.title), "Tags": "tv",
                   "Content-Type": "text/plain; charset=utf-8"}
        if msg.url:
            headers["Click"] = msg.url
        return {"method": "POST", "url": url, "data": msg.body.encode(), "headers": headers}
    if target.kind == "bark":
        payload = {"title": msg.title, "body": msg.body, "group": "bilibili"}
        if msg.url:
            payload["url"] = msg.url
        return {"method": "POST", "url": url.rstrip("/"), "json": payload}
    if target.kind == "serverchan":
        return {"method": "POST", "url": url,
                "data": {"title": msg.title[:SERVERCHAN_TITLE_MAX], "desp": msg.markdown()}}
    if target.kind == "pushplus":
        payload = {"token": pushplus_token(url), "title": msg.title, "content": msg.markdown(),
                   "template": "markdown"}
        return {"method": "POST", "url": url, "json": payload}
    raise PushFailed(f"未知的推送方式 {target.kind}")


def pushplus_token(url: str) -> str:
    """PushPlus takes the token as ``?token=`` or as ``/send/<token>``."""
    parts = urlsplit(url)
    token = parse_qs(parts.query).get("token", [""])[0]
    if not token and parts.path.startswith("/send/"):
        token = parts.path[len("/send/"):].strip("/")
    return token


# Services that answer a JSON envelope: the success code.
_OK_CODE = {"serverchan": 0, "pushplus": 200, "bark": 200}


def _check(kind: str, resp: requests.Response) -> None:
    if not 200 <= resp.status_code < 300:
        raise PushFailed(f"HTTP {resp.status_code}")
    want = _OK_CODE.get(kind)
    if want is None:
        return
    try:
        body = resp.json()
    except ValueError:
        return  # a self-hosted look-alike without the envelope: 2xx is enough
    if isinstance(body, dict) and "code" in body and body["code"] != want:
        text = str(body.get("message") or body.get("msg") or "")[:80]
        raise PushFailed(f"服务返回错误 {body['code']} {text}".strip())


def send(target: PushTarget, msg: Message, *, timeout_s: float, retry_delay_s: float,
         http: requests.Session | None = None,
         sleep: Callable[[float], None] = time.sleep) -> int:
    """Send once, retrying twice after a network error, a timeout, 429 or a 5xx; returns
    the attempts used. Raises PushFailed (never with the URL in it)."""
    http = http or requests.Session()
    http.trust_env = False  # a webhook on loopback must not go through a proxy
    kwargs = request_for(target, msg)
    headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
    last = "未发送"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            resp = http.request(**kwargs, headers=headers, timeout=timeout_s,
                                allow_redirects=False)
        except requests.Timeout:
            last = "连接超时"
        except requests.RequestException as exc:
            last = f"无法连接（{type(exc).__name__}）"
        else:
            if resp.status_code in (429,) or resp.status_code >= 500:
                last = f"HTTP {resp.status_code}"
            else:
                _check(target.kind, resp)
                return attempt
        if attempt < ATTEMPTS:
            sleep(retry_delay_s)
    raise PushFailed(f"{last}（已重试 {ATTEMPTS - 1} 次）")
