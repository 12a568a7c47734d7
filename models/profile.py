"""The user's taste profile for the web: top tags and top authors (no TensorFlow).

Only tags and authors from the user's positive examples are listed. A weight in [0, 1] is
half the tag's (author's) share of positives relative to the most frequent one and half
the model's probability for a probe video carrying just that tag (author) at neutral
quality — so the list stays grounded in what the user did and still reflects what the
model learned. Without a trained model the share alone is the weight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from models.entities import Video
from models.state import TasteStats

# Probing every tag of a heavy user would cost a large forward pass for a page nobody
# reads past the top; the most frequent ones are enough to choose the top from.
MAX_PROBES = 500
# Neutral quality for probes: a middling video (quality score ≈ 0.6).
_PROBE_STATS = {"view": 20_000, "like": 800, "coin": 100, "favorite": 200}

Probe = Callable[[Sequence[Video]], np.ndarray]


def profile(stats: TasteStats, probe: Probe | None = None, top: int = 20) -> dict:
    """{"tags": [{"name", "weight", "count"}], "authors": [{"mid", "name", "weight",
    "count"}]} sorted by weight, at most ``top`` of each."""
    tags = _rank(stats.tag_pos, probe, lambda key: _probe_video((stats.tag_names.get(key, key),)))
    authors = _rank(stats.author_pos, probe, lambda mid: _probe_video((), mid))
    return {
        "tags": [
            {"name": stats.tag_names.get(key, key), "weight": w, "count": c}
            for key, w, c in tags[:top]
        ],
        "authors": [
            {"mid": mid, "name": stats.author_names.get(mid, ""), "weight": w, "count": c}
            for mid, w, c in authors[:top]
        ],
    }


def _probe_video(tags: tuple[str, ...], mid: int = -1) -> Video:
    return Video("", "", tags, mid, "", 600, **_PROBE_STATS)


def _rank(counts: dict, probe: Probe | None, make: Callable) -> list[tuple]:
    frequent = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)[:MAX_PROBES]
    if not frequent:
        return []
    top_count = frequent[0][1]
    shares = np.array([c / top_count for _, c in frequent])
    if probe is not None:
        weights = 0.5 * shares + 0.5 * np.asarray(probe([make(k) for k, _ in frequent]))
    else:
        weights = shares
    ranked = sorted(
        zip(frequent, weights, strict=True), key=lambda t: (t[1], t[0][1]), reverse=True
    )
    return [(key, round(float(w), 4), count) for (key, count), w in ranked]
