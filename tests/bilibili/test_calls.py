"""How every client call is wired: gate before each attempt, risk control reported to the
gate and never retried, transient errors retried, stale WBI keys refreshed once."""

import pytest
import requests

from bilibili import errors
from bilibili.client import BiliClient
from bilibili.wbi import WbiKeys
from tests.bilibili.fakes import (
    USER,
    Canned,
    FakeBili,
    RecordingGate,
    err,
    fast_retry,
    ok,
    transport,
)

IMG = "7cd084941338484aae1ad9425b84077c"
SUB = "4932caff0ff746eab6f01bf08b70ac45"
NEW_IMG, NEW_SUB = "a" * 32, "b" * 32
TAGS = "/x/web-interface/view/detail/tag"
DETAIL = "/x/web-interface/wbi/view/detail"
NAV = "/x/web-interface/nav"


def nav(img: str, sub: str) -> Canned:
    wbi = {
        "img_url": f"https://i0.hdslb.com/bfs/wbi/{img}.png",
        "sub_url": f"https://i0.hdslb.com/bfs/wbi/{sub}.png",
    }
    return err(-101, data={"isLogin": False, "wbi_img": wbi}, message="账号未登录")


VIEW = {"View": {"bvid": "BV17x411w7KC", "aid": 170001, "title": "t", "state": 0}, "Tags": []}


def make(fake: FakeBili, gate=None, **kwargs) -> BiliClient:
    kwargs.setdefault("retry", fast_retry())
    return BiliClient(transport(fake), gate or RecordingGate(), **kwargs)


def test_gate_is_asked_before_every_attempt_with_the_users_mid():
    fake = FakeBili().on(TAGS, Canned(status=502), ok([]))
    gate = RecordingGate()
    make(fake, gate).video_tags("BV17x411w7KC", cookies=USER)
    assert gate.before == [293793435, 293793435]
    assert fake.paths() == [TAGS, TAGS]


def test_cooling_down_gate_stops_the_request():
    class Closed(RecordingGate):
        def before_request(self, mid):
            raise errors.CoolingDown(120, "global")

    fake = FakeBili().on(TAGS, ok([]))
    gate = Closed()
    with pytest.raises(errors.CoolingDown) as caught:
        make(fake, gate).video_tags("BV17x411w7KC")
    assert caught.value.seconds == 120 and caught.value.scope == "global"
    assert fake.sent == [] and gate.intercepted == 0 and gate.risk == []


@pytest.mark.parametrize(
    "answer", [err(-412, message="请求被拦截"), Canned("<html>412</html>", 412)]
)
def test_intercepted_goes_to_the_gate_and_is_not_retried(answer):
    fake = FakeBili().on(TAGS, answer)
    gate = RecordingGate()
    with pytest.raises(errors.Intercepted):
        make(fake, gate).video_tags("BV17x411w7KC", cookies=USER)
    assert gate.intercepted == 1 and len(fake.sent) == 1


def test_risk_check_goes_to_the_gate_for_that_user():
    fake = FakeBili().on(TAGS, err(-352, data={"v_voucher": "voucher_x"}))
    gate = RecordingGate()
    with pytest.raises(errors.RiskCheckFailed):
        make(fake, gate).video_tags("BV17x411w7KC", cookies=USER)
    assert gate.risk == [293793435] and len(fake.sent) == 1


def test_voucher_with_code_zero_is_risk_control():
    fake = FakeBili().on(TAGS, ok({"v_voucher": "voucher_x"}))
    gate = RecordingGate()
    with pytest.raises(errors.RiskCheckFailed):
        make(fake, gate).video_tags("BV17x411w7KC", cookies=USER)
    assert gate.risk == [293793435]


@pytest.mark.parametrize(
    "answer",
    [
        Canned(status=500),
        Canned(status=503),
        err(-509),
        err(-799),
        err(-504),
        Canned("{garbled"),
        Canned(raises=requests.Timeout),
        Canned(raises=requests.ConnectionError),
    ],
)
def test_transient_answers_are_retried_until_success(answer):
    fake = FakeBili().on(TAGS, answer, answer, ok([{"tag_name": "mv", "tag_type": "old_channel"}]))
    assert make(fake).video_tags("BV17x411w7KC") == ("mv",)
    assert len(fake.sent) == 3


def test_transient_answers_give_up_after_the_cap():
    fake = FakeBili().on(TAGS, Canned(status=502))
    with pytest.raises(errors.Transient):
        make(fake, retry=fast_retry(max_attempts=3)).video_tags("BV17x411w7KC")
    assert len(fake.sent) == 3


