"""What a candidate source is: a name (the pick's ``source``), shared or per user, the
setting that bounds its requests, and one ``fetch``. The registry is ``worker.sources``;
the pools (caps, pre-ranking, details) are ``worker.candidates``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bilibili.client import BiliClient
from settings import Settings
from store import Store, VideoRecord

if TYPE_CHECKING:  # worker.sync reads the registry: a runtime import would be a cycle
    from worker.sync import SyncReport


@dataclass(frozen=True)
class UserInputs:
    """What a per-user source may read of this refresh."""

    mid: int
    cookies: Mapping[str, str]
    sync: SyncReport  # this refresh's behaviour sync (strong positives, related videos)
    now: dt.datetime  # the project's now (settings.tz): which day's budget is spent


@dataclass(frozen=True)
class Fetch:
    """A fetch's inputs. ``budget`` is the value of the source's budget setting;
    ``user`` is None for a shared source."""

    store: Store
    client: BiliClient
    settings: Settings
    budget: Any = None
    user: UserInputs | None = None

    @property
    def for_user(self) -> UserInputs:
        if self.user is None:
            raise TypeError("a per-user source was fetched without a user")
        return self.user


@dataclass(frozen=True)
class Source:
    """One candidate source. ``shared``: one pool for all users (热门精选, refreshed by
    ``refresh_hot``); otherwise its candidates join each user's own pool (兴趣探索, by
    ``refresh_user_pool``). ``budget``: the Settings field that bounds its requests per
    run (None: a fixed few). ``fetch`` returns the list answers as records whose
    ``source`` is ``name``; the pools cap, pre-rank and detail them."""

    name: str
    shared: bool
    budget: str | None
    fetch: Callable[[Fetch], list[VideoRecord]]

    def budget_of(self, settings: Settings) -> Any:
        return None if self.budget is None else getattr(settings, self.budget)
