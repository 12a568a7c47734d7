import pytest

from store import Store, keys
from store.push import PushTarget, mask

URL = "https://api.day.app/plaintextBarkKey0123/"


def test_target_round_trip_encrypted_and_masked(store: Store):
    assert store.push.target(1) is None
    store.push.save(1, PushTarget("bark", URL, page_url="http://127.0.0.1:8345/"))
    target = store.push.target(1)
    assert target == PushTarget("bark", URL, page_url="http://127.0.0.1:8345/")
    assert "plaintext" not in repr(target)
    stored = b"".join(store.redis.dump(k) or b"" for k in store.redis.scan_iter())
    assert b"plaintext" not in stored
    assert target.masked == mask(URL) == "https://api.day.app/••••23/"
    assert "plaintextBarkKey" not in target.masked and target.masked.startswith(
        "https://api.day.app/")


@pytest.mark.parametrize("url", [
    "https://sctapi.ftqq.com/SCT123456TsecretsecretSECRET.send",
    "https://www.pushplus.plus/send?token=0123456789abcdef0123456789abcdef",
    "https://ntfy.sh/my-secret-topic-name",
    "http://127.0.0.1:9/x",
])
def test_mask_never_shows_the_secret(url):
    shown = mask(url)
    secret_part = url.split("/", 3)[3]
    assert secret_part not in shown and len(shown) < len(url) + 5


def test_result_and_delete(store: Store):
    store.push.save(2, PushTarget("json", "https://example.org/hook"))
    assert store.push.result(2) is None
    store.push.set_result(2, ok=False, what="test", message="HTTP 500")
    result = store.push.result(2)
    assert result is not None and not result.ok and result.message == "HTTP 500"
    store.push.save(2, PushTarget("ntfy", "https://ntfy.sh/t"))  # a new target: old result gone
    assert store.push.result(2) is None
    store.push.delete(2)
    assert store.push.target(2) is None
    store.redis.set(keys.push_target(3), b"not a token")
    assert store.push.target(3) is None


def test_targets_are_reencrypted_under_a_new_secret(redis_url, redis_client):
    old, new = "o" * 40, "n" * 40
    Store.connect(redis_url, old).push.save(5, PushTarget("bark", URL))
    Store.connect(redis_url, old).push.set_result(5, ok=True, what="test", message="已送达")
    Store.connect(redis_url, "x" * 40).push.save(6, PushTarget("json", URL))
    rotating = Store.connect(redis_url, new, old_secret_key=old)
    assert rotating.push.reencrypt_all() == (1, 1)
    alone = Store.connect(redis_url, new)
    assert alone.push.target(5) == PushTarget("bark", URL)
    assert alone.push.result(5).ok  # re-encrypting keeps the last result
    assert Store.connect(redis_url, old).push.target(5) is None


@pytest.mark.parametrize("url,shown", [
    ("https://alice:hunter2secret@ntfy.example.org/topic-name-here",
     "https://ntfy.example.org/••••ere"),
    ("https://alice:hunter2secret@ntfy.example.org:8443/t", "https://ntfy.example.org:8443/••••"),
    ("http://user@[::1]:8080/a-long-topic-name", "http://[::1]:8080/••••ame"),
])
def test_mask_starts_at_the_host_name_never_the_user_and_password(url, shown):
    assert mask(url) == shown
    assert "alice" not in mask(url) and "hunter2" not in mask(url)
