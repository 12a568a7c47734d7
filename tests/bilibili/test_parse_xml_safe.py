"""Text from bilibili never carries what XML 1.0 forbids (issue 15 item 8): an uploader's
title or name with a control character, a lone surrogate or U+FFFF is stripped when the
answer is parsed, so the pick it becomes can never break the user's Atom feed."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from bilibili import parse
from web import atom

HOSTILE = ["a\x00b", "标\x0b题", "x\x1fy\x7f", "lone\ud800surrogate", "end\ufffe\uffff"]
CLEAN = ["ab", "标题", "xy\x7f", "lonesurrogate", "end"]


@pytest.mark.parametrize(("raw", "clean"), list(zip(HOSTILE, CLEAN, strict=True)))
def test_as_str_strips_what_xml_forbids(raw, clean):
    assert parse.as_str(raw) == clean


def test_allowed_text_is_kept_as_is():
    text = "tab\tnewline\nreturn\r 中文 emoji 😀 \ue000"
    assert parse.as_str(text) is text


def _toview_item(i: int, title: str, name: str) -> dict:
    return {"aid": 170001 + i, "bvid": f"BV17x411w7K{'CDEFG'[i]}", "title": title,
            "pic": "", "owner": {"mid": 1, "name": name}, "stat": {}, "progress": 0,
            "add_at": 1}


def test_a_hostile_title_cannot_break_the_atom_feed():
    data = {"count": 5, "list": [_toview_item(i, t, t) for i, t in enumerate(HOSTILE)]}
    items = parse.toview(data)
    assert [i.video.title for i in items] == CLEAN
    assert [i.video.owner.name for i in items] == CLEAN
    picks = [{"bvid": i.bvid, "title": i.video.title, "author": {"name": i.video.owner.name},
              "rating": 80, "reasons": [i.video.title]} for i in items]
    doc = {"date": "2026-12-01", "generated_at": "2026-12-01T07:00:00+08:00", "hot": picks}
    body = atom.feed([doc], self_url="http://127.0.0.1/feed/x.atom",
                     page_url="http://127.0.0.1/", tz=dt.UTC)
    root = ET.fromstring(body)  # raises on a forbidden character
    content = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content")
    assert "标题" in content.text and "lonesurrogate" in content.text
