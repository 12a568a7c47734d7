"""Followed UP主 as an input the network learns (not a bonus added after scoring), and
the reason it gives ("你关注的UP主")."""

from __future__ import annotations

import numpy as np
import pytest

from models import serialize
from models.affinity import COLUMNS, PRIOR
from models.entities import Event, Video
from models.explain import FOLLOWED, reasons

TAGS = [f"杂谈{i}" for i in range(30)]  # uninformative: only who uploaded says anything


def _video(rng: np.random.Generator, n: int, author: int) -> Video:
    tags = tuple(rng.choice(TAGS, 3, replace=False))
    views = int(rng.integers(2_000, 200_000))
    return Video(f"BV1fo{n:07d}", f"视频{n}", tags, author, f"UP{author}", 300, views,
                 views // 30, views // 200, views // 100, partition=None, pubdate=0)


def _history(seed: int, followed_like: bool):
    """Two videos each of 60 followed and 60 other UP主. When ``followed_like``, videos
    of followed UP主 are mostly finished and the others mostly skipped; else the reverse.
    Tags are random, and with two videos per UP主 the leave-one-out UP主 counts say
    little: following is what predicts."""
    rng = np.random.default_rng(seed)
    follows = {1000 + a: 1 for a in range(60)}
    authors = [*follows, *range(2000, 2060)]
    out, n = [], 0
    for author in authors:
        p_like = 0.85 if (author in follows) == followed_like else 0.15
        for _ in range(2):
            video = _video(rng, n, author)
            liked = rng.random() < p_like
            out.append((Event(video.bvid, 1_700_000_000 + n,
                              progress=-1 if liked else 10, duration=300), video))
            n += 1
    order = rng.permutation(len(out))
    return [out[i] for i in order], follows


def _score_on_off(rec, state, video: Video, follows: dict[int, int]) -> tuple[float, float]:
    state.set_follows(follows)
    on = float(rec.score(state, [video])[0])
    state.set_follows({})
    off = float(rec.score(state, [video])[0])
    state.set_follows(follows)
    return on, off


def _new_followed_video() -> Video:
    # an UP主 the user follows but never met in the history
    rng = np.random.default_rng(99)
    return _video(rng, 9_999_999, 999_999)


def test_the_follow_column_starts_neutral():
    assert "follows" in COLUMNS and PRIOR.get("follows", 0.0) == 0.0


@pytest.mark.parametrize("seed", [1, 2])
def test_model_scores_a_followed_upload_higher_when_follows_predict_positives(rec, seed):
    history, follows = _history(seed, followed_like=True)
    state = rec.new_state()
    state.set_follows(follows)
    report = rec.update(state, history, [])
    assert report.accepted, report.reason
    video = _new_followed_video()
    follows = {**follows, video.author_mid: 1}
    on, off = _score_on_off(rec, state, video, follows)
    print(f"follow on {on:.3f} off {off:.3f}")
    assert on > off + 0.02, (on, off)


def test_the_same_feature_learns_the_opposite_from_the_opposite_history(rec):
    history, follows = _history(3, followed_like=False)
    state = rec.new_state()
    state.set_follows(follows)
    assert rec.update(state, history, []).accepted
    video = _new_followed_video()
    on, off = _score_on_off(rec, state, video, {**follows, video.author_mid: 1})
    print(f"follow on {on:.3f} off {off:.3f}")
    assert on < off - 0.02, (on, off)


def test_follows_survive_serialisation_and_give_a_reason(rec):
    history, follows = _history(4, followed_like=True)
    state = rec.new_state()
    state.set_follows(follows)
    assert rec.update(state, history, []).accepted
    again = serialize.loads(serialize.dumps(state))
    assert again.stats.follows == follows
    followed_video = next(v for _, v in history if v.author_mid in follows)
    other = next(v for _, v in history if v.author_mid not in follows)
    assert FOLLOWED in reasons(again.stats, followed_video)
    assert FOLLOWED not in reasons(again.stats, other)
    assert FOLLOWED in rec.explain(again, followed_video)
