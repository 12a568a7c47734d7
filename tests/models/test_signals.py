"""Every row of the signals table does what it says, in the store (touched or not, what
makes a repeat new), in the merge (the flag it sets) and in training (its label role and
weight): a new kind of event is one row, and this test holds it to its word."""

from __future__ import annotations

import pytest

from models.features import example_weight, label, target
from models.signals import (
    BY_SHARE,
    NEGATIVE,
    NO_LABEL,
    POSITIVE,
    SIGNALS,
    WEAK_NEGATIVE,
    WEAK_POSITIVE,
    Signal,
)
from store import BehaviourEvent, Store
from worker.convert import merge_events

ROWS = list(SIGNALS.values())
DURATION = 100


def _event(signal: Signal, at: int = 10, source: str = "s1") -> BehaviourEvent:
    # A watch of 80 %: a positive by the share watched.
    progress = 80 if signal.flag == "progress" else 0
    return BehaviourEvent(signal.kind, "BV1x", at, progress=progress, duration=DURATION,
                          source=source)


@pytest.mark.parametrize("signal", ROWS, ids=[s.kind for s in ROWS])
def test_the_store_marks_touched_as_the_table_says(store: Store, signal: Signal):
    assert store.events.append(1, [_event(signal)]) == 1
    assert store.events.touched(1) == ({"BV1x"} if signal.touched else set())
    assert store.events.touched_among(1, ["BV1x"]) == store.events.touched(1)


@pytest.mark.parametrize("signal", ROWS, ids=[s.kind for s in ROWS])
def test_a_repeat_is_a_new_event_only_by_its_distinct_field(store: Store, signal: Signal):
    store.events.append(1, [_event(signal)])
    again = _event(signal, at=20, source="s2")  # later, and in another folder/day
    assert store.events.append(1, [again]) == (1 if signal.distinct_by else 0)
    assert store.events.append(1, [again]) == 0


@pytest.mark.parametrize("signal", ROWS, ids=[s.kind for s in ROWS])
def test_the_merge_sets_the_flag_the_table_names(signal: Signal):
    merged = merge_events([_event(signal)])
    if signal.label == NO_LABEL:
        assert merged == {}  # nothing to learn from it alone
        return
    event = merged["BV1x"]
    if signal.flag == "progress":
        assert event.progress == 80
    else:
        assert getattr(event, signal.flag) is True
    others = {f for s in ROWS if s.flag not in (None, signal.flag, "progress")
              for f in [s.flag]}
    assert not any(getattr(event, f) for f in others)


@pytest.mark.parametrize("signal", ROWS, ids=[s.kind for s in ROWS])
def test_training_reads_the_role_and_weight_of_the_table(signal: Signal):
    if signal.label == NO_LABEL:
        return  # merged away above: no example at all
    event = merge_events([_event(signal)])["BV1x"]
    y, weight = target(event)
    if signal.label == NEGATIVE:
        assert (label(event), y, weight) == (0, 0, signal.weight)
    elif signal.label == POSITIVE:
        assert label(event) == 1 and y == 1
        assert weight == pytest.approx(SIGNALS["watch"].weight + signal.weight)
    elif signal.label == BY_SHARE:
        assert label(event) == 1 and y == 1
        assert weight == pytest.approx(signal.weight + 0.8)  # plus the share watched
    elif signal.label == WEAK_POSITIVE:
        assert (label(event), y, weight) == (1, 1, signal.weight)
        assert example_weight(event) == signal.weight
    elif signal.label == WEAK_NEGATIVE:
        assert (label(event), y, weight) == (0, 0, signal.weight)
        assert example_weight(event) == signal.weight
    else:
        pytest.fail(f"{signal.kind}: unknown role {signal.label!r}")


def test_a_signal_without_label_cancels_shown_but_ignored_and_keeps_real_labels():
    silent = next(s for s in ROWS if s.label == NO_LABEL)
    shown = BehaviourEvent("shown", "a", 1, source="d")
    assert merge_events([shown, BehaviourEvent(silent.kind, "a", 2)]) == {}
    kept = merge_events([BehaviourEvent("feedback_dislike", "b", 1),
                         BehaviourEvent(silent.kind, "b", 2)])
    assert kept["b"].disliked and not kept["b"].shown_ignored


def test_kinds_sharing_a_flag_mean_the_same():
    by_flag: dict[str, set[tuple[str, float]]] = {}
    for s in ROWS:
        if s.flag:
            by_flag.setdefault(s.flag, set()).add((s.label, s.weight))
    assert all(len(meanings) == 1 for meanings in by_flag.values()), by_flag
    assert {s.kind for s in ROWS} == set(SIGNALS) and all(k == s.kind for k, s in
                                                          SIGNALS.items())
