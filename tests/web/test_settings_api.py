"""/api/settings, /api/push/test and /api/toview/undo over real HTTP: defaults, validation
(400 and nothing changed), masking, removal, CSRF, and tasks queued by name carrying a mid,
never the URL."""

from __future__ import annotations

import pytest

from tests.web.helpers import log_in, redis_values

SECRET_URL = "https://api.day.app/plaintextBarkKey0123456/"


def csrf(session: dict) -> dict[str, str]:
    return {"X-CSRF-Token": session["csrf_token"]}


def post(web, http, session, body, path="/api/settings"):
    return http.post(f"{web.url}{path}", json=body, headers=csrf(session), timeout=10)


def queued(redis_client) -> list[bytes]:
    return [v for key in redis_client.scan_iter() for v in redis_values(redis_client, key)
            if b"bilirec." in v]


def test_defaults_then_changes(web, sim):
    http, session = log_in(web.url, sim)
    got = http.get(f"{web.url}/api/settings", timeout=10).json()
    assert got["toview"] | {"items": []} == {"enabled": False, "count": 10, "added": 0,
                                             "added_at": None, "error": None, "items": []}
    assert got["push"]["kind"] is None and got["push"]["target"] is None
    assert got["feed_url"].startswith(f"{web.url}/feed/")

    resp = post(web, http, session, {"toview": {"enabled": True}})
    assert resp.status_code == 200
    assert resp.json()["toview"]["enabled"] is True and resp.json()["toview"]["count"] == 10
    resp = post(web, http, session, {"toview": {"count": 30}, "push": {
        "kind": "bark", "url": SECRET_URL}})
    body = resp.json()
    assert resp.status_code == 200 and body["toview"] == {**body["toview"], "enabled": True,
                                                          "count": 30}
    assert body["push"]["kind"] == "bark"
    assert body["push"]["target"].startswith("https://api.day.app/")
    assert "plaintextBarkKey" not in resp.text
    again = http.get(f"{web.url}/api/settings", timeout=10)
    assert again.json()["push"] == body["push"] and "plaintext" not in again.text
    # An empty subset changes nothing; kind alone keeps the URL; null removes the target.
    assert post(web, http, session, {}).json() == body
    assert post(web, http, session, {"toview": {}, "push": {}}).json() == body
    assert post(web, http, session, {"push": {"kind": "json"}}).json()["push"]["kind"] == "json"
    assert post(web, http, session, {"push": None}).json()["push"] == {
        "kind": None, "target": None, "last": None}


@pytest.mark.parametrize("body", [
    {"toview": {"count": 0}}, {"toview": {"count": 31}}, {"toview": {"count": "5"}},
    {"toview": {"count": True}}, {"toview": {"count": 2.5}}, {"toview": {"enabled": "yes"}},
    {"toview": {"other": 1}}, {"toview": []}, {"push": {"kind": "json", "url": "ftp://x.org/a"}},
    {"push": {"kind": "json", "url": "javascript:alert(1)"}},
    {"push": {"kind": "json", "url": "https:///nohost"}},
    {"push": {"kind": "json", "url": "https://a.org/ b"}},
    {"push": {"kind": "json", "url": "https://a.org/" + "a" * 3000}},
    {"push": {"kind": "wechat", "url": "https://a.org/x"}},
    {"push": {"kind": "ntfy", "url": "https://ntfy.sh/"}},
    {"push": {"kind": "serverchan", "url": "https://sctapi.ftqq.com/KEY"}},
    {"push": {"kind": "pushplus", "url": "https://www.pushplus.plus/send"}},
    {"push": {"url": "https://a.org/x"}},  # no kind and no target yet
    {"push": "https://a.org/x"}, {"push": {}}, {"other": 1}, [], "x",
])
def test_bad_values_are_400_and_change_nothing(web, sim, body):
    http, session = log_in(web.url, sim)
    before = http.get(f"{web.url}/api/settings", timeout=10).json()
    resp = post(web, http, session, body)
    assert resp.status_code == 400 and resp.json()["error"], body
    assert http.get(f"{web.url}/api/settings", timeout=10).json() == before


def test_a_bad_part_leaves_the_good_part_unwritten(web, sim):
    http, session = log_in(web.url, sim)
    resp = post(web, http, session, {"toview": {"enabled": True},
                                     "push": {"kind": "json", "url": "ftp://x"}})
    assert resp.status_code == 400
    assert http.get(f"{web.url}/api/settings", timeout=10).json()["toview"]["enabled"] is False


