"""Rotating BILIREC_SECRET_KEY loses no user: log in under key A, restart web and worker
with key B plus BILIREC_SECRET_KEY_OLD=A, then with B alone (README's procedure)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import requests

from store.crypto import Cipher, DecryptionError
from tests.support import TEST_SECRET, start_worker, stop_worker, wait_for
from tests.web.helpers import log_in

KEY_B = "the-new-secret-after-rotation-0123456789abcdef"


def _sync_done(http: requests.Session, web_url: str) -> bool:
    # The worker here consumes the sync queues only: "training" means the sync step,
    # which calls bilibili with the stored cookies, went through.
    return http.get(f"{web_url}/api/status", timeout=10).json()["state"] == "training"


def _refresh_through_worker(settings, store, http, web_url: str, mid: int) -> None:
    worker = start_worker(settings, queues="sync_first,sync")
    try:
        wait_for(lambda: _sync_done(http, web_url), timeout_s=90, what="a sync")
    finally:
        stop_worker(worker)
    # Let the next refresh be queued: no ml worker will finish this one.
    store.redis.delete(f"user:{mid}:lock:refresh", "ml")


@pytest.mark.integration
def test_secret_key_rotation_keeps_users(web_factory, sim, store, lean_settings):
    web_a = web_factory()
    http, session = log_in(web_a.url, sim)
    mid = session["mid"]
    stored = store.redis.get(f"user:{mid}:cred")
    Cipher(TEST_SECRET).decrypt(stored)

    # Restart with B, and A as the old key: still logged in, the queued refresh syncs.
    rotating = replace(lean_settings, secret_key=KEY_B, secret_key_old=TEST_SECRET)
    web_b = web_factory(secret_key=KEY_B, secret_key_old=TEST_SECRET)
    assert http.get(f"{web_b.url}/api/session", timeout=10).json()["mid"] == mid
    _refresh_through_worker(rotating, store, http, web_b.url, mid)
    stored = store.redis.get(f"user:{mid}:cred")
    assert Cipher(KEY_B).decrypt(stored)  # re-encrypted under B
    with pytest.raises(DecryptionError):
        Cipher(TEST_SECRET).decrypt(stored)

    # B alone: the same session works, and a refresh asked for on the page syncs again.
    web_only_b = web_factory(secret_key=KEY_B, secret_key_old="")
    current = http.get(f"{web_only_b.url}/api/session", timeout=10).json()
    assert current["logged_in"] and current["mid"] == mid
    resp = http.post(f"{web_only_b.url}/api/refresh",
                     headers={"X-CSRF-Token": current["csrf_token"]}, timeout=10)
    assert resp.status_code == 202 and resp.json()["state"] == "queued"
    _refresh_through_worker(replace(lean_settings, secret_key=KEY_B), store, http,
                            web_only_b.url, mid)
    assert store.users.is_active(mid)
