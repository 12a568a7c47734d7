"""Property-based fuzzing of the bilibili response handling: random mutations of the
documented answers (any node replaced by any JSON value, keys dropped, items repeated,
bytes truncated or flipped) go through the real client and transport. Each call returns
parsed entities (bad items skipped) or raises a typed ``bilibili.errors`` error — never
another exception, which would lose the whole batch."""

from __future__ import annotations

import copy
import json
import typing
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bilibili import errors, parse
from bilibili.entities import (
    CoinedVideo,
    FavFolder,
    FavItem,
    HistoryPage,
    ListPage,
    ListVideo,
    SpaceList,
    VideoInfo,
    WeeklyIssue,
)
from bilibili.http import parse_envelope
from tests.bilibili.fakes import USER, Canned, FakeBili, doc, make
from tests.bilibili.typed import mismatches

BVID = "BV1NK41157EF"
API = "/x/web-interface"

# (example answer, path it answers, the client call that reads it, what that call gives)
CALLS: list[tuple[str, str, Callable[[Any], Any], Any]] = [
    ("HISTORY", f"{API}/history/cursor", lambda c: list(c.history(USER)), list[HistoryPage]),
    ("FAV_FOLDERS", "/x/v3/fav/folder/created/list-all", lambda c: c.fav_folders(USER),
     SpaceList[FavFolder]),
    ("FAV_RESOURCES", "/x/v3/fav/resource/list", lambda c: list(c.fav_items(USER, 1)),
     list[FavItem]),
    ("LIKES", "/x/space/like/video", lambda c: c.liked_videos(USER), SpaceList[ListVideo]),
    ("COINS", "/x/space/coin/video", lambda c: c.coined_videos(USER), SpaceList[CoinedVideo]),
    ("VIEW_DETAIL", f"{API}/wbi/view/detail", lambda c: c.video_detail(BVID), VideoInfo),
    ("TAGS", f"{API}/view/detail/tag", lambda c: c.video_tags(BVID), tuple[str, ...]),
    ("POPULAR", f"{API}/popular", lambda c: c.popular(), ListPage),
    ("WEEKLY_LIST", f"{API}/popular/series/list", lambda c: c.weekly_issues(),
     tuple[WeeklyIssue, ...]),
    ("WEEKLY_ONE", f"{API}/popular/series/one", lambda c: c.weekly(1), tuple[ListVideo, ...]),
    ("RANKING", f"{API}/ranking/v2", lambda c: c.ranking(), tuple[ListVideo, ...]),
    ("PRECIOUS", f"{API}/popular/precious", lambda c: c.precious(), tuple[ListVideo, ...]),
    ("RELATED", f"{API}/archive/related", lambda c: c.related(BVID), tuple[ListVideo, ...]),
    ("FEED", f"{API}/wbi/index/top/feed/rcmd", lambda c: c.home_feed(USER),
     tuple[ListVideo, ...]),
]

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**1100), max_value=2**1100)
    | st.integers(min_value=-3, max_value=3) | st.floats() | st.text(max_size=20)
    | st.sampled_from(["", "--", "BV1", "BV1NK41157EF", "archive", "av", "-1"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found += _paths(child, (*prefix, i))
    return found


def _mutate(tree: Any, path: tuple, op: str, value: Any) -> Any:
    if not path:
        return value if op == "replace" else tree
    parent = tree
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return tree  # an earlier mutation moved it
    last = path[-1]
    try:
        if op == "delete":
            del parent[last]
        elif op == "repeat" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        else:
            parent[last] = value
    except (KeyError, IndexError, TypeError):
        pass
    return tree


@st.composite
def mutated(draw, name: str) -> bytes:
    tree = doc(name)
    paths = _paths(tree)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        op = draw(st.sampled_from(["replace", "replace", "delete", "repeat"]))
        tree = _mutate(tree, draw(st.sampled_from(paths)), op, draw(json_values))
    raw = json.dumps(tree, ensure_ascii=False).encode()
    damage = draw(st.sampled_from(["none", "none", "none", "truncate", "flip"]))
    if damage == "truncate":
        raw = raw[: draw(st.integers(min_value=0, max_value=len(raw)))]
    elif damage == "flip":
        at = draw(st.integers(min_value=0, max_value=len(raw) - 1))
        raw = raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1:]
    return raw


def _touch(result: Any) -> None:
    """Read every derived property, as the sync does with what the client returns."""
    items = result if isinstance(result, list | tuple) else [result]
    for item in items:
        for name in ("items", "finished", "watch_ratio", "is_open", "next_cursor", "related"):
            value = getattr(item, name, None)
            if isinstance(value, tuple) and value is not item:
                _touch(value)
        if hasattr(item, "params"):
            item.params()


def test_mutated_answers_give_entities_or_typed_errors():
    outcomes: Counter[str] = Counter()

    @given(data=st.data(), which=st.integers(min_value=0, max_value=len(CALLS) - 1))
    @example(data=None, which=0).via("a finished history item of 2**1100 s, one of 1 s")
    @FUZZ
    def one_answer(data, which):
        name, path, call, gives = CALLS[which]
        if data is None:  # the explicit example: a ratio too large for a float
            tree = doc(name)
            tree["data"]["list"][1]["progress"] = 2**1100
            raw = json.dumps(tree).encode()
        else:
            raw = data.draw(mutated(name), label=name)
        fake = FakeBili().on(path, Canned(raw))
        try:
            result = call(make(fake))
        except errors.BiliError as exc:
            assert data is not None, f"the explicit example was refused: {exc!r}"
            # typed: a kind the caller can act on (retry, skip, stop), naming the call (the
            # client's own "no View" error names it without /x/web-interface)
            assert type(exc) is not errors.BiliError, repr(exc)
            assert exc.path and path.endswith(exc.path), repr(exc)
            outcomes["typed error"] += 1
            return
        assert not mismatches(result, gives), mismatches(result, gives)
        _touch(result)
        outcomes["entities"] += 1

    one_answer()
    # Most mutations leave something to parse: a run where nearly every answer was
    # refused would have checked no entity at all.
    assert outcomes["entities"] >= 10, outcomes


ENVELOPES = st.fixed_dictionaries(
    {"code": st.integers(min_value=-100_000, max_value=100_000) | json_values},
    optional={"message": json_values, "ttl": json_values, "data": json_values},
).map(lambda body: json.dumps(body, ensure_ascii=False).encode())


@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode)
       | json_values.map(lambda v: json.dumps(v).encode()) | ENVELOPES)
@FUZZ
def test_envelope_of_any_bytes_is_a_reply_or_transient(raw):
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("code"), int):
        with pytest.raises(errors.Transient):
            parse_envelope(raw, path="/x")
        return
    reply = parse_envelope(raw, path="/x")
    message = body.get("message")
    assert reply.code == body["code"]
    assert reply.message == (message if isinstance(message, str) else "")
    # dumped, so that a NaN inside compares equal to itself
    assert json.dumps(reply.data) == json.dumps(body.get("data"))


@given(value=json_values)
@FUZZ
def test_every_parser_takes_any_json(value):
    for parser in (parse.popular, parse.weekly_issues, parse.list_items, parse.precious,
                   parse.related, parse.feed, parse.view_detail, parse.video_info,
                   parse.tag_names, parse.liked_videos, parse.coined_videos,
                   parse.fav_folders, parse.history_cursor, parse.history_item,
                   parse.fav_item, parse.arc):
        result = parser(value)
        gives = typing.get_type_hints(parser)["return"]
        assert not mismatches(result, gives, parser.__name__), mismatches(
            result, gives, parser.__name__)
        _touch(result)
