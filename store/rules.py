"""Each user's filter rules (docs/api.md ``rules``): blocked UP主, title words, tags, zones,
a duration range, hide vertical / 充电专属, a minimum like rate. One JSON document under
the user's prefix (logout deletes it with the rest); ``parse_rules`` is the one check of a
rule set, so what is stored is always valid.

Title words written ``/…/`` are RE2 patterns: RE2 runs in time linear in the title, so no
user pattern can stall the worker (Python's ``re`` backtracks).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

import re2
import redis

from store import keys

MAX_ENTRIES = 50
MAX_CHARS = 64
MAX_DURATION_S = 24 * 3600
PATTERN_MEM = 1 << 20  # bytes RE2 may use per pattern; a bigger one does not compile


class RulesError(ValueError):
    """A rule set that cannot be saved; the message (Chinese) names the bad value."""


@dataclass(frozen=True)
class BlockedAuthor:
    mid: int
    name: str = ""


@dataclass(frozen=True)
class Rules:
    authors: tuple[BlockedAuthor, ...] = ()
    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    min_duration_s: int | None = None
    max_duration_s: int | None = None
    hide_vertical: bool = False
    hide_upower: bool = False
    min_like_rate: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "authors": [{"mid": a.mid, "name": a.name} for a in self.authors],
            "words": list(self.words), "tags": list(self.tags), "zones": list(self.zones),
            "min_duration_s": self.min_duration_s, "max_duration_s": self.max_duration_s,
            "hide_vertical": self.hide_vertical, "hide_upower": self.hide_upower,
            "min_like_rate": self.min_like_rate,
        }

    def with_author(self, mid: int, name: str) -> Rules:
        """Blocked from a card's 不看这个UP主: added (renamed if there), the oldest dropped
        past the list's limit."""
        kept = tuple(a for a in self.authors if a.mid != mid)
        return replace(self, authors=(*kept, BlockedAuthor(mid, name[:MAX_CHARS]))[-MAX_ENTRIES:])


EMPTY = Rules()
FIELDS = frozenset(EMPTY.to_json())


def compile_word(word: str) -> re2._Regexp | None:
    """The RE2 pattern of a ``/…/`` word (case-insensitive), None for a plain word.
    Raises RulesError naming the word when RE2 cannot compile it."""
    if len(word) < 3 or not (word.startswith("/") and word.endswith("/")):
        return None
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = False
    options.max_mem = PATTERN_MEM
    try:
        return re2.compile(word[1:-1], options=options)
    except re2.error as exc:
        raise RulesError(f"标题规则 {word} 不是有效的正则表达式（RE2）：{_text(exc)}") from None


def _text(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else ""
    return arg.decode(errors="replace") if isinstance(arg, bytes) else str(arg)


def parse_rules(value: Any) -> Rules:
    """The rule set a JSON body describes, every value checked; RulesError (naming the
    value) otherwise. Missing keys take their empty value: ``rules`` replaces the whole
    set."""
    if not isinstance(value, dict) or set(value) - FIELDS:
        raise RulesError("rules 应为对象，只含 " + "、".join(sorted(FIELDS)))
    words = _strings(value, "words", "标题关键词")
    for word in words:
        compile_word(word)
    lo = _duration(value, "min_duration_s")
    hi = _duration(value, "max_duration_s")
    if lo is not None and hi is not None and lo > hi:
        raise RulesError("最短时长不能大于最长时长")
    return Rules(
        authors=_authors(value.get("authors", [])), words=words,
        tags=_strings(value, "tags", "标签"), zones=_strings(value, "zones", "分区"),
        min_duration_s=lo, max_duration_s=hi,
        hide_vertical=_switch(value, "hide_vertical"), hide_upower=_switch(value, "hide_upower"),
        min_like_rate=_rate(value.get("min_like_rate")),
    )


def _list(value: Any, name: str, label: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RulesError(f"rules.{name} 应为列表")
    if len(value) > MAX_ENTRIES:
        raise RulesError(f"{label}最多 {MAX_ENTRIES} 条")
    return value


def _strings(value: dict[str, Any], name: str, label: str) -> tuple[str, ...]:
    out: list[str] = []
    for item in _list(value.get(name), name, label):
        if not isinstance(item, str) or not item.strip():
            raise RulesError(f"{label}应为非空文字")
        item = item.strip()
        if len(item) > MAX_CHARS:
            raise RulesError(f"{label}「{item[:16]}…」超过 {MAX_CHARS} 个字符")
        if item.casefold() not in {o.casefold() for o in out}:
            out.append(item)
    return tuple(out)


def _authors(value: Any) -> tuple[BlockedAuthor, ...]:
    out: dict[int, BlockedAuthor] = {}
    for item in _list(value, "authors", "屏蔽的UP主"):
        if not isinstance(item, dict) or set(item) - {"mid", "name"}:
            raise RulesError('屏蔽的UP主应为 {"mid": 数字, "name": 名字}')
        mid, name = item.get("mid"), item.get("name", "")
        if isinstance(mid, bool) or not isinstance(mid, int) or not 0 < mid < 2**63:
            raise RulesError(f"UP主 mid {mid!r} 无效")
        if not isinstance(name, str) or len(name) > MAX_CHARS:
            raise RulesError(f"UP主 {mid} 的名字应为不超过 {MAX_CHARS} 个字符的文字")
        out[mid] = BlockedAuthor(mid, name)
    return tuple(out.values())


def _duration(value: dict[str, Any], name: str) -> int | None:
    seconds = value.get(name)
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not (
            0 <= seconds <= MAX_DURATION_S):
        raise RulesError(f"rules.{name} 应为 0–{MAX_DURATION_S} 的整数秒或 null")
    return seconds


def _switch(value: dict[str, Any], name: str) -> bool:
    flag = value.get(name, False)
    if not isinstance(flag, bool):
        raise RulesError(f"rules.{name} 只能是 true 或 false")
    return flag


def _rate(rate: Any) -> float | None:
    if rate is None:
        return None
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not (
            math.isfinite(rate) and 0 <= rate <= 1):
        raise RulesError("rules.min_like_rate 应为 0–1 之间的数（点赞数 / 播放数）或 null")
    return float(rate)


@dataclass
class RuleStore:
    _r: redis.Redis = field(repr=False)

    def get(self, mid: int) -> Rules:
        """The user's rules; none (filtering nothing) when unset or unreadable."""
        raw = self._r.get(keys.rules(mid))
        if not raw:
            return EMPTY
        try:
            return parse_rules(json.loads(raw))
        except (ValueError, TypeError):
            return EMPTY

    def save(self, mid: int, rules: Rules) -> None:
        self._r.set(keys.rules(mid), json.dumps(rules.to_json(), ensure_ascii=False))

    def block_author(self, mid: int, author_mid: int, name: str) -> Rules:
        rules = self.get(mid).with_author(author_mid, name)
        self.save(mid, rules)
        return rules

    def want_rescore(self, mid: int) -> None:
        """The rules changed while a refresh held the user: its scoring (or the next)
        must use them."""
        self._r.set(keys.rules_rescore(mid), 1)

    def take_rescore(self, mid: int) -> bool:
        """Whether a re-score was asked for since the last take (and clears it)."""
        return bool(self._r.delete(keys.rules_rescore(mid)))
