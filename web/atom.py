"""The daily picks as an Atom 1.0 document (RFC 4287): one entry per day, the picks as
HTML with their covers, and an entry per notice (a dead login) in time order."""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from store.atom import Notice

NS = "http://www.w3.org/2005/Atom"
SECTIONS = (("hot", "热门精选"), ("explore", "兴趣探索"))
SECTION_TITLES = dict(SECTIONS)
FEED_TITLE = "B站每日推荐"


@dataclass(frozen=True)
class FeedView:
    """A feed narrowed to one list and/or picks rated at least ``min_rating``."""

    section: str | None = None
    min_rating: int | None = None

    def narrow(self, doc: dict[str, Any]) -> dict[str, Any]:
        out = dict(doc)
        for key, _ in SECTIONS:
            picks = [p for p in doc.get(key, []) if isinstance(p, dict)]
            if self.section is not None and key != self.section:
                picks = []
            if self.min_rating is not None:
                picks = [p for p in picks if _rating(p) >= self.min_rating]
            out[key] = picks
        return out

    @property
    def query(self) -> str:
        """The query naming this view, for the feed's own (distinct) id and self link."""
        parts = [f"list={self.section}"] * (self.section is not None)
        parts += [f"min_rating={self.min_rating}"] * (self.min_rating is not None)
        return "?" + "&".join(parts) if parts else ""

    @property
    def title(self) -> str:
        parts = [FEED_TITLE]
        if self.section is not None:
            parts.append(SECTION_TITLES[self.section])
        if self.min_rating is not None:
            parts.append(f"推荐指数 ≥ {self.min_rating}")
        return " · ".join(parts)


def _rating(pick: dict[str, Any]) -> int:
    rating = pick.get("rating")
    return rating if isinstance(rating, int) and not isinstance(rating, bool) else 0


def thumbnail(cover: str) -> str:
    """The 320×200 thumbnail of a cover, over HTTPS when it is bilibili's image host."""
    if not cover:
        return ""
    cover = cover.split("@", 1)[0]
    if cover.startswith("//"):
        cover = "https:" + cover
    elif cover.startswith("http://") and ".hdslb.com/" in cover:
        cover = "https://" + cover[len("http://"):]
    return cover + "@320w_200h_1c.webp"


def _updated(doc: dict[str, Any], tz: dt.tzinfo) -> str:
    stamp = doc.get("generated_at")
    if isinstance(stamp, str):
        try:
            return dt.datetime.fromisoformat(stamp).isoformat(timespec="seconds")
        except ValueError:
            pass
    day = dt.date.fromisoformat(doc["date"])
    return dt.datetime.combine(day, dt.time(), tz).isoformat(timespec="seconds")


def _pick_html(pick: dict[str, Any]) -> str:
    url = f"https://www.bilibili.com/video/{pick.get('bvid', '')}"
    author = (pick.get("author") or {}).get("name", "")
    reasons = "；".join(str(r) for r in pick.get("reasons", []))
    cover = thumbnail(str(pick.get("cover") or ""))
    img = (f'<img src="{html.escape(cover)}" width="320" height="200" alt="" '
           f'referrerpolicy="no-referrer"><br>' if cover else "")
    return (f'<li><a href="{html.escape(url)}">{img}{html.escape(str(pick.get("title", "")))}'
            f'</a><br>UP主：{html.escape(str(author))} · 推荐指数 {int(pick.get("rating", 0))}'
            f'<br><small>{html.escape(reasons)}</small></li>')


def day_html(doc: dict[str, Any]) -> str:
    parts = []
    for key, title in SECTIONS:
        picks = [p for p in doc.get(key, []) if isinstance(p, dict)]
        if picks:
            parts.append(f"<h2>{title}</h2><ol>{''.join(_pick_html(p) for p in picks)}</ol>")
    return "".join(parts) or "<p>这一天没有推荐。</p>"


LOGIN_EXPIRED_TITLE = "bilibili 登录已失效，请重新扫码登录"


def _notice_html(page_url: str) -> str:
    link = html.escape(page_url)
    return (f'<p>bilibili 登录已失效，每日推荐已暂停。请打开 <a href="{link}">{link}</a> '
            f"重新扫码登录。</p>")


def feed(docs: list[dict[str, Any]], *, self_url: str, page_url: str, tz: dt.tzinfo,
         notices: list[Notice] = (), title: str = FEED_TITLE) -> bytes:
    """``docs``: the days' picks documents, newest first; ``notices`` go among them by
    time (a dead login is the newest thing, so it heads the feed until picks come again)."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    def day_entry(doc: dict[str, Any]) -> None:
        entry = sub(root, "entry")
        count = sum(len(doc.get(k, [])) for k, _ in SECTIONS)
        sub(entry, "id", f"{self_url}#{doc['date']}")
        sub(entry, "title", f"{doc['date']} 的推荐（{count} 个视频）")
        sub(entry, "updated", _updated(doc, tz))
        sub(entry, "link", rel="alternate", href=f"{page_url}?date={doc['date']}",
            type="text/html")
        sub(entry, "content", day_html(doc), type="html")

    def notice_entry(notice: Notice) -> None:
        entry = sub(root, "entry")
        # One id per login, so a reader shows one entry per expiry.
        sub(entry, "id", f"{self_url}#{notice.kind}-{notice.login_at:.0f}")
        sub(entry, "title", LOGIN_EXPIRED_TITLE)
        sub(entry, "updated", _stamp(notice.at, tz))
        sub(entry, "link", rel="alternate", href=page_url, type="text/html")
        sub(entry, "content", _notice_html(page_url), type="html")

    # The days keep their order; each notice goes before the first day older than it.
    pending = sorted(notices, key=lambda n: -n.at)
    stamps = [_updated(doc, tz) for doc in docs] + [_stamp(n.at, tz) for n in pending]

    sub(root, "id", self_url)
    sub(root, "title", title)
    sub(root, "subtitle", "每天为你挑选的 bilibili 视频")
    updated = (max(stamps, key=dt.datetime.fromisoformat) if stamps
               else dt.datetime(2000, 1, 1, tzinfo=tz).isoformat())
    sub(root, "updated", updated)
    sub(sub(root, "author"), "name", "bilibili-recommender")
    sub(root, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(root, "link", rel="alternate", href=page_url, type="text/html")
    for doc in docs:
        day_at = dt.datetime.fromisoformat(_updated(doc, tz)).timestamp()
        while pending and pending[0].at > day_at:
            notice_entry(pending.pop(0))
        day_entry(doc)
    for notice in pending:
        notice_entry(notice)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _stamp(ts: float, tz: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(ts, tz).isoformat(timespec="seconds")