def test_push_test_and_undo_queue_tasks_by_name_without_the_url(web, sim, redis_client):
    http, session = log_in(web.url, sim)
    assert post(web, http, session, {}, "/api/push/test").status_code == 409
    assert post(web, http, session, {"push": {"kind": "ntfy", "url": SECRET_URL}}).ok
    resp = post(web, http, session, {}, "/api/push/test")
    assert resp.status_code == 202
    messages = queued(redis_client)
    assert any(b"bilirec.push_test" in m for m in messages)
    assert not any(b"plaintextBarkKey" in m for m in messages)
    # On the push queue, which only the push worker consumes: never where a refresh waits.
    assert any(b"bilirec.push_test" in m for m in redis_values(redis_client, b"push"))
    assert not any(b"bilirec.push_test" in m for q in (b"sync", b"sync_first")
                   for m in redis_values(redis_client, q))
    assert post(web, http, session, {}, "/api/toview/undo").status_code == 202


def test_push_tests_are_limited_to_three_a_minute(web, sim, redis_client):
    http, session = log_in(web.url, sim)
    assert post(web, http, session, {"push": {"kind": "ntfy", "url": SECRET_URL}}).ok
    answers = [post(web, http, session, {}, "/api/push/test") for _ in range(4)]
    if answers[-1].status_code == 202:  # the minute turned meanwhile: one more try
        answers.append(post(web, http, session, {}, "/api/push/test"))
    assert [a.status_code for a in answers[:3]] == [202, 202, 202]
    assert answers[-1].status_code == 429 and answers[-1].json()["error"]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert len([m for m in redis_values(redis_client, b"push")
                if b"bilirec.push_test" in m]) == len(answers) - 1


@pytest.mark.parametrize("url,why", [
    ("http://127.0.0.1:8345/hook", "本机"), ("http://10.0.0.1/hook", "内网"),
    ("http://169.254.169.254/latest/meta-data/", "链路本地"),
    ("http://[::ffff:127.0.0.1]/hook", "本机"), ("http://localhost:6379/hook", "本机"),
    ("http://0.0.0.0:6379/hook", "未指定"), ("http://[ff02::1]/hook", "组播"),
])
def test_push_urls_naming_this_host_or_its_network_are_400(web, sim, url, why):
    http, session = log_in(web.url, sim)
    resp = post(web, http, session, {"push": {"kind": "json", "url": url}})
    assert resp.status_code == 400 and why in resp.json()["error"], resp.text
    assert http.get(f"{web.url}/api/settings", timeout=10).json()["push"]["kind"] is None


def test_allow_private_admits_a_lan_target_but_never_link_local(web_factory, sim):
    web = web_factory(push_allow_private=True)
    http, session = log_in(web.url, sim)
    for url in ("http://127.0.0.1:8345/hook", "http://localhost/hook", "http://192.168.1.5/x"):
        assert post(web, http, session, {"push": {"kind": "json", "url": url}}).ok, url
    for url in ("http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/x",
                "http://[::ffff:169.254.169.254]/x", "http://224.0.0.1/x"):
        resp = post(web, http, session, {"push": {"kind": "json", "url": url}})
        assert resp.status_code == 400 and resp.json()["error"].startswith("推送地址不可用")


def test_the_masked_target_never_shows_user_and_password(web, sim):
    http, session = log_in(web.url, sim)
    url = "https://alice:hunter2pass@ntfy.example.org/private-topic"
    body = post(web, http, session, {"push": {"kind": "ntfy", "url": url}}).json()
    assert body["push"]["target"] == "https://ntfy.example.org/••••pic"
    assert "alice" not in str(body) and "hunter2" not in str(body)


def test_csrf_and_login_are_required(web, sim):
    http, session = log_in(web.url, sim)
    for path in ("/api/settings", "/api/push/test", "/api/toview/undo"):
        assert http.post(f"{web.url}{path}", json={}, timeout=10).status_code == 403
        anon = http.__class__()
        assert anon.post(f"{web.url}{path}", json={}, timeout=10).status_code == 401


def test_push_url_saves_are_limited(web, sim):
    """Each save looks the host name up (a web thread waits for DNS): 10 a minute."""
    http, session = log_in(web.url, sim)
    body = {"push": {"kind": "json", "url": "https://example.org/hook"}}
    answers = [post(web, http, session, body) for _ in range(11)]
    if answers[-1].status_code == 200:  # the minute turned meanwhile
        answers.append(post(web, http, session, body))
    assert all(a.status_code == 200 for a in answers[:10])
    assert answers[-1].status_code == 429 and int(answers[-1].headers["Retry-After"]) <= 60
    # Other settings are not limited by it.
    assert post(web, http, session, {"toview": {"enabled": True}}).status_code == 200
