"""What each kind of event means to the recommender, as one table (plain Python: the web's
environment imports it through ``store``).

A row says, for one kind of event the worker stores (``store.BehaviourEvent.kind``):

- ``flag``: the ``models.entities.Event`` field ``merge_events`` sets for it (``progress``
  for a watch: the furthest wins; ``None``: no field of its own);
- ``label``: its role in training (below) and ``weight``, the weight of the training
  example when this signal decides it (``models.features.target``);
- ``touched``: whether the video is never picked again once it happened;
- ``distinct_by``: the event's field that makes a repeat a new event (a watch at another
  time, a favourite in another folder); empty: once per video.

Adding a kind of event is one row here; ``tests/models/test_signals.py`` holds every row
to what the store and the merge do with it. Not rows: the UP主 the user follows (an input
column of the model, ``store.follows``, not an event) and a hot-list video passed by
(``Event.passed``, made by the worker at training time, weight ``PASSED_WEIGHT`` in
``models.features``).
"""

from __future__ import annotations

from dataclasses import dataclass

# Training roles, in the order ``models.features.label`` weighs them.
NEGATIVE = "negative"  # the user said no: 0, whatever else happened
POSITIVE = "positive"  # taste confirmed: 1; each adds ``weight`` to an opened video's target
BY_SHARE = "by share watched"  # opened: 1 past half, 0 when left at once
WEAK_POSITIVE = "weak positive"  # meant to watch: 1 while nothing else is known
WEAK_NEGATIVE = "weak negative"  # shown and not opened: 0 while nothing else is known
NO_LABEL = "no label"  # says nothing of taste: the video leaves training unless another
# signal labels it, and a pick shown and not opened stops counting as ignored


@dataclass(frozen=True)
class Signal:
    kind: str
    flag: str | None
    label: str
    weight: float
    touched: bool
    distinct_by: str = ""


SIGNALS: dict[str, Signal] = {s.kind: s for s in (
    Signal("watch", "progress", BY_SHARE, 0.5, touched=True, distinct_by="at"),
    Signal("like", "liked", POSITIVE, 1.0, touched=True),
    Signal("coin", "coined", POSITIVE, 1.0, touched=True, distinct_by="source"),
    Signal("fav", "faved", POSITIVE, 1.0, touched=True, distinct_by="source"),
    Signal("feedback_like", "liked", POSITIVE, 1.0, touched=True),  # 👍 on a pick
    Signal("feedback_dislike", "disliked", NEGATIVE, 1.0, touched=True),  # 👎 不感兴趣
    # A pick not clicked may simply not have been seen, so it counts little: at 0.5 the
    # day's forty unopened picks, all of them the model's favourites, outweighed the
    # dozen things the user did, and hot NDCG@10 sagged over a simulated week. Picked
    # again later: it was only shown.
    Signal("shown", "shown_ignored", WEAK_NEGATIVE, 0.1, touched=False,
           distinct_by="source"),
    # Meaning to watch is intent, not taste confirmed. Excluded only while it is listed
    # (``store.toview_own``); added again later, a new intent.
    Signal("toview", "toview", WEAK_POSITIVE, 0.3, touched=False, distinct_by="at"),
    # 看过了 on a card: watched elsewhere, so never picked again, and no label of its own
    # (neither a taste negative nor a made-up positive).
    Signal("seen", None, NO_LABEL, 0.0, touched=True),
)}

KINDS = tuple(SIGNALS)

# The Event flags whose signals say the user wanted the video (opened it, or kept it).
WANTED_FLAGS = tuple(dict.fromkeys(
    s.flag for s in SIGNALS.values() if s.flag and s.label in (POSITIVE, BY_SHARE,
                                                               WEAK_POSITIVE)))
# The flags that give an example a label (what survives a 看过了).
LABEL_FLAGS = tuple(dict.fromkeys(
    s.flag for s in SIGNALS.values() if s.flag and s.label != NO_LABEL))
# Liked, coined, favourited: each one more ``weight`` on an opened video's target.
ENGAGED = {s.flag: s.weight for s in SIGNALS.values() if s.label == POSITIVE and s.flag}
