"""The candidate sources, one module each, and their registry.

A source is a ``Source`` (``worker.sources.base``): the pools read the registry, so
adding one is a new module with a ``SOURCE`` plus its line in ``BUILT_IN``. Shared
sources make 热门精选 (``worker.candidates.refresh_hot``); the others fill each user's own
pool, 兴趣探索 (``refresh_user_pool``). Order matters: shared sources in this order say
which pool a video shown by several counts from (``worker.picks.split_candidates``), and
per-user sources are fetched in this order, the first to bring a video naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from importlib import import_module

from worker.sources.base import Fetch, Source, UserInputs

__all__ = ["HOT_SOURCES", "SOURCES", "Fetch", "Source", "UserInputs", "known", "own",
           "register", "shared"]

# Module names under worker.sources: the registry lines.
BUILT_IN = (
    "popular",
    "weekly",
    "ranking",
    "following",
    "related",
    "feed",
)

SOURCES: dict[str, Source] = {}


def register(source: Source) -> Callable[[], None]:
    """Add a source (after the others); returns what undoes it (tests)."""
    if source.name in SOURCES:
        raise ValueError(f"candidate source {source.name!r} is registered already")
    SOURCES[source.name] = source
    return lambda: SOURCES.pop(source.name, None)


def shared() -> tuple[Source, ...]:
    return tuple(s for s in SOURCES.values() if s.shared)


def own() -> tuple[Source, ...]:
    return tuple(s for s in SOURCES.values() if not s.shared)


def known(name: str) -> bool:
    return name in SOURCES


class _SharedNames(Sequence[str]):
    """The shared sources' names, in order, read from the registry at each use (a
    source registered later is in them)."""

    def _names(self) -> tuple[str, ...]:
        return tuple(s.name for s in shared())

    def __getitem__(self, i: int | slice) -> str | tuple[str, ...]:
        return self._names()[i]

    def __len__(self) -> int:
        return len(self._names())

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __repr__(self) -> str:
        return repr(self._names())


HOT_SOURCES: Sequence[str] = _SharedNames()

for _module in BUILT_IN:
    register(import_module(f"{__name__}.{_module}").SOURCE)
