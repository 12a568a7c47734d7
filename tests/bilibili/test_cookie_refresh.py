"""Cookie refresh (bilibili-api.md §11): correspondPath, the correspond page, the flow
against a scripted server, and a real round trip against the simulator."""

import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bilibili import errors
from bilibili.cookie_refresh import CookieRefresher, correspond_path, parse_refresh_csrf
from bilibili.login import LoginClient
from tests.bilibili import doc_examples as ex
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
from tests.bilibili.sim_helpers import sim_login, sim_transport

INFO = "/x/passport-login/web/cookie/info"
REFRESH = "/x/passport-login/web/cookie/refresh"
CONFIRM = "/x/passport-login/web/confirm/refresh"
PAGE = '<html><body><div id="1-name">b0cc8411ded2f9db2cff2edb3123acac</div></body></html>'
NEW_COOKIES = [
    "SESSDATA=new%2Csess; Path=/; Domain=bilibili.com; HttpOnly; Secure",
    "bili_jct=newjct; Path=/; Domain=bilibili.com",
    "DedeUserID=293793435; Path=/; Domain=bilibili.com",
    "DedeUserID__ckMd5=newmd5; Path=/; Domain=bilibili.com",
    "sid=newsid; Path=/; Domain=bilibili.com",
]


def test_correspond_path_is_oaep_sha256_of_refresh_timestamp():
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path = correspond_path(1684466082562, pem)
    assert len(path) == 256 and set(path) <= set("0123456789abcdef")  # lower-case hex
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    assert private.decrypt(bytes.fromhex(path), oaep) == b"refresh_1684466082562"


def test_correspond_path_with_bilibilis_key():
    path = correspond_path(1684466082562)
    assert len(path) == 256
    # OAEP is randomised: two encryptions differ.
    assert path != correspond_path(1684466082562)


@pytest.mark.parametrize(
    ("page", "value"),
    [
        (PAGE, "b0cc8411ded2f9db2cff2edb3123acac"),
        ('<div id="1-name" >\n abc \n</div><div id="1-mid"></div>', "abc"),
        ('<div id="1-name"></div>', None),
        ("<html>404</html>", None),
    ],
)
def test_parse_refresh_csrf(page, value):
    assert parse_refresh_csrf(page) == value


def make(fake: FakeBili, gate=None) -> CookieRefresher:
    return CookieRefresher(
        transport(fake), gate, retry=fast_retry(), clock_ms=lambda: 1684466082562
    )


def correspond_route(fake: FakeBili, answer: Canned) -> None:
    # The path is random (OAEP), so route on whatever the refresher asks for.
    original = fake.request

    def request(method, url, **kwargs):
        if "/correspond/1/" in url:
            fake.on(url.split("bili.test", 1)[1], answer)
        return original(method, url, **kwargs)

    fake.request = request


def test_needs_refresh():
    assert make(FakeBili().on(INFO, ok({"refresh": True, "timestamp": 1}))).needs_refresh(USER)
    assert not make(FakeBili().on(INFO, Canned(json.loads(ex.COOKIE_INFO)))).needs_refresh(USER)
    with pytest.raises(errors.NotLoggedIn):
        make(FakeBili().on(INFO, err(-101))).needs_refresh(USER)


def test_refresh_flow_against_the_documented_answers():
    fake = FakeBili()
    fake.on(REFRESH, Canned(json.loads(ex.COOKIE_REFRESH), set_cookies=NEW_COOKIES))
    fake.on(CONFIRM, Canned(json.loads(ex.CONFIRM_REFRESH)))
    correspond_route(fake, Canned(PAGE))
    creds = make(fake).refresh(USER, "old-token")

    assert creds.refresh_token == "ae1bd1149b56af9743ffe7bbbeff3e51"
    assert creds.cookies["SESSDATA"] == "new%2Csess" and creds.cookies["bili_jct"] == "newjct"
    assert creds.cookies["buvid3"] == USER["buvid3"]  # device ids survive
    page, refresh, confirm = fake.sent
    assert len(page.path.rsplit("/", 1)[1]) == 256
    assert refresh.form == {
        "csrf": "jct-secret",
        "refresh_csrf": "b0cc8411ded2f9db2cff2edb3123acac",
        "source": "main_web",
        "refresh_token": "old-token",
    }
    assert "SESSDATA=sess%2Cvalue" in refresh.headers["Cookie"]
    # Confirm: new cookies, new csrf, the OLD refresh_token.
    assert confirm.form == {"csrf": "newjct", "refresh_token": "old-token"}
    assert "SESSDATA=new%2Csess" in confirm.headers["Cookie"]


@pytest.mark.parametrize("step", ["no_token", "refresh", "confirm"])
def test_not_logged_in_at_any_step(step):
    fake = FakeBili()
    fake.on(
        REFRESH,
        err(-101)
        if step == "refresh"
        else Canned(json.loads(ex.COOKIE_REFRESH), set_cookies=NEW_COOKIES),
    )
    fake.on(CONFIRM, err(-101) if step == "confirm" else ok())
    correspond_route(fake, Canned(PAGE))
    if step == "no_token":
        with pytest.raises(errors.NotLoggedIn):
            make(fake).refresh(USER, "")
        return
    with pytest.raises(errors.NotLoggedIn):
        make(fake).refresh(USER, "old-token")


