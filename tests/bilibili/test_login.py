"""The login client against the simulator over real HTTP."""

import pytest

from bilibili import errors
from bilibili.http import Hosts, Transport
from bilibili.login import Credentials, LoginClient, PollState, poll_state


@pytest.mark.parametrize(
    ("code", "state"),
    [(86101, PollState.WAITING), (86090, PollState.SCANNED), (86038, PollState.EXPIRED),
     (0, PollState.SUCCESS)],
)
def test_poll_state_mapping(code, state):
    assert poll_state(code) is state


def test_unknown_poll_code_is_an_error():
    with pytest.raises(errors.BadRequest):
        poll_state(86039)


@pytest.fixture
def client(simulator_url) -> LoginClient:
    return LoginClient(Transport(Hosts(simulator_url, simulator_url, simulator_url), timeout_s=3))


def _login(client: LoginClient, sim, mid: int | None = None) -> Credentials:
    qr = client.generate()
    assert len(qr.qrcode_key) == 32
    assert client.poll(qr.qrcode_key).state is PollState.WAITING
    users = sim("GET", "/users").json()
    mid = mid or users[0]["mid"]
    assert sim("POST", "/qr/scan", json={"qrcode_key": qr.qrcode_key, "mid": mid}).ok
    assert client.poll(qr.qrcode_key).state is PollState.SCANNED
    assert sim("POST", "/qr/confirm", json={"qrcode_key": qr.qrcode_key}).ok
    result = client.poll(qr.qrcode_key)
    assert result.state is PollState.SUCCESS
    return result.credentials


def test_full_qr_login_gives_cookies_and_account(client, sim):
    creds = _login(client, sim)
    for name in ("SESSDATA", "bili_jct", "DedeUserID", "DedeUserID__ckMd5", "sid"):
        assert creds.cookies.get(name), name
    assert creds.refresh_token
    account = client.account(creds)
    assert account.mid == creds.mid and account.uname


def test_credentials_never_show_in_repr(client, sim):
    creds = _login(client, sim)
    assert creds.cookies["SESSDATA"] not in repr(creds)


def test_device_ids(client):
    ids = client.device_ids()
    assert ids["buvid3"].endswith("infoc")


def test_logout_kills_the_session(client, sim):
    creds = _login(client, sim)
    client.logout(creds)
    with pytest.raises(errors.NotLoggedIn):
        client.account(creds)
    client.logout(creds)  # already dead: HTML answer, no error


def test_faults_become_typed_errors(client, sim):
    path = "/x/passport-login/web/qrcode/generate"
    sim("POST", "/fault", json={"path": path, "kind": "http", "status": 412, "count": 1})
    with pytest.raises(errors.Intercepted):
        client.generate()
    sim("POST", "/fault", json={"path": path, "kind": "garbled", "count": 1})
    with pytest.raises(errors.Transient):
        client.generate()
    sim("POST", "/fault", json={"path": path, "kind": "code", "code": -352, "count": 1})
    with pytest.raises(errors.RiskCheckFailed):
        client.generate()
    assert client.generate().qrcode_key


def test_timeouts_are_transient(simulator_url, sim):
    client = LoginClient(
        Transport(Hosts(simulator_url, simulator_url, simulator_url), timeout_s=0.3)
    )
    path = "/x/frontend/finger/spi"
    sim("POST", "/fault", json={"path": path, "kind": "slow", "seconds": 1.0, "count": 1})
    with pytest.raises(errors.Transient, match="timed out"):
        client.device_ids()


def test_unreachable_host_is_transient():
    client = LoginClient(Transport(Hosts("http://127.0.0.1:9", "http://127.0.0.1:9"), timeout_s=1))
    with pytest.raises(errors.Transient):
        client.generate()


