"""One shared network per embedding capacity, with its traced functions (TensorFlow).

A worker process serves thousands of users, so per user it must only pay for the maths:
building a Keras model or tracing a ``tf.function`` costs about a second. Each capacity
bucket (see ``models.vocab.capacity_for``) therefore gets exactly one ``Slot``: one model,
one optimizer and one trace of each function, built on first use and then reused for
every user whose tables fit that capacity. A user's weights are swapped into the slot's
variables by assignment; the optimizer's slots are reset by assignment at the start of
each update (updates are short warm starts, so moment estimates are not worth storing).
Inputs keep a dynamic batch dimension in the traced signatures, so no batch size ever
retraces; only the XLA-compiled scoring path pads batches to a few fixed sizes because XLA
specialises on shapes.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from models import layout
from models.affinity import WIDTH
from models.features import MAX_TAGS
from models.network import WideDeepAttention
from models.training import BATCH_SIZE, Inputs

# During training a tag (author) id is replaced by the OOV id with this probability. That
# trains the OOV rows that unseen candidates are scored with, and keeps the network from
# explaining every label by the one author or rare tag of the video. On the synthetic
# taste world (models/synthetic.py) the network otherwise memorised its few hundred
# examples within a few epochs; with this, weight decay and short training (see
# models.training) hot-list NDCG@10 went from ~0.63 to ~0.91, above the tag-count baseline.
TAG_DROPOUT = 0.2
AUTHOR_DROPOUT = 0.5
# XLA compiles one program per input shape, so scoring pads to one of these row counts.
SCORE_BUCKETS = (64, 256, 1024, 4096)

_INPUT_SPECS = (
    tf.TensorSpec([None, MAX_TAGS], tf.int32),
    tf.TensorSpec([None], tf.int32),
    tf.TensorSpec([None, WIDTH], tf.float32),
)


def score_rows(n: int) -> int:
    """Padded row count for scoring ``n`` ≤ SCORE_BUCKETS[-1] rows."""
    for size in SCORE_BUCKETS:
        if n <= size:
            return size
    raise ValueError(f"{n} rows exceed the largest scoring bucket")


class Slot:
    """The network, optimizer and traced functions for one embedding capacity."""

    def __init__(
        self, capacity: int, *, seed: int, learning_rate: float, weight_decay: float, xla: bool
    ) -> None:
        self.capacity = capacity
        self.model = WideDeepAttention(capacity, seed=seed)
        self.model(
            (
                np.zeros((1, MAX_TAGS), np.int32),
                np.ones((1,), np.int32),
                np.zeros((1, WIDTH), np.float32),
            )
        )
        self.variables = list(self.model.weights)
        prefix = self.model.name + "/"
        found = tuple((v.path.removeprefix(prefix), tuple(v.shape)) for v in self.variables)
        if found != layout.weight_shapes(capacity):
            raise RuntimeError(f"network weights {found} do not match models.layout")
        self._sizes = [int(np.prod(shape)) for _, shape in found]
        self._trainable = list(self.model.trainable_variables)
        self.optimizer = keras.optimizers.AdamW(
            learning_rate=learning_rate, weight_decay=weight_decay
        )
        self.optimizer.build(self._trainable)
        self._optimizer_initial = [np.array(v.numpy()) for v in self.optimizer.variables]
        self.loaded: int | None = None  # token of the weights now in self.variables

        flat_spec = tf.TensorSpec([layout.flat_size(capacity)], tf.float32)
        self._assign = tf.function(self._assign_impl, input_signature=[flat_spec])
        self._read = tf.function(self._read_impl, input_signature=[])
        self._forward = tf.function(
            self._forward_impl, input_signature=_INPUT_SPECS, jit_compile=xla
        )
        # One call per update: the user's weights in, the held-out rows scored before and
        # after training, the new weights out (five calls before: each costs ~1 ms).
        self._update = tf.function(
            self._update_impl,
            input_signature=[
                flat_spec,
                *_INPUT_SPECS,
                tf.TensorSpec([None], tf.float32),
                tf.TensorSpec([None], tf.float32),
                tf.TensorSpec([None], tf.int32),
                tf.TensorSpec([], tf.float32),
                tf.TensorSpec([], tf.int32),
                *_INPUT_SPECS,
                *_INPUT_SPECS,
            ],
        )

        # Calling the concrete functions skips tf.function's argument binding and dispatch
        # (about half a millisecond per call); the signatures above make each unique.
        self._assign_fn = self._assign.get_concrete_function()
        self._read_fn = self._read.get_concrete_function()
        self._forward_fn = self._forward.get_concrete_function()
        self._update_fn = self._update.get_concrete_function()

    # -- traced bodies ---------------------------------------------------------------
    def _assign_impl(self, flat):
        for variable, part in zip(self.variables, tf.split(flat, self._sizes), strict=True):
            variable.assign(tf.reshape(part, variable.shape))
        return tf.constant(0)

    def _read_impl(self):
        return tf.concat([tf.reshape(v.value, [-1]) for v in self.variables], axis=0)

    def _forward_impl(self, tag_ids, author_ids, wide):
        return self.model((tag_ids, author_ids, wide), training=False)

    @staticmethod
    def _to_oov(ids, rate, seed):
        drop = tf.random.stateless_uniform(tf.shape(ids), seed=seed) < rate
        return tf.where(drop & (ids > 0), tf.ones_like(ids), ids)

    def _update_impl(
        self, flat, tag_ids, author_ids, wide, labels, weights, order, learning_rate,
        noise_seed, *heldout,
    ):
        self._assign_impl(flat)
        before, _ = self.model(tuple(heldout[:3]), training=False)
        loss = self._train_impl(
            tag_ids, author_ids, wide, labels, weights, order, learning_rate, noise_seed
        )
        after, _ = self.model(tuple(heldout[3:]), training=False)
        return loss, self._read_impl(), before, after

    def _train_impl(
        self, tag_ids, author_ids, wide, labels, weights, order, learning_rate, noise_seed
    ):
        for variable, initial in zip(
            self.optimizer.variables, self._optimizer_initial, strict=True
        ):
            variable.assign(initial)
        self.optimizer.learning_rate.assign(learning_rate)
        steps = tf.shape(order)[0] // BATCH_SIZE
        total = tf.constant(0.0)
        for step in tf.range(steps):
            idx = order[step * BATCH_SIZE : (step + 1) * BATCH_SIZE]
            y = tf.gather(labels, idx)
            w = tf.gather(weights, idx)
            tags = tf.gather(tag_ids, idx)
            authors = tf.gather(author_ids, idx)
            tags = self._to_oov(tags, TAG_DROPOUT, tf.stack([noise_seed, 2 * step]))
            authors = self._to_oov(authors, AUTHOR_DROPOUT, tf.stack([noise_seed, 2 * step + 1]))
            with tf.GradientTape() as tape:
                logits, _ = self.model((tags, authors, tf.gather(wide, idx)), training=True)
                per_sample = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
                # Class weights enter per sample; dividing by the real rows of the batch
                # (not by Σw, not by the padded batch size) keeps one-sample batches and
                # padding rows from distorting the step.
                real = tf.maximum(tf.reduce_sum(tf.cast(w > 0, tf.float32)), 1.0)
                loss = tf.reduce_sum(w * per_sample) / real
            grads = tape.gradient(loss, self._trainable)
            self.optimizer.apply(grads, self._trainable)
            total += loss
        return total / tf.cast(tf.maximum(steps, 1), tf.float32)

    # -- Python-side API -----------------------------------------------------------------
    def load(self, token: int, flat: np.ndarray) -> None:
        """Swap a user's flat weights in (skipped when they are already there)."""
        if self.loaded == token:
            return
        self._assign_fn(flat)
        self.loaded = token

    def read(self) -> np.ndarray:
        """A copy of the weights now in the slot as one flat vector (models.layout)."""
        return np.array(self._read_fn().numpy())

    def forward(
        self, tag_ids: np.ndarray, author_ids: np.ndarray, wide: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities [n] and attention [n, MAX_TAGS+1]. Rows are padded to a scoring
        bucket (and chunked beyond the largest) so XLA never sees a new shape."""
        n = len(author_ids)
        chunk = SCORE_BUCKETS[-1]
        probs: list[np.ndarray] = []
        attention: list[np.ndarray] = []
        for start in range(0, max(n, 1), chunk):
            stop = min(start + chunk, n)
            pad = score_rows(stop - start) - (stop - start)
            p, a = self._forward_fn(
                np.pad(tag_ids[start:stop], ((0, pad), (0, 0))),
                np.pad(author_ids[start:stop], (0, pad)),
                np.pad(wide[start:stop], ((0, pad), (0, 0))),
            )
            probs.append(p.numpy()[: stop - start].astype(np.float64))
            attention.append(a.numpy()[: stop - start])
        # The sigmoid runs in float64 here: in float32 confident scores all round to 1.0
        # and the ranking among them would be lost.
        return 1.0 / (1.0 + np.exp(-np.concatenate(probs))), np.concatenate(attention)

    def update(
        self,
        flat: np.ndarray,
        inputs: Inputs,
        labels: np.ndarray,
        weights: np.ndarray,
        order: np.ndarray,
        learning_rate: float,
        noise_seed: int,
        before: Inputs,
        after: Inputs,
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """From weights ``flat`` and a fresh optimizer state, run len(order)/BATCH_SIZE
        optimizer steps over rows ``order`` of ``inputs`` (rows with weight 0 are padding).
        Returns (mean loss, the new flat weights, logits of ``before`` under ``flat``,
        logits of ``after`` under the new weights). The slot then holds weights nobody
        owns yet."""
        self.loaded = None
        loss, new, logits_before, logits_after = self._update_fn(
            flat, *inputs, labels, weights, order, learning_rate, noise_seed, *before, *after
        )
        return (float(loss), np.array(new.numpy()), logits_before.numpy().astype(np.float64),
                logits_after.numpy().astype(np.float64))
