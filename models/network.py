"""The Keras network: tags + author → attention-pooled content → Wide & Deep → logit.

    tag ids [B, T] ─ Embedding ─┐
                                ├─ tokens [B, T+1, D] ─ additive attention ─ content [B, D]
    author id [B] ─ Embedding ──┘          (weights [B, T+1] also explain a score)
    deep = Dense 64-32-16 ReLU (content ⊕ author embedding ⊕ wide columns) → 1
    wide = Dense 1 (wide columns: quality, the user's affinity to the UP主, tags and
           partition, the video's age — models.affinity)
    interest = Dense 1 (the same wide columns), fitted in closed form to how much the user
           enjoyed each example (models.interest_head), not trained: scoring only
    logit = deep + wide (+ INTEREST_SCALE · interest when scoring);
    probability = sigmoid(logit)

The author takes part in the attention as one more token, so the pooled vector can lean on
the author when the tags say little (or are all unknown). Padding (id 0) is masked out;
unknown tags/authors (id 1) have a learned row of their own and are scored like any other.
The network returns the logit rather than the probability so the loss can use the
numerically stable sigmoid cross-entropy.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from models import layout
from models.affinity import COLUMNS, PRIOR
from models.interest_head import INTEREST_SCALE


class AttentionPooling(layers.Layer):
    """Additive attention pooling: softmax_t(v·tanh(W·x_t + b)) over unmasked tokens."""

    def __init__(self, units: int, seed: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.units = units
        self.seed = seed

    def build(self, input_shape) -> None:
        dim = input_shape[-1]
        # Seeded like every other weight: unseeded, each process started its users from
        # other attention weights, and a bench's day moved by a few hundredths between
        # two runs of one commit.
        glorot = keras.initializers.GlorotUniform
        self.w = self.add_weight(name="w", shape=(dim, self.units),
                                 initializer=glorot(seed=self.seed))
        self.b = self.add_weight(name="b", shape=(self.units,), initializer="zeros")
        self.v = self.add_weight(name="v", shape=(self.units,),
                                 initializer=glorot(seed=self.seed + 1))

    def call(self, tokens, mask):
        scores = ops.sum(ops.tanh(ops.matmul(tokens, self.w) + self.b) * self.v, axis=-1)
        scores = ops.where(mask, scores, ops.full_like(scores, -1e9))
        weights = ops.softmax(scores, axis=-1)
        pooled = ops.sum(tokens * ops.expand_dims(weights, -1), axis=1)
        return pooled, weights


class WideDeepAttention(keras.Model):
    """Inputs (tag_ids int32 [B, T], author_ids int32 [B], wide float32 [B, W]);
    outputs (logit [B], attention [B, T+1]) where the last attention column is the author.
    """

    def __init__(self, capacity: int, seed: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.capacity = capacity
        init = keras.initializers.RandomUniform(-0.05, 0.05, seed=seed)
        self.tag_embedding = layers.Embedding(
            capacity, layout.EMBEDDING_DIM, embeddings_initializer=init, name="tag_embedding"
        )
        self.author_embedding = layers.Embedding(
            capacity,
            layout.EMBEDDING_DIM,
            embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seed + 1),
            name="author_embedding",
        )
        self.attention = AttentionPooling(layout.ATTENTION_UNITS, seed=seed + 10,
                                          name="attention")
        self.deep = [
            layers.Dense(
                units,
                activation="relu",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 2 + i),
                name=f"deep_{units}",
            )
            for i, units in enumerate(layout.DEEP_UNITS)
        ]
        self.deep_out = layers.Dense(
            1, kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 9), name="deep_out"
        )
        prior = [[PRIOR.get(name, 0.0)] for name in COLUMNS]
        self.wide = layers.Dense(
            1, kernel_initializer=keras.initializers.Constant(prior), name="wide"
        )
        self.interest = layers.Dense(1, kernel_initializer="zeros", trainable=False,
                                     name="interest")

    def call(self, inputs, training=False):
        tag_ids, author_ids, wide = inputs
        tags = self.tag_embedding(tag_ids)
        author = self.author_embedding(author_ids)
        tokens = ops.concatenate([tags, ops.expand_dims(author, 1)], axis=1)
        mask = ops.concatenate(
            [ops.greater(tag_ids, 0), ops.ones_like(ops.expand_dims(author_ids, 1), "bool")],
            axis=1,
        )
        content, attention = self.attention(tokens, mask)
        x = ops.concatenate([content, author, wide], axis=-1)
        for dense in self.deep:
            x = dense(x)

        logit = self.deep_out(x) + self.wide(wide)
        if not training:  # the network learns the choice alone; the head is added after
            logit = logit + INTEREST_SCALE * self.interest(wide)
        return ops.squeeze(logit, -1), attention
