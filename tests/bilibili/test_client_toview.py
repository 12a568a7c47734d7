"""The watch-later client (§14) against the simulator over real HTTP: list, add, delete,
and the typed errors of a write (-111, -101, 90001, 90003), each write sent once."""

from collections.abc import Iterator

import pytest
import requests

from bilibili import errors
from bilibili.client import BiliClient
from bilibili.ids import bv_to_av
from simulator import SimState, create_app
from simulator.server import start_in_thread
from tests.bilibili.fakes import RecordingGate, fast_retry
from tests.bilibili.sim_helpers import sim_login, sim_transport

ADD = "/x/v2/history/toview/add"


@pytest.fixture
def private() -> Iterator[tuple[str, object]]:
    url, stop = start_in_thread(create_app(SimState(seed=3)))

    def control(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{url}/_sim{path}", timeout=5, **kwargs)

    yield url, control
    stop()


def test_list_add_delete_and_typed_errors(private):
    url, sim = private
    gate = RecordingGate()
    client = BiliClient(sim_transport(url), gate, retry=fast_retry())
    cookies = sim_login(sim_transport(url), sim, mid=10002).cookies

    own = client.toview(cookies)
    assert len(own) >= 3
    first = own[0]
    assert first.bvid.startswith("BV1") and first.aid and first.title and first.owner.mid
    assert first.add_at and first.progress == 0 and not first.gone
    assert [i.add_at for i in own] == sorted((i.add_at for i in own), reverse=True)

    future = sim("GET", "/truth/10002?k=30").json()["future"]
    listed = {i.bvid for i in own}
    new = next(b for b in future if b not in listed)
    aid = bv_to_av(new)
    client.toview_add(cookies, aid=aid)
    after = client.toview(cookies)
    assert after[0].bvid == new and len(after) == len(own) + 1
    client.toview_del(cookies, aids=[aid, own[0].aid])
    assert {i.bvid for i in client.toview(cookies)} == listed - {own[0].bvid}

    with pytest.raises(errors.NotFound) as gone:
        client.toview_add(cookies, aid=999_999_999_999)
    assert gone.value.code == 90003
    with pytest.raises(errors.CsrfMismatch) as csrf:
        client.toview_add({**cookies, "bili_jct": "0" * 32}, aid=aid)
    assert csrf.value.code == -111

    # A forced transient error on a write is not retried: one request, the error goes up.
    sim("POST", "/counters/reset")
    sim("POST", "/fault", json={"path": ADD, "kind": "code", "code": -500, "count": 1})
    with pytest.raises(errors.Transient):
        client.toview_add(cookies, aid=aid)
    assert sim("GET", "/counters").json()["by_path"][ADD] == 1
    sim("POST", "/fault", json={"path": ADD, "kind": "code", "code": -101, "count": 1})
    with pytest.raises(errors.NotLoggedIn):
        client.toview_add(cookies, aid=aid)

    assert sim("POST", "/user/10002/toview/fill", json={"size": 100}).ok
    with pytest.raises(errors.ListFull) as full:
        client.toview_add(cookies, aid=aid)
    assert full.value.code == 90001 and isinstance(full.value, errors.BadRequest)
    assert len(client.toview(cookies)) == 100
