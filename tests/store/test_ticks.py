def test_a_period_is_claimed_once(store):
    assert store.ticks.claim("daily:2026-11-30", ttl_s=60)
    assert not store.ticks.claim("daily:2026-11-30", ttl_s=60)
    assert store.ticks.claim("daily:2026-12-01", ttl_s=60)
    assert 0 < store.redis.ttl("tick:daily:2026-11-30") <= 60
