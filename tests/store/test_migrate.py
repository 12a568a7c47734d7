"""The one-time move of stored keys to schema 2's names (``store.migrate``), on a real
Redis: the Atom feed's token, its lookup key and notices, and the rendered picks cache
move with their values and TTLs; a second run changes nothing; logout finds them."""

from __future__ import annotations

import hashlib
import threading

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from store import Store, keys
from store.migrate import SCHEMA_VERSION, Once, migrate

MID = 7
TOKEN = "old-token-from-before-the-upgrade-0123"
OWNER = "feed:" + hashlib.sha256(TOKEN.encode()).hexdigest()


def old_layout(store: Store, mid: int = MID, token: str = TOKEN,
               notice_at: float = 2000.0) -> None:
    """What the previous release stored for one user (its key names, written by hand)."""
    r = store.redis
    r.set(f"user:{mid}:feed", token)
    r.set("feed:" + hashlib.sha256(token.encode()).hexdigest(), mid)
    r.hset(f"user:{mid}:feed:notices", f"login_expired:{notice_at - 1000:.3f}",
           f"{notice_at:.3f}")
    r.hset(f"user:{mid}:picks:views", "r2:latest", b'{"hot":[]}')
    r.expire(f"user:{mid}:picks:views", 3600)
    r.set(f"user:{mid}:picks:views:gen", 3)


def snapshot(store: Store) -> dict[bytes, tuple[bytes, int]]:
    r = store.redis
    return {k: (r.dump(k), r.ttl(k)) for k in r.scan_iter() if not k.startswith(b"_kombu")}


def test_old_keys_move_with_their_values_and_ttls(store: Store):
    old_layout(store)
    store.redis.set("hot:feed", "named feed, but no Atom token: left alone")
    assert migrate(store.redis) == 5
    r = store.redis
    assert not [k for k in r.scan_iter("*feed*") if k != b"hot:feed"]
    assert store.atom.token(MID) == TOKEN and store.atom.owner(TOKEN) == MID
    assert [(n.at, n.login_at) for n in store.atom.notices(MID, now=2000)] == [(2000, 1000)]
    assert store.rendered.get(MID, "r2:latest") == (b'{"hot":[]}', "3")
    assert 3500 < r.ttl(keys.picks_rendered(MID)) <= 3600  # RENAME keeps the TTL
    assert r.ttl(keys.atom_owner(hashlib.sha256(TOKEN.encode()).hexdigest())) == -1
    assert int(r.get(keys.SCHEMA_VERSION)) == SCHEMA_VERSION


def test_a_second_run_changes_nothing(store: Store):
    old_layout(store)
    migrate(store.redis)
    before = snapshot(store)
    old_layout(store, mid=8, token="written-by-an-old-process-after-the-upgrade")
    after_old_write = snapshot(store)
    assert migrate(store.redis) == 0  # the version says done: one read, nothing scanned
    assert snapshot(store) == after_old_write and set(before) < set(after_old_write)


def test_a_new_token_wins_and_the_old_one_stops_working(store: Store):
    old_layout(store)
    fresh = store.atom.rotate(MID)  # this code replaced it before the old keys moved
    migrate(store.redis)
    assert store.atom.token(MID) == fresh and store.atom.owner(fresh) == MID
    assert store.atom.owner(TOKEN) is None and not store.redis.exists(OWNER)
    assert len(list(store.redis.scan_iter("atom:*"))) == 1


def test_logout_finds_the_moved_keys(store: Store):
    old_layout(store)
    migrate(store.redis)
    store.forget_user(MID)
    left = [k for k in store.redis.scan_iter() if not k.startswith(b"_kombu")]
    assert left == [keys.SCHEMA_VERSION.encode()]


def test_processes_starting_together_move_each_key_once(store: Store, redis_url: str):
    for mid in range(1, 41):
        old_layout(store, mid=mid, token=f"token-of-user-{mid}")
    clients = [Store.connect(redis_url, "x" * 40).redis for _ in range(4)]
    start = threading.Barrier(len(clients))
    counts: list[int] = []

    def run(r) -> None:
        start.wait()
        counts.append(migrate(r))

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(counts) == 40 * 5
    for mid in range(1, 41):
        assert store.atom.owner(f"token-of-user-{mid}") == mid


@pytest.mark.parametrize("name", ["feed:not-a-hash", "user:7:x:feed", "user:me:feed"])
def test_keys_that_only_look_alike_stay(store: Store, name: str):
    store.redis.set(name, "v")
    migrate(store.redis)
    assert store.redis.get(name) == b"v"


def test_a_start_without_redis_moves_the_keys_once_it_answers(store: Store):
    old_layout(store)
    away = Once(redis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0)))
    away()  # a web starting while Redis is away still starts
    assert not away.done
    back = Once(store.redis)
    back()
    assert back.done and store.atom.owner(TOKEN) == MID
