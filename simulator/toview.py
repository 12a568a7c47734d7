"""Watch later (稍后再看, §14): one list per user, mutable through the API.

The lists live in ``SimState.extensions`` (not in the replayed world) because
clients change them. A user's list is seeded on first use with a few entries
of their own (deterministic per seed and mid), so a client meets items it did
not add. Callers hold ``SimState.lock``.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from typing import Any

from . import shapes
from .catalog import DAY
from .state import SimState
from .users import UserState, Watch
from .world import World

CAP = 100  # documented cap (§14.2); the simulator answers 90001 past it
INITIAL_ENTRIES = (3, 6)  # the user's own entries when the list is first seen
EXTENSION_KEY = "toview"


@dataclass(slots=True)
class Entry:
    vidx: int
    add_off: int  # world time offset of the addition


def lists(state: SimState) -> dict[int, list[Entry]]:
    """Per-mid lists, newest addition first."""
    return state.extensions.setdefault(EXTENSION_KEY, {})


def entries(state: SimState, u: UserState) -> list[Entry]:
    table = lists(state)
    if u.mid not in table:
        table[u.mid] = _seed(state.world, u)
    return table[u.mid]


def _seed(world: World, u: UserState) -> list[Entry]:
    """A few unwatched videos the user added in the days before first use, drawn by
    watch propensity (the same leaning as their history)."""
    rng = random.Random(f"bilisim:{world.seed}:toview:{u.mid}")
    prefix = world.prefix
    want = rng.randint(*INITIAL_ENTRIES)
    picked: list[int] = []
    for _ in range(want * 50):
        if len(picked) == want:
            break
        idx = bisect.bisect_right(u.cw, rng.random() * u.cw[prefix - 1], hi=prefix - 1)
        if idx in picked or idx in u.watched or not world.cat.videos[idx].valid:
            continue
        picked.append(idx)
    times = sorted((world.now_off - rng.randint(3600, 5 * DAY) for _ in picked), reverse=True)
    return [Entry(idx, t) for idx, t in zip(picked, times, strict=True)]


def add(state: SimState, u: UserState, vidx: int) -> int:
    """0 added (or already listed: unchanged, first ``add_at`` kept), 90001 full."""
    items = entries(state, u)
    if any(e.vidx == vidx for e in items):
        return 0
    if len(items) >= CAP:
        return 90001
    items.insert(0, Entry(vidx, state.world.now_off))
    return 0


def remove(state: SimState, u: UserState, vidxs: set[int], *, viewed: bool) -> None:
    """Drop the listed ``vidxs`` (unlisted ones are ignored) and, with ``viewed``,
    every entry the user has watched."""
    items = entries(state, u)
    items[:] = [e for e in items
                if e.vidx not in vidxs and not (viewed and e.vidx in u.watched)]


def _progress(u: UserState) -> dict[int, tuple[int, int]]:
    """vidx → (progress, page) of its latest watch."""
    out: dict[int, tuple[int, int]] = {}
    for watch in u.history:
        if watch.kind == "archive":
            out[watch.vidx] = (watch.progress, watch.page)
    return out


def item(world: World, entry: Entry, seen: dict[int, tuple[int, int]],
         *, web: bool = False, seq: int = 0) -> dict[str, Any]:
    """One list item: Arc plus ``page``, ``count``, ``progress``, ``add_at`` (§14.1);
    the ``toview/web`` shape adds ``viewed``, ``seq``, ``pages``, ``uri``."""
    video = world.cat.videos[entry.vidx]
    progress, page = seen.get(entry.vidx, (0, 1))
    out = shapes.arc(world, video, newer=web)
    out.update({
        "page": {"cid": video.cid + page - 1, "page": page,
                 "part": shapes.part_name(video, page),
                 "duration": video.page_durations[page - 1]},
        "count": video.videos, "progress": progress, "add_at": world.ts(entry.add_off),
    })
    if web:
        out.update({
            "viewed": entry.vidx in seen, "seq": seq, "pages": shapes.pages(video),
            "uri": f"bilibili://video/{video.aid}", "is_pgc": False, "pgc_label": "",
            "view_text_1": str(out["stat"]["view"]),
        })
    return out


def listing(state: SimState, u: UserState, *, web: bool = False) -> list[dict[str, Any]]:
    seen = _progress(u)
    world = state.world
    return [item(world, e, seen, web=web, seq=i)
            for i, e in enumerate(entries(state, u))]


# -- test hooks ----------------------------------------------------------------------

def watch(world: World, u: UserState, vidx: int) -> None:
    """The user watches ``vidx`` to the end now (a history item newer than all others)."""
    last = u.history[-1].view_at if u.history else 0
    u.history.append(Watch(max(last + 1, world.now_off - 60), vidx, -1, 1, 2))
    u.watched.add(vidx)


def favourite(world: World, u: UserState, vidx: int) -> None:
    """The user favourites ``vidx`` now, into their default folder."""
    folder = next((f for f in u.folders if f.topic == -1), u.folders[0] if u.folders else None)
    if folder is not None and all(i != vidx for i, _ in folder.items):
        folder.items.append((vidx, max(world.now_off - 60, folder.mtime() + 1)))


def fill(state: SimState, u: UserState, size: int) -> int:
    """Add the user's own (unwatched, valid) videos until the list holds ``size``."""
    items = entries(state, u)
    world = state.world
    rng = random.Random(f"bilisim:{world.seed}:toview-fill:{u.mid}:{len(items)}")
    listed = {e.vidx for e in items}
    tries = 0
    while len(items) < min(size, CAP) and tries < 100 * CAP:
        tries += 1
        idx = rng.randrange(world.prefix)
        if idx in listed or idx in u.watched or not world.cat.videos[idx].valid:
            continue
        listed.add(idx)
        items.insert(0, Entry(idx, world.now_off - rng.randint(60, DAY)))
    items.sort(key=lambda e: -e.add_off)
    return len(items)