def test_refresh_errors():
    fake = FakeBili().on(REFRESH, err(86095))
    correspond_route(fake, Canned(PAGE))
    with pytest.raises(errors.BadRequest) as caught:
        make(fake).refresh(USER, "old-token")
    assert caught.value.code == 86095
    assert [s.path for s in fake.sent].count(REFRESH) == 1  # POSTs are never re-sent

    fake = FakeBili()
    correspond_route(fake, Canned("<html>404</html>", status=404))
    with pytest.raises(errors.BadRequest):
        make(fake).refresh(USER, "old-token")

    fake = FakeBili().on(REFRESH, Canned(json.loads(ex.COOKIE_REFRESH)))  # no Set-Cookie
    correspond_route(fake, Canned(PAGE))
    with pytest.raises(errors.BadRequest):
        make(fake).refresh(USER, "old-token")


def test_a_failed_confirm_keeps_the_new_session():
    fake = FakeBili()
    fake.on(REFRESH, Canned(json.loads(ex.COOKIE_REFRESH), set_cookies=NEW_COOKIES))
    fake.on(CONFIRM, err(-400))
    correspond_route(fake, Canned(PAGE))
    creds = make(fake).refresh(USER, "old-token")
    assert creds.cookies["bili_jct"] == "newjct"


def test_refresh_goes_through_the_gate():
    fake = FakeBili().on(INFO, err(-412))
    gate = RecordingGate()
    with pytest.raises(errors.Intercepted):
        make(fake, gate).needs_refresh(USER)
    assert gate.before == [293793435] and gate.intercepted == 1


def test_errors_and_logs_hold_no_secrets(caplog):
    fake = FakeBili()
    fake.on(REFRESH, Canned(json.loads(ex.COOKIE_REFRESH), set_cookies=NEW_COOKIES))
    fake.on(CONFIRM, err(-111))
    correspond_route(fake, Canned(PAGE))
    with caplog.at_level("DEBUG"):
        creds = make(fake).refresh(USER, "old-token")
    secrets = [
        *USER.values(),
        "old-token",
        "b0cc8411ded2f9db2cff2edb3123acac",
        creds.refresh_token,
        *creds.cookies.values(),
    ]
    for secret in secrets:
        if secret not in ("293793435",):
            assert secret not in caplog.text
    assert "old-token" not in repr(creds) and "newjct" not in repr(creds)


# --- against the simulator ------------------------------------------------------------------


def test_refresh_round_trip_with_the_simulator(simulator_url, sim):
    transport_ = sim_transport(simulator_url)
    login = LoginClient(transport_)
    creds = sim_login(transport_, sim)
    assert creds.cookies.get("buvid3")
    refresher = CookieRefresher(transport_, retry=fast_retry())
    assert refresher.needs_refresh(creds.cookies) is False
    assert sim("POST", "/session/needs_refresh", json={"mid": creds.mid}).ok
    assert refresher.needs_refresh(creds.cookies) is True

    new = refresher.refresh(creds.cookies, creds.refresh_token)
    assert new.refresh_token and new.refresh_token != creds.refresh_token
    assert new.cookies["SESSDATA"] != creds.cookies["SESSDATA"]
    assert new.mid == creds.mid
    assert login.account(new).mid == creds.mid
    assert refresher.needs_refresh(new.cookies) is False
    # Confirm killed the old session.
    with pytest.raises(errors.NotLoggedIn):
        login.account(creds)
    with pytest.raises(errors.NotLoggedIn):
        refresher.needs_refresh(creds.cookies)


def test_refresh_of_an_expired_session_with_the_simulator(simulator_url, sim):
    transport_ = sim_transport(simulator_url)
    creds = sim_login(transport_, sim)
    assert sim("POST", "/session/expire", json={"mid": creds.mid}).ok
    refresher = CookieRefresher(transport_, retry=fast_retry())
    with pytest.raises(errors.NotLoggedIn):
        refresher.needs_refresh(creds.cookies)


def test_the_new_login_is_handed_over_before_confirm_is_sent():
    """The old refresh_token is spent once cookie/refresh answers: the caller gets the new
    login then, so a crash (or a -101) at confirm/refresh cannot lose it."""
    fake = FakeBili()
    fake.on(REFRESH, Canned(json.loads(ex.COOKIE_REFRESH), set_cookies=NEW_COOKIES))
    fake.on(CONFIRM, err(-101))
    correspond_route(fake, Canned(PAGE))
    handed: list[tuple[int, str]] = []
    with pytest.raises(errors.NotLoggedIn):
        make(fake).refresh(USER, "old-token",
                           on_refreshed=lambda c: handed.append((len(fake.sent),
                                                                 c.refresh_token)))
    assert handed == [(2, "ae1bd1149b56af9743ffe7bbbeff3e51")]  # page, refresh; no confirm
    assert len(fake.sent) == 3
