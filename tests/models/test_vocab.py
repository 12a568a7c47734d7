import numpy as np

from models import layout
from models.state import fresh_state
from models.vocab import MIN_CAPACITY, OOV, PAD, RESERVED, Vocab, capacity_for


def test_padding_and_unknown_are_reserved_and_never_a_real_token():
    vocab = Vocab(["a", "b"])
    assert (PAD, OOV) == (0, 1)
    assert vocab.lookup("a") == RESERVED and vocab.lookup("b") == RESERVED + 1
    assert vocab.lookup("never") == OOV
    assert vocab.token(PAD) is None and vocab.token(OOV) is None
    assert len(vocab) == 4


def test_growth_appends_and_keeps_indices():
    vocab = Vocab(["a", "b"])
    before = {t: vocab.lookup(t) for t in vocab.tokens}
    assert vocab.add("c") == 4 and vocab.add("a") == before["a"]
    assert {t: vocab.lookup(t) for t in ["a", "b"]} == before


def test_capacity_doubles_from_the_minimum():
    assert capacity_for(1) == MIN_CAPACITY
    assert capacity_for(MIN_CAPACITY) == MIN_CAPACITY
    assert capacity_for(MIN_CAPACITY + 1) == 2 * MIN_CAPACITY
    assert capacity_for(5 * MIN_CAPACITY) == 8 * MIN_CAPACITY


def _template():
    rng = np.random.default_rng(0)
    return {
        name: rng.normal(size=shape).astype(np.float32)
        for name, shape in layout.weight_shapes(MIN_CAPACITY)
    }


def test_state_growth_keeps_learned_rows_and_starts_new_rows_from_unknown():
    state = fresh_state(_template(), MIN_CAPACITY)
    state.grow(["a", "b"], [1], seed=0)
    tags_before = state.table(layout.TAG_TABLE)[: len(state.tags)].copy()
    dense_before = layout.view(state.weights, state.capacity, "deep_64/kernel").copy()
    token = state.token
    assert state.grow(["b", "c"], [1, 2], seed=0) == 2
    rows = state.table(layout.TAG_TABLE)
    np.testing.assert_array_equal(rows[: len(tags_before)], tags_before)
    new_row = rows[state.tags.lookup("c")]
    assert np.abs(new_row - rows[OOV]).max() < 0.1  # unknown row + small noise
    np.testing.assert_array_equal(
        layout.view(state.weights, state.capacity, "deep_64/kernel"), dense_before
    )
    assert state.token != token


def test_capacity_doubling_keeps_every_learned_row():
    state = fresh_state(_template(), MIN_CAPACITY)
    state.grow([f"t{i}" for i in range(200)], [1, 2, 3], seed=0)
    tags_before = state.table(layout.TAG_TABLE)[: len(state.tags)].copy()
    authors_before = state.table(layout.AUTHOR_TABLE)[: len(state.authors)].copy()
    dense = {n: v.copy() for n, v in layout.split(state.weights, state.capacity).items()}
    state.grow([f"u{i}" for i in range(300)], [], seed=0)
    assert state.capacity == 2 * MIN_CAPACITY
    assert state.weights.shape == (layout.flat_size(2 * MIN_CAPACITY),)
    np.testing.assert_array_equal(state.table(layout.TAG_TABLE)[: len(tags_before)], tags_before)
    np.testing.assert_array_equal(
        state.table(layout.AUTHOR_TABLE)[: len(authors_before)], authors_before
    )
    for name, value in layout.split(state.weights, state.capacity).items():
        if name not in (layout.TAG_TABLE, layout.AUTHOR_TABLE):
            np.testing.assert_array_equal(value, dense[name])


def test_duplicate_tokens_are_refused():
    import pytest

    with pytest.raises(ValueError):
        Vocab(["a", "a"])
