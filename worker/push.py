"""Push messages to a user's webhook: the morning's picks, a test message, or the one
message saying the bilibili login has ended, in the format of the service they chose.

Request shapes (checked against each service's docs and client code):
- ``json``: POST ``application/json`` ``{kind, title, body, url, date, picks: [...]}``.
- ``ntfy``: POST the text body to the topic URL, headers ``Title`` (RFC 2047 when not
  ASCII, which ntfy ≥ 2.4 decodes), ``Click``, ``Tags``.
- ``bark``: POST JSON ``{title, body, url, group}`` to the user's ``https://api.day.app/<key>``.
- ``serverchan``: POST form ``title`` (≤ 32 characters) and ``desp`` (Markdown) to
  ``https://sctapi.ftqq.com/<SENDKEY>.send``; the answer's ``code`` 0 is success.
- ``pushplus``: POST JSON ``{token, title, content, template}`` to
  ``https://www.pushplus.plus/send`` (token from the pasted URL); ``code`` 200 is success.

The URL holds the user's secret: it is never logged, and no error message here carries it.
What the other end answers is never shown either: the user sees only 已送达, refused,
timed out or the HTTP status class (``PushFailed``). The exchange itself (address check,
deadline, size cap) is ``worker.push_http``'s.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from store.push import PushTarget
from worker import push_http

ATTEMPTS = 3  # the first try and two retries
TOP = 5  # picks named in the message
VIDEO_URL = "https://www.bilibili.com/video/{}"
SERVERCHAN_TITLE_MAX = 32
USER_AGENT = "bilibili-recommender (push)"


class PushFailed(Exception):
    """The message did not get through; ``str`` is a short Chinese reason without the URL
    or anything the other end said. ``outcome``: refused | timeout | http | service."""

    def __init__(self, message: str, outcome: str) -> None:
        super().__init__(message)
        self.outcome = outcome


# Markdown's specials and every other ASCII punctuation (CommonMark lets a backslash
# escape any of them): a title cannot open a link, an image, HTML or emphasis, and an
# escaped "." or ":" keeps renderers from turning a bare www./https:// into a link.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_BVID = re.compile(r"BV[0-9A-Za-z]{10}")


def md_text(text: str) -> str:
    """``text`` as literal Markdown text on one line (titles and names come from uploaders)."""
    return _MD_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


@dataclass(frozen=True)
class Pick:
    bvid: str
    title: str
    author: str
    rating: int


@dataclass(frozen=True)
class Message:
    kind: str  # "picks" | "test" | "login_expired"
    title: str
    body: str  # plain text
    url: str  # where a tap leads ("" when unknown)
    date: str = ""
    picks: tuple[Pick, ...] = field(default=())

    def markdown(self) -> str:
        """The message for Server酱 and PushPlus: our own links, everything uploaders
        wrote escaped (``md_text``)."""
        link = f"[打开推荐页面]({self.url})" if self.url else ""
        if not self.picks:
            return md_text(self.body) + (f"\n\n{link}" if link else "")
        lines = []
        for i, p in enumerate(self.picks, 1):
            name = md_text(p.title)
            title = f"[{name}]({VIDEO_URL.format(p.bvid)})" if _BVID.fullmatch(p.bvid) else name
            lines.append(f"{i}. {title} — {md_text(p.author)}（推荐指数 {p.rating}）")
        if link:
            lines.append(f"\n{link}")
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


def login_expired_message(page_url: str) -> Message:
    where = f"打开 {page_url} " if page_url else "打开推荐页面"
    return Message(kind="login_expired", title="bilibili 登录已失效",
                   body=f"bilibili 登录已失效，每日推荐已暂停。请{where}重新扫码登录。",
                   url=page_url)


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
    raise PushFailed(f"未知的推送方式 {target.kind}", "refused")


def pushplus_token(url: str) -> str:
    """PushPlus takes the token as ``?token=`` or as ``/send/<token>``."""
    parts = urlsplit(url)
    token = parse_qs(parts.query).get("token", [""])[0]
    if not token and parts.path.startswith("/send/"):
        token = parts.path[len("/send/"):].strip("/")
    return token


# Services that answer a JSON envelope: the success code.
_OK_CODE = {"serverchan": 0, "pushplus": 200, "bark": 200}

REFUSED = "推送地址被拒绝"
UNREACHABLE = "连接被拒绝或无法连接"


def timed_out(timeout_s: float) -> str:
    return f"超时（{timeout_s:g} 秒内未完成）"


def status_class(status: int) -> str:
    return f"HTTP {status // 100}xx"


def _check(kind: str, answer: push_http.Answer) -> None:
    if not 200 <= answer.status < 300:
        raise PushFailed(status_class(answer.status), "http")
    want = _OK_CODE.get(kind)
    if want is None:
        return
    try:
        body = json.loads(answer.body)
    except ValueError:
        return  # a self-hosted look-alike without the envelope (or over the cap): 2xx is enough
    if isinstance(body, dict) and "code" in body and body["code"] != want:
        # The service's own words stay out: they are the other end's text.
        raise PushFailed(f"{status_class(answer.status)}，但服务拒绝了这条消息", "service")


def prepare(target: PushTarget, msg: Message) -> requests.PreparedRequest:
    kwargs = request_for(target, msg)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Connection": "close",
               **kwargs.pop("headers", {})}
    return requests.Request(**kwargs, headers=headers).prepare()


def send(target: PushTarget, msg: Message, *, timeout_s: float, retry_delay_s: float,
         allow_private: bool, sleep: Callable[[float], None] = time.sleep) -> int:
    """Send once, retrying twice after a failed connection, 429 or a 5xx; returns the
    attempts used. Each attempt ends within ``timeout_s``, connect to last byte; a refused
    address or a timed-out attempt is not tried again (a slow target stays slow), so a
    push holds a worker thread at most 3 × timeout_s + 2 × retry_delay_s. Raises
    PushFailed."""
    prepared = prepare(target, msg)
    read_body = target.kind in _OK_CODE
    retried = ""
    for attempt in range(1, ATTEMPTS + 1):
        retried = f"（已重试 {attempt - 1} 次）" if attempt > 1 else ""
        try:
            answer = push_http.exchange(prepared, timeout_s=timeout_s,
                                        allow_private=allow_private, read_body=read_body)
        except push_http.Refused as exc:
            raise PushFailed(f"{REFUSED}：{str(exc).split('：', 1)[-1]}", "refused") from None
        except push_http.TimedOut:
            raise PushFailed(timed_out(timeout_s) + retried, "timeout") from None
        except push_http.Unreachable:
            last = PushFailed(UNREACHABLE, "refused")
        else:
            if answer.status != 429 and answer.status < 500:
                _check(target.kind, answer)
                return attempt
            last = PushFailed(status_class(answer.status), "http")
        if attempt < ATTEMPTS:
            sleep(retry_delay_s)
    raise PushFailed(f"{last}（已重试 {ATTEMPTS - 1} 次）", last.outcome)
