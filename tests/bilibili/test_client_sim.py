"""The client against the in-repo simulator over real HTTP: log in with bilibili.login, then
read history, favourites, likes/coins, video detail and the feed (both WBI-signed), the hot
lists, and survive injected faults. Tests that change the world (advance a day, rotate the
WBI keys) run on a private simulator so the shared one stays as other tests expect it."""

from collections.abc import Iterator

import pytest
import requests

from bilibili import errors
from bilibili.client import BiliClient
from simulator import SimState, create_app
from simulator.server import start_in_thread
from tests.bilibili.fakes import RecordingGate, fast_retry
from tests.bilibili.sim_helpers import sim_login, sim_transport

HISTORY = "/x/web-interface/history/cursor"
DETAIL = "/x/web-interface/wbi/view/detail"
FEED = "/x/web-interface/wbi/index/top/feed/rcmd"
NAV = "/x/web-interface/nav"


def client_for(url: str, gate: RecordingGate | None = None) -> BiliClient:
    return BiliClient(sim_transport(url), gate or RecordingGate(), retry=fast_retry())


def counts(sim) -> dict[str, int]:
    return sim("GET", "/counters").json()["by_path"]


@pytest.fixture
def user(simulator_url, sim) -> dict[str, str]:
    creds = sim_login(sim_transport(simulator_url), sim)
    sim("POST", "/counters/reset")
    return creds.cookies


def all_items(client: BiliClient, cookies, **kwargs):
    return [item for page in client.history(cookies, **kwargs) for item in page.items]


# --- behaviour ------------------------------------------------------------------------------


def test_history_pages_newest_first_one_request_each(simulator_url, sim, user):
    client = client_for(simulator_url)
    pages = list(client.history(user))
    items = [i for p in pages for i in p.items]
    assert len(items) > 30 and len(pages) > 1
    assert all(p.next_cursor is not None for p in pages[:-1]) and pages[-1].next_cursor is None
    times = [i.view_at for i in items]
    assert times == sorted(times, reverse=True)
    assert len({(i.bvid, i.view_at) for i in items}) == len(items)
    assert all(i.bvid.startswith("BV1") and i.aid and i.duration for i in items)
    assert any(i.finished for i in items)
    assert counts(sim)[HISTORY] == len(pages)

    # Incremental: nothing newer than the newest item → one request, nothing yielded.
    sim("POST", "/counters/reset")
    assert all_items(client, user, since=times[0]) == []
    assert counts(sim)[HISTORY] == 1

    # A cut in the middle: only the newer part, and it stops early.
    sim("POST", "/counters/reset")
    newer = all_items(client, user, since=times[40])
    assert newer == [i for i in items if i.view_at > times[40]]
    assert counts(sim)[HISTORY] == 2


def test_history_resumes_from_a_page_cursor(simulator_url, user):
    client = client_for(simulator_url)
    pages = list(client.history(user))
    rest = all_items(client, user, start=pages[0].next_cursor)
    assert rest == [i for p in pages[1:] for i in p.items]


