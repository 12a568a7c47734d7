"""What the shared hot pools' tag pass needs to know about users: it lets those waiting
for their first picks go first, and it re-scores those whose picks of the day were made
before the tags came in (the tasks are in ``worker.tasks``)."""

from __future__ import annotations

from store import Store


class Deferred(Exception):  # not an error: the pass goes on later
    """A user waits for their first picks: the pass stops here and is queued again."""


def first_picks_first(store: Store) -> None:
    """Before each tag request of the pass: bilibili's pace is shared, and a user waiting
    for their first picks comes first. The pass does not sleep in its worker (a solo
    worker would then never run that user's next step): it stops and comes back later."""
    if any(store.locks.held(mid) and store.picks.latest_date(mid) is None
           for mid in store.users.active_mids()):
        raise Deferred


def scored_before_tags(store: Store, day: str) -> list[int]:
    """The active users whose picks of ``day`` came from pools without their tags."""
    return [mid for mid in store.users.active_mids()
            if store.pools.scored_complete(mid, day) is False]
