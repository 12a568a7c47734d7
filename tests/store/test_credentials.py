import pytest

from store import Store
from store.codec import StoredValueError
from store.crypto import DecryptionError

COOKIES = {
    "SESSDATA": "11d97d2a,1739265009,928d7*82CjCplaintextsess",
    "bili_jct": "plaintextcsrf0123456789abcdef00",
    "DedeUserID": "10001",
}
REFRESH = "plaintextrefreshtoken0123456789ab"


def test_round_trip(store: Store):
    store.credentials.save(10001, COOKIES, REFRESH)
    saved = store.credentials.load(10001)
    assert saved is not None
    assert saved.cookies == COOKIES
    assert saved.refresh_token == REFRESH


def test_no_plaintext_anywhere_in_redis(store: Store):
    store.credentials.save(10001, COOKIES, REFRESH)
    dumped = b"".join(
        (key + (store.redis.dump(key) or b"")) for key in store.redis.scan_iter()
    )
    for secret in (*COOKIES.values(), REFRESH):
        if secret == "10001":
            continue
        assert secret.encode() not in dumped
    assert b"plaintext" not in dumped


def test_repr_hides_values(store: Store):
    store.credentials.save(10001, COOKIES, REFRESH)
    assert "plaintext" not in repr(store.credentials.load(10001))


def test_absent_is_none(store: Store):
    assert store.credentials.load(424242) is None


def test_unknown_schema_version_is_a_clear_error(store: Store):
    cipher = store.credentials._cipher
    store.redis.set("user:7:cred", cipher.encrypt(b'{"v": 99, "cookies": {}}'))
    with pytest.raises(StoredValueError, match="newer"):
        store.credentials.load(7)


def test_reading_under_the_old_secret_reencrypts_under_the_new(redis_url, redis_client):
    old, new = "o" * 40, "n" * 40
    Store.connect(redis_url, old).credentials.save(10001, COOKIES, REFRESH)
    rotating = Store.connect(redis_url, new, old_secret_key=old)
    before = rotating.redis.get("user:10001:cred")
    assert rotating.credentials.load(10001).cookies == COOKIES
    after = rotating.redis.get("user:10001:cred")
    assert after != before
    # Now the new secret alone reads it, and the old one no longer does.
    assert Store.connect(redis_url, new).credentials.load(10001).refresh_token == REFRESH
    with pytest.raises(DecryptionError):
        Store.connect(redis_url, old).credentials.load(10001)
    rotating.credentials.load(10001)
    assert rotating.redis.get("user:10001:cred") == after  # no rewrite once current


def test_rotate_command_reencrypts_every_user(redis_url, redis_client):
    import subprocess
    import sys

    from tests.support import ROOT

    old, new = "o" * 40, "n" * 40
    for mid in (10001, 10002):
        Store.connect(redis_url, old).credentials.save(mid, COOKIES, REFRESH)
    Store.connect(redis_url, "x" * 40).credentials.save(10003, COOKIES, REFRESH)
    env = {"BILIREC_REDIS_URL": redis_url, "BILIREC_SECRET_KEY": new,
           "BILIREC_SECRET_KEY_OLD": old, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "store.rotate"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "current key: 2; unreadable with either key: 1" in done.stdout
    alone = Store.connect(redis_url, new)
    assert alone.credentials.load(10001).cookies == COOKIES
    assert alone.credentials.load(10002).refresh_token == REFRESH
