"""Each user's trained model: weights + vocabularies as bytes, with its metadata, written
together (MULTI) so a reader never sees new weights with old metadata."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from store import codec, keys


@dataclass(frozen=True)
class ModelMeta:
    trained_at: float
    auc: float | None
    version: int
    trained_seq: int  # the last event sequence number this model has seen
    n_events: int


class ModelStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def save(self, mid: int, blob: bytes, meta: ModelMeta) -> None:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.set(keys.model(mid), blob)
            pipe.set(keys.model_meta(mid), codec.dump(meta.__dict__))
            pipe.execute()

    def load(self, mid: int) -> tuple[bytes, ModelMeta] | None:
        blob, raw = self._r.mget([keys.model(mid), keys.model_meta(mid)])
        meta = self.meta_from(raw)
        if blob is None or meta is None:
            return None
        return blob, meta

    def save_profile(self, mid: int, profile: dict) -> None:
        """What the model learned, readable by the web (tags and UP主 with weights)."""
        self._r.set(keys.taste(mid), codec.dump(profile))

    def profile(self, mid: int) -> dict | None:
        doc = codec.read(self._r.get(keys.taste(mid)))
        if doc is not None:
            doc.pop("v", None)
        return doc

    def meta(self, mid: int) -> ModelMeta | None:
        return self.meta_from(self._r.get(keys.model_meta(mid)))

    @staticmethod
    def meta_from(raw: bytes | None) -> ModelMeta | None:
        doc = codec.read(raw)
        if doc is None:
            return None
        auc = doc.get("auc")
        return ModelMeta(
            trained_at=float(doc.get("trained_at") or 0),
            auc=float(auc) if isinstance(auc, int | float) else None,
            version=int(doc.get("version") or 0),
            trained_seq=int(doc.get("trained_seq") or 0),
            n_events=int(doc.get("n_events") or 0),
        )
