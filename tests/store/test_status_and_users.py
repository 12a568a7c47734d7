import pytest

from store import Store, UserProfile


def test_status_keeps_unnamed_fields(store: Store):
    store.status.set(1, "ready", progress=1, picks_date="2026-11-28", refreshed=True)
    store.status.set(1, "error", message="出错")
    status = store.status.get(1)
    assert (status.state, status.progress, status.message) == ("error", 0.0, "出错")
    assert status.picks_date == "2026-11-28" and status.last_refresh is not None


def test_a_refresh_before_the_first_picks_shows_its_step(store: Store):
    for step in ("queued", "syncing", "training", "scoring"):
        assert store.status.set(1, step, progress=0.3, message="正在同步") == step
        status = store.status.get(1)
        assert (status.state, status.step, status.message) == (step, step, "正在同步")
    store.status.set(1, "ready", progress=1.0, message="今日推荐已就绪",
                     picks_date="2026-11-28", refreshed=True)
    assert store.status.get(1).step == ""


def test_once_picks_exist_a_refresh_keeps_the_state_ready(store: Store):
    store.status.set(1, "ready", progress=1.0, picks_date="2026-11-28", refreshed=True)
    last = store.status.get(1).last_refresh
    for step, progress in (("queued", 0.0), ("syncing", 0.45), ("training", 0.7),
                           ("scoring", 0.85)):
        assert store.status.set(1, step, progress=progress, message="正在获取视频信息") == "ready"
        status = store.status.get(1)
        assert (status.state, status.step, status.progress) == ("ready", step, progress)
        assert status.message == "后台更新中：正在获取视频信息"
        assert status.picks_date == "2026-11-28" and status.last_refresh == last
    store.status.set(1, "ready", progress=1.0, message="今日推荐已就绪", refreshed=True)
    status = store.status.get(1)
    assert (status.state, status.step, status.progress) == ("ready", "", 1.0)
    assert status.message == "今日推荐已就绪" and status.last_refresh > last


def test_a_status_written_before_steps_were_recorded_reads_as_busy(store: Store):
    store.redis.hset("user:1:status", mapping={"v": 1, "state": "training", "progress": 0.7,
                                               "message": "正在学习你的口味"})
    assert store.status.get(1).step == "training"
    assert store.status.settle_stranded(1, "error", "中断")
    assert (store.status.get(1).state, store.status.get(1).step) == ("error", "")


def test_unknown_state_is_refused(store: Store):
    with pytest.raises(ValueError):
        store.status.set(1, "sleeping")


def test_forget_user_deletes_everything_of_that_user_only(store: Store):
    for mid in (1, 2):
        store.users.activate(UserProfile(mid, f"u{mid}"))
        store.credentials.save(mid, {"SESSDATA": "x"}, "t")
        store.status.set(mid, "ready")
        store.sessions.create(mid)
        store.picks.save(mid, "2026-11-28", {"date": "2026-11-28"})
    store.forget_user(1)
    assert not [k for k in store.redis.scan_iter() if k.startswith(b"user:1")]
    assert store.users.active_mids() == [2]
    assert store.credentials.load(2) is not None and store.status.get(2) is not None


def test_activate_reports_new_users(store: Store):
    assert store.users.activate(UserProfile(3, "三")) is True
    assert store.users.activate(UserProfile(3, "三")) is False
    assert store.users.get(3).uname == "三"


def test_a_stranded_refresh_behind_ready_is_settled(store: Store):
    store.status.set(1, "ready", progress=1.0, picks_date="2026-11-28", refreshed=True)
    store.status.set(1, "syncing", progress=0.45, message="正在获取视频信息")
    assert store.status.settle_stranded(1, "ready", "上次刷新中断，下次刷新会再试")
    status = store.status.get(1)
    assert (status.state, status.step, status.progress) == ("ready", "", 1.0)
    assert not store.status.settle_stranded(1, "ready", "x")  # nothing busy any more
