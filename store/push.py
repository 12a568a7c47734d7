"""Each user's push target (a webhook URL that holds a secret: encrypted like the
cookies, shown only masked) and the outcome of the last message sent."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import redis

from store import codec, keys
from store.crypto import Cipher

KINDS = ("json", "ntfy", "bark", "serverchan", "pushplus")


@dataclass(frozen=True)
class PushTarget:
    kind: str
    url: str = field(repr=False)
    page_url: str = ""  # where a notification's click leads (the page the user set it on)

    @property
    def masked(self) -> str:
        return mask(self.url)


@dataclass(frozen=True)
class PushResult:
    ok: bool
    at: float
    what: str  # "picks" | "test"
    message: str  # short, never holds the URL


def mask(url: str) -> str:
    """Scheme and host, then only the last 3 characters of the rest (path and query hold
    the key, token or topic): enough to recognise, never the secret. Built from the host
    name, so a ``user:password@`` before it is never shown."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    rest = url[len(f"{parts.scheme}://{parts.netloc}"):]
    tail = rest[-3:] if len(rest) >= 12 else ""
    return f"{parts.scheme}://{host}{port}/••••{tail}"


MAX_URL = 2048
TARGET_PATTERN = "user:*:push"


def url_problem(kind: str, url: str) -> str | None:
    """Why this URL cannot be a target of this kind (Chinese, for the page), or None. The
    form only: which addresses it may reach is ``store.push_address``'s question."""
    if kind not in KINDS:
        return "推送方式只能是 json、ntfy、bark、serverchan 或 pushplus"
    if len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 for c in url):
        return "推送地址格式错误"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "推送地址只能是 http:// 或 https:// 开头的完整地址"
    try:
        parts.port  # noqa: B018 - raises ValueError when not a port number
    except ValueError:
        return "推送地址的端口不对"
    if parts.username or parts.password:
        return None if kind in ("json", "ntfy") else "推送地址不应包含用户名或密码"
    path = parts.path.strip("/")
    if kind in ("ntfy", "bark") and not path:
        return "地址缺少主题或密钥（例如 https://ntfy.sh/你的主题）"
    if kind == "serverchan" and not path.endswith(".send"):
        return "Server酱 地址应形如 https://sctapi.ftqq.com/<SENDKEY>.send"
    if kind == "pushplus" and "token=" not in parts.query and not path.startswith("send/"):
        return "PushPlus 地址应包含 token（https://www.pushplus.plus/send?token=…）"
    return None


class PushStore:
    def __init__(self, r: redis.Redis, cipher: Cipher) -> None:
        self._r = r
        self._cipher = cipher

    def target(self, mid: int) -> PushTarget | None:
        """The target; None when none is set or it cannot be read any more."""
        token = self._r.get(keys.push_target(mid))
        if token is None:
            return None
        try:
            plaintext = self._cipher.decrypt(token)
            doc = codec.load(plaintext) or {}
        except (ValueError, codec.StoredValueError):  # DecryptionError is a ValueError
            return None
        if doc.get("kind") not in KINDS or not isinstance(doc.get("url"), str):
            return None
        if self._cipher.needs_rotation(token):  # written again under the current secret
            self._r.set(keys.push_target(mid), self._cipher.encrypt(plaintext))
        return PushTarget(kind=doc["kind"], url=doc["url"],
                          page_url=str(doc.get("page_url") or ""))

    def reencrypt_all(self) -> tuple[int, int]:
        """Read every target once (see ``CredentialStore.reencrypt_all``): (read, unreadable)."""
        read = unreadable = 0
        for key in self._r.scan_iter(match=TARGET_PATTERN):
            if self.target(int(key.split(b":")[1])) is None:
                unreadable += 1
            else:
                read += 1
        return read, unreadable

    def save(self, mid: int, target: PushTarget) -> None:
        doc = {"kind": target.kind, "url": target.url, "page_url": target.page_url}
        with self._r.pipeline(transaction=True) as pipe:
            pipe.set(keys.push_target(mid), self._cipher.encrypt(codec.dump(doc)))
            pipe.delete(keys.push_result(mid))  # a result of another target says nothing
            pipe.execute()

    def delete(self, mid: int) -> None:
        self._r.delete(keys.push_target(mid), keys.push_result(mid))

    def result(self, mid: int) -> PushResult | None:
        doc = codec.read(self._r.get(keys.push_result(mid)))
        if not doc:
            return None
        return PushResult(ok=doc.get("ok") is True, at=float(doc.get("at") or 0.0),
                          what=str(doc.get("what", "")), message=str(doc.get("message", "")))

    def set_result(self, mid: int, *, ok: bool, what: str, message: str) -> None:
        doc = {"ok": ok, "at": time.time(), "what": what, "message": message}
        self._r.set(keys.push_result(mid), codec.dump(doc))

    def sent_day(self, mid: int) -> str | None:
        raw = self._r.get(keys.push_sent(mid))
        return raw.decode() if raw else None

    def mark_sent(self, mid: int, day: str) -> None:
        self._r.set(keys.push_sent(mid), day)
