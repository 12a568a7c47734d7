"""The user's rules as filters on candidates, applied before selection (never after), so
both lists draw deeper from the pools instead of showing holes.

Each filter is a named predicate ``(record) -> bool`` (True: the rule matches, the video
is not a candidate) built from one kind of rule; ``REGISTRY`` lists the builders, and a
rule left empty builds nothing. A value a candidate's answer did not carry (no dimension,
no 充电专属 flag, no like count) never matches: a rule removes what it knows to match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from store import Store, VideoRecord
from store.rules import Rules, compile_word


@dataclass(frozen=True)
class Filter:
    name: str
    matches: Callable[[VideoRecord], bool]


def _folded(names: Iterable[str]) -> frozenset[str]:
    return frozenset(n.strip().casefold() for n in names if n.strip())


def authors(rules: Rules) -> Filter | None:
    mids = frozenset(a.mid for a in rules.authors)
    return Filter("authors", lambda r: r.owner_mid in mids) if mids else None


def words(rules: Rules) -> Filter | None:
    if not rules.words:
        return None
    compiled = [(w, compile_word(w)) for w in rules.words]
    plain = [w.casefold() for w, pattern in compiled if pattern is None]
    patterns = [pattern for _, pattern in compiled if pattern is not None]

    def matches(record: VideoRecord) -> bool:
        title = record.title.casefold()
        # RE2 is linear in the title: no pattern can stall this loop.
        return any(w in title for w in plain) or any(p.search(record.title) for p in patterns)

    return Filter("words", matches)


def tags(rules: Rules) -> Filter | None:
    names = _folded(rules.tags)
    if not names:
        return None
    return Filter("tags", lambda r: any(t.casefold() in names for t in r.tags or ()))


def zones(rules: Rules) -> Filter | None:
    names = _folded(rules.zones)
    if not names:
        return None
    # v1 (tname) and v2 (tname_v2) names both match.
    return Filter("zones", lambda r: bool(
        {r.tname.casefold(), r.tname_v2.casefold()} & names))


def duration(rules: Rules) -> Filter | None:
    lo, hi = rules.min_duration_s, rules.max_duration_s
    if not lo and hi is None:
        return None

    def matches(record: VideoRecord) -> bool:
        d = record.duration
        return d > 0 and ((lo is not None and d < lo) or (hi is not None and d > hi))

    return Filter("duration", matches)


def vertical(rules: Rules) -> Filter | None:
    return Filter("vertical", lambda r: r.vertical is True) if rules.hide_vertical else None


def upower(rules: Rules) -> Filter | None:
    return Filter("upower", lambda r: r.upower is True) if rules.hide_upower else None


def like_rate(rules: Rules) -> Filter | None:
    rate = rules.min_like_rate
    if not rate:
        return None
    # No like count (an UP主's upload list carries none) is unknown, not zero.
    return Filter("like_rate", lambda r: r.view > 0 and r.like > 0 and r.like / r.view < rate)


REGISTRY: tuple[Callable[[Rules], Filter | None], ...] = (
    authors, words, tags, zones, duration, vertical, upower, like_rate,
)


def build(rules: Rules) -> list[Filter]:
    return [f for f in (make(rules) for make in REGISTRY) if f is not None]


@dataclass
class RuleFilter:
    """Today's filters for one user, counting what they remove."""

    filters: list[Filter]
    ignore: frozenset[str] = frozenset()  # never candidates anyway: not counted
    removed: set[str] = field(default_factory=set)
    hidden: frozenset[str] = frozenset()  # 不感兴趣 on the card: dropped, not counted

    @classmethod
    def of(cls, rules: Rules, ignore: Iterable[str] = (),
           hidden: Iterable[str] = ()) -> RuleFilter:
        return cls(build(rules), frozenset(ignore), hidden=frozenset(hidden))

    @classmethod
    def for_user(cls, store: Store, mid: int, ignore: Iterable[str] = ()) -> RuleFilter:
        """The user's rules; and a video disliked with a reason that is no event (不想看
        这类内容, 太短了…) never comes back either."""
        disliked = [b for b, kind in store.feedback.all(mid).items() if kind == "dislike"]
        return cls.of(store.rules.get(mid), ignore, disliked)

    def matches(self, record: VideoRecord) -> bool:
        return any(f.matches(record) for f in self.filters)

    def keep(self, records: list[VideoRecord]) -> list[VideoRecord]:
        if not self.filters and not self.hidden:
            return records
        kept = []
        for record in records:
            if record.bvid in self.hidden:
                continue
            if self.matches(record):
                if record.bvid not in self.ignore:
                    self.removed.add(record.bvid)
            else:
                kept.append(record)
        return kept


SECTION_NAMES = {"hot": "热门精选", "explore": "兴趣探索"}


def short_message(doc: dict, per_list: int) -> str:
    """What the status says when a list came out short ("" when both are full)."""
    short = [f"{SECTION_NAMES[s]}只有 {len(doc.get(s, []))} 个" for s in SECTION_NAMES
             if len(doc.get(s, [])) < per_list]
    if not short:
        return ""
    why = "按你的规则过滤后" if doc.get("filtered") else ""
    return f"{why}候选视频不够：" + "，".join(short)