def test_favourites(simulator_url, sim, user):
    client = client_for(simulator_url)
    folders = client.fav_folders(user)
    assert not folders.hidden and folders.items
    total = 0
    for folder in folders.items:
        items = list(client.fav_items(user, folder.media_id))
        assert len(items) == folder.media_count
        times = [i.fav_time for i in items]
        assert times == sorted(times, reverse=True)
        assert all(i.bvid and i.media_id == folder.media_id for i in items)
        total += len(items)
    pages = sum((f.media_count + 19) // 20 or 1 for f in folders.items)
    assert counts(sim)["/x/v3/fav/resource/list"] == pages

    biggest = max(folders.items, key=lambda f: f.media_count)
    items = list(client.fav_items(user, biggest.media_id))
    since = items[1].fav_time
    sim("POST", "/counters/reset")
    newer = list(client.fav_items(user, biggest.media_id, since=since))
    assert newer == [i for i in items if i.fav_time > since]
    assert counts(sim)["/x/v3/fav/resource/list"] == 1


def test_invalid_favourites_are_kept_and_their_detail_is_not_found(simulator_url, user):
    client = client_for(simulator_url)
    # The simulator files two deleted or hidden videos in every user's first two folders.
    invalid = [i for folder in client.fav_folders(user).items
               for i in client.fav_items(user, folder.media_id) if i.invalid]
    assert len(invalid) == 2, invalid
    for item in invalid:
        assert item.bvid and item.aid
        with pytest.raises(errors.NotFound) as caught:
            client.video_detail(item.bvid)
        assert caught.value.code in (-404, 62002, 62004, 62012)


def test_likes_and_coins(simulator_url, sim, user):
    client = client_for(simulator_url)
    likes, coins = client.liked_videos(user), client.coined_videos(user)
    assert not likes.hidden and likes.items
    assert all(v.bvid and v.owner.mid and v.stats.view is not None for v in likes.items)
    assert not coins.hidden and coins.items
    assert all(c.coins in (1, 2) and c.coined_at for c in coins.items)
    sent = counts(sim)
    assert sent["/x/space/like/video"] == 1 and sent["/x/space/coin/video"] == 1


def test_hidden_likes_are_flagged_not_raised(simulator_url, sim):
    client = client_for(simulator_url)
    hiding = []
    for account in sim("GET", "/users").json():
        cookies = sim_login(sim_transport(simulator_url), sim, account["mid"]).cookies
        likes = client.liked_videos(cookies)
        # the simulator's own truth says who hides their lists (mids ending in 5)
        hidden = sim("GET", f"/truth/{account['mid']}").json()["likes_hidden"]
        assert likes.hidden is hidden, account["mid"]
        assert client.coined_videos(cookies).hidden is hidden
        if hidden:
            assert likes.items == ()
            hiding.append(account["mid"])
    assert hiding == [10005]


# --- videos and lists -------------------------------------------------------------------------


def test_video_detail_with_wbi_and_tags(simulator_url, sim, user):
    client = client_for(simulator_url)
    seen = next(client.history(user)).items[0]
    info = client.video_detail(seen.bvid)
    assert (info.bvid, info.aid, info.title) == (seen.bvid, seen.aid, seen.title)
    assert info.tags and info.tname and info.owner.mid == seen.author_mid and info.is_open
    assert info.stats.view is not None and info.related
    assert set(client.video_tags(seen.bvid)) <= set(info.tags)
    sent = counts(sim)
    assert sent[DETAIL] == 1 and sent[NAV] == 1  # signed on the first try


def test_home_feed_with_wbi(simulator_url, sim, user):
    client = client_for(simulator_url)
    first = client.home_feed(user)
    second = client.home_feed(user, fresh_idx=2)
    assert first and second
    assert all(v.bvid and v.aid and v.owner.mid for v in (*first, *second))
    assert counts(sim)[FEED] == 2


def test_hot_lists_and_related(simulator_url, sim):
    client = client_for(simulator_url)
    page = client.popular(ps=20)
    assert len(page.items) == 20 and page.has_more
    assert all(v.source_reason for v in page.items)
    issues = client.weekly_issues()
    weekly = client.weekly(issues[0].number)
    assert weekly and all(v.source_reason for v in weekly)
    assert client.ranking(0)
    precious = client.precious()
    assert precious and all(v.source_reason for v in precious)
    related = client.related(page.items[0].bvid)
    assert related and all(v.bvid.startswith("BV1") for v in related)
    with pytest.raises(errors.NotFound):
        client.weekly(issues[0].number + 1000)


# --- faults ----------------------------------------------------------------------------------


def fault(sim, **body) -> None:
    assert sim("POST", "/fault", json=body).ok


def test_transient_faults_are_retried(simulator_url, sim, user):
    client = client_for(simulator_url)
    fault(sim, path=HISTORY, kind="http", status=500, count=1)
    fault(sim, path="/x/space/like/video", kind="garbled", count=1)
    fault(sim, path="/x/space/coin/video", kind="code", code=-799, count=1)
    assert next(client.history(user)).items
    assert client.liked_videos(user).items and client.coined_videos(user).items
    sent = counts(sim)
    assert sent[HISTORY] == 2 and sent["/x/space/like/video"] == 2
    assert sent["/x/space/coin/video"] == 2


def test_persistent_server_errors_fail_after_the_cap(simulator_url, sim, user):
    client = client_for(simulator_url)
    fault(sim, path=HISTORY, kind="http", status=503, count=-1)
    with pytest.raises(errors.Transient):
        next(client.history(user))
    assert counts(sim)[HISTORY] == 3


def test_risk_control_goes_to_the_gate(simulator_url, sim, user):
    gate = RecordingGate()
    client = client_for(simulator_url, gate)
    mid = int(user["DedeUserID"])
    fault(sim, path=HISTORY, kind="http", status=412, count=1)
    with pytest.raises(errors.Intercepted):
        next(client.history(user))
    fault(sim, path="/x/v3/fav/folder/created/list-all", kind="code", code=-412, count=1)
    with pytest.raises(errors.Intercepted):
        client.fav_folders(user)
    fault(sim, path="/x/space/like/video", kind="code", code=-352, count=1)
    with pytest.raises(errors.RiskCheckFailed):
        client.liked_videos(user)
    assert gate.intercepted == 2 and gate.risk == [mid]
    # Nothing was retried in-process.
    sent = counts(sim)
    assert sent[HISTORY] == 1 and sent["/x/space/like/video"] == 1


def test_missing_device_cookie_is_refused_by_the_simulator(simulator_url, user):
    client = client_for(simulator_url)
    cookies = {k: v for k, v in user.items() if k != "buvid3"}
    with pytest.raises(errors.RiskCheckFailed):
        client.liked_videos(cookies)
    # The installation's device ids fill the gap.
    device = BiliClient(
        sim_transport(simulator_url), device={"buvid3": user["buvid3"]}, retry=fast_retry()
    )
    assert device.liked_videos(cookies).items


# --- a private world ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def private_url() -> Iterator[str]:
    url, stop = start_in_thread(create_app(SimState(seed=11)))
    yield url
    stop()


def private_sim(url: str):
    def control(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{url}/_sim{path}", timeout=5, **kwargs)

    return control


def test_rotated_wbi_keys_are_reread_once(private_url):
    sim = private_sim(private_url)
    cookies = sim_login(sim_transport(private_url), sim).cookies
    client = client_for(private_url)
    bvid = next(client.history(cookies)).items[0].bvid
    client.video_detail(bvid)
    assert sim("POST", "/wbi/rotate").ok
    sim("POST", "/counters/reset")
    assert client.video_detail(bvid).bvid == bvid
    assert client.home_feed(cookies)
    sent = counts(sim)
    # One refused signed call, one nav read, the call again; the feed then signs right away.
    assert (sent[DETAIL], sent[NAV], sent[FEED]) == (2, 1, 1)


def test_a_day_later_only_new_history_is_fetched(private_url):
    sim = private_sim(private_url)
    cookies = sim_login(sim_transport(private_url), sim).cookies
    client = client_for(private_url)
    before = all_items(client, cookies)
    newest = before[0].view_at
    folders = client.fav_folders(cookies).items
    fav_since = {
        f.media_id: max((i.fav_time for i in client.fav_items(cookies, f.media_id)), default=0)
        for f in folders
    }
    assert sim("POST", "/advance_day", json={"days": 1}).ok
    sim("POST", "/counters/reset")

    new = all_items(client, cookies, since=newest)
    assert new and all(i.view_at > newest for i in new)
    assert counts(sim)[HISTORY] <= len(new) // 30 + 1
    after = all_items(client, cookies)
    assert after[: len(new)] == new

    for folder in folders:
        fresh = list(client.fav_items(cookies, folder.media_id, since=fav_since[folder.media_id]))
        assert all(i.fav_time > fav_since[folder.media_id] for i in fresh)
