import struct

import numpy as np
import pytest

from models import layout
from models.serialize import FORMAT_VERSION, MAGIC, ModelFormatError, dumps, loads
from models.state import fresh_state
from models.vocab import MIN_CAPACITY


def test_round_trip_gives_identical_scores_and_facts(rec, trained, taste):
    data = rec.dump(trained)
    loaded = rec.load(data)
    np.testing.assert_array_equal(
        rec.score(loaded, taste.candidates), rec.score(trained, taste.candidates)
    )
    assert loaded.tags.tokens == trained.tags.tokens
    assert loaded.authors.tokens == trained.authors.tokens
    assert loaded.stats == trained.stats
    assert (loaded.trained, loaded.updates, loaded.auc) == (True, trained.updates, trained.auc)
    np.testing.assert_array_equal(loaded.head_moments, trained.head_moments)
    assert loaded.head_at == trained.head_at > 0
    assert rec.explain(loaded, taste.candidates[0]) == rec.explain(trained, taste.candidates[0])


def test_bytes_keep_only_used_rows_and_no_optimizer_state(trained):
    data = dumps(trained)
    # every used row once, float32, plus modest metadata: far below full capacity tables
    used = (len(trained.tags) + len(trained.authors)) * layout.EMBEDDING_DIM * 4
    assert len(data) < used + 60_000
    assert b"adam" not in data.lower() and b"momentum" not in data.lower()


def test_untrained_state_round_trips_without_tensorflow():
    rng = np.random.default_rng(0)
    template = {
        n: rng.normal(size=s).astype(np.float32) for n, s in layout.weight_shapes(MIN_CAPACITY)
    }
    state = fresh_state(template, MIN_CAPACITY)
    state.grow(["原神", "攻略"], [42], seed=1)
    state.stats.author_names[42] = "某UP"
    state.stats.tag_pos["原神"] = 3
    state.stats.recent_tag["原神"] = 0.75
    state.stats.recent_author[42] = 1.25
    state.stats.recent_at = 1_800_000_000
    state.stats.tag_enjoyed["原神"], state.stats.tag_seen["原神"] = -0.25, 2.5
    state.stats.enjoyed, state.stats.seen = 1.5, 4.0
    back = loads(dumps(state))
    assert back.tags.tokens == ["原神", "攻略"] and back.authors.tokens == [42]
    assert back.stats.author_names == {42: "某UP"} and back.stats.tag_pos == {"原神": 3}
    assert (back.stats.recent_tag, back.stats.recent_author, back.stats.recent_at) == (
        {"原神": 0.75}, {42: 1.25}, 1_800_000_000)
    assert (back.stats.tag_enjoyed, back.stats.tag_seen, back.stats.enjoyed,
            back.stats.seen) == ({"原神": -0.25}, {"原神": 2.5}, 1.5, 4.0)
    rows = len(state.tags)
    np.testing.assert_array_equal(
        back.table(layout.TAG_TABLE)[:rows], state.table(layout.TAG_TABLE)[:rows]
    )
    assert not back.trained


def test_unknown_version_is_rejected_clearly(trained):
    data = dumps(trained)
    future = MAGIC + struct.pack(">H", FORMAT_VERSION + 1) + data[len(MAGIC) + 2 :]
    with pytest.raises(ModelFormatError, match="version"):
        loads(future)


@pytest.mark.parametrize("data", [b"", b"not a model", MAGIC + b"\x00\x01garbage"])
def test_garbage_is_rejected(data):
    with pytest.raises(ModelFormatError):
        loads(data)


def test_truncated_bytes_are_rejected(trained):
    with pytest.raises(ModelFormatError):
        loads(dumps(trained)[:-100])