def test_signed_call_reads_nav_once_and_signs():
    fake = FakeBili().on(NAV, nav(IMG, SUB)).on(DETAIL, ok(VIEW))
    client = make(fake)
    client.video_detail("BV17x411w7KC")
    client.video_detail("BV17x411w7KC")
    assert fake.paths() == [NAV, DETAIL, DETAIL]
    sent = fake.sent[1].params
    assert sent["bvid"] == "BV17x411w7KC" and len(sent["w_rid"]) == 32 and sent["wts"] > 0
    # nav is asked anonymously: the keys are site-wide.
    assert "Cookie" not in fake.sent[0].headers


@pytest.mark.parametrize(
    "refusal",
    [err(-352, data={"v_voucher": "voucher_1"}), ok({"v_voucher": "voucher_1"}), err(-403)],
)
def test_stale_keys_are_dropped_reread_and_the_call_retried_once(refusal):
    fake = FakeBili().on(NAV, nav(IMG, SUB), nav(NEW_IMG, NEW_SUB)).on(DETAIL, refusal, ok(VIEW))
    gate = RecordingGate()
    info = make(fake, gate).video_detail("BV17x411w7KC", cookies=USER)
    assert info.aid == 170001
    assert fake.paths() == [NAV, DETAIL, NAV, DETAIL]
    assert fake.sent[1].params["w_rid"] != fake.sent[3].params["w_rid"]
    assert gate.risk == []


def test_a_second_refusal_after_the_refresh_reaches_the_gate():
    fake = FakeBili().on(NAV, nav(IMG, SUB)).on(DETAIL, err(-352, data={"v_voucher": "v"}))
    gate = RecordingGate()
    with pytest.raises(errors.RiskCheckFailed):
        make(fake, gate).video_detail("BV17x411w7KC", cookies=USER)
    assert fake.paths() == [NAV, DETAIL, NAV, DETAIL]
    assert gate.risk == [293793435]


def test_fixed_keys_never_read_nav():
    fake = FakeBili().on(DETAIL, ok(VIEW))
    make(fake, wbi_keys=WbiKeys.fixed(IMG, SUB)).video_detail("BV17x411w7KC")
    assert fake.paths() == [DETAIL]


def test_device_cookies_go_with_every_call_and_user_cookies_win():
    fake = FakeBili().on(TAGS, ok([]))
    client = make(fake, device={"buvid3": "INSTALL-infoc", "buvid4": "b4"})
    client.video_tags("BV17x411w7KC")
    assert fake.sent[0].headers["Cookie"] == "buvid3=INSTALL-infoc; buvid4=b4"
    client.video_tags("BV17x411w7KC", cookies=USER)
    cookie = fake.sent[1].headers["Cookie"]
    assert "SESSDATA=sess%2Cvalue" in cookie and "buvid3=DEVICE-infoc" in cookie
    assert "buvid4=b4" in cookie


def test_hot_lists_never_carry_login_cookies():
    fake = FakeBili().on(NAV, nav(IMG, SUB)).on("/x/web-interface/popular", ok({"list": []}))
    make(fake).popular(cookies=USER)
    cookie = fake.sent[-1].headers["Cookie"]
    assert "SESSDATA" not in cookie and "bili_jct" not in cookie and "buvid3=DEVICE" in cookie


def test_space_endpoints_send_the_space_referer():
    fake = FakeBili().on("/x/space/like/video", ok({"list": []}))
    make(fake).liked_videos(USER)
    assert fake.sent[0].headers["Referer"] == "https://space.bilibili.com/293793435"
    assert fake.sent[0].params == {"vmid": 293793435}


def test_errors_carry_no_cookie_values():
    fake = FakeBili().on("/x/space/like/video", err(-101, message="账号未登录"))
    with pytest.raises(errors.NotLoggedIn) as caught:
        make(fake).liked_videos(USER)
    text = str(caught.value)
    assert all(v not in text for v in USER.values())


def test_a_nav_interception_inside_a_signed_call_is_reported_once():
    fake = FakeBili().on(NAV, err(-412)).on(DETAIL, ok(VIEW))
    gate = RecordingGate()
    with pytest.raises(errors.Intercepted):
        make(fake, gate).video_detail("BV17x411w7KC", cookies=USER)
    assert gate.intercepted == 1 and fake.paths() == [NAV]


def test_a_failing_nav_is_retried_by_its_own_call_only():
    fake = FakeBili().on(NAV, Canned(status=502))
    with pytest.raises(errors.Transient):
        make(fake, retry=fast_retry(max_attempts=3)).video_detail("BV17x411w7KC")
    assert fake.paths() == [NAV, NAV, NAV]


def test_cooling_down_survives_pickling_and_rebuilding():
    import pickle

    exc = errors.CoolingDown(90.0, "user")
    again = pickle.loads(pickle.dumps(exc))
    assert (again.seconds, again.scope) == (90.0, "user")
    rebuilt = errors.CoolingDown(*exc.args)  # how Celery rebuilds from a JSON result
    assert str(rebuilt) == str(exc) == "cooling down (user) for 90 s"
    assert isinstance(exc, errors.RiskControl)
