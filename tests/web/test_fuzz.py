"""Property-based fuzzing of every JSON API call of the web over real HTTP: whatever the
body, query, token, cookie or hostile header (overlong, unicode, wrong types, bad JSON,
huge bodies, another site's Origin, a forged Host), the answer is 2xx or 4xx JSON, never a
5xx; and an anonymous caller leaves no key in Redis (only asking for a QR code stores
anything for a visitor)."""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes, urlsplit

import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.web.helpers import log_in

# Every call of the API that exists here, with the query parameters it reads.
CALLS = [
    ("POST", "/api/login/qrcode"),
    ("GET", "/api/login/poll"),
    ("GET", "/api/session"),
    ("GET", "/api/status"),
    ("GET", "/api/picks"),
    ("POST", "/api/refresh"),
    ("POST", "/api/feedback"),
    ("GET", "/api/profile"),
    ("POST", "/api/logout"),
    ("GET", "/healthz"),
    ("GET", "/api/settings"),
    ("POST", "/api/settings"),
    ("POST", "/api/push/test"),
    ("POST", "/api/toview/undo"),
    ("GET", "/api/demo/users"),
    ("POST", "/api/demo/scan"),
    ("GET", "/api/days"),
    ("POST", "/api/feed/rotate"),
    ("GET", "/feed/not-a-token.atom"),
]
# The calls that may store something for a visitor without a session.
STORES_FOR_ANONYMOUS = {("POST", "/api/login/qrcode")}
PARAMS = ["qrcode_key", "date", "mid", "kind", "bvid"]

FUZZ = settings(max_examples=50, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=300)
           | st.sampled_from(["like", "dislike", "click", "clear", "BV1xx411c7mD",
                              "BV1" + "键" * 9, "2026-11-30", "9999-99-99", "a" * 32]))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
        st.sampled_from(["bvid", "kind", "qrcode_key", "mid", "toview", "push"]) | st.text(),
        inner, max_size=5),
    max_leaves=20,
)
bodies = st.one_of(
    json_values.map(lambda v: ("application/json", v)),
    st.binary(max_size=500).map(lambda b: ("application/json", b)),
    st.binary(max_size=200).map(lambda b: ("text/plain", b)),
    st.integers(min_value=60, max_value=200).map(lambda k: ("application/json", b"[" * k * 1024)),
    st.just((None, None)),
)
query_values = st.text(max_size=100) | st.binary(max_size=40) | st.sampled_from(
    ["2026-11-30", "a" * 64, "a" * 65, "2026-02-30", "0000-00-00", "%", "\x00"])
queries = st.dictionaries(st.sampled_from(PARAMS) | st.text(max_size=20), query_values,
                          max_size=4)
def _parses_as_host(value: str) -> bool:
    try:
        urlsplit(f"http://{value}/")
    except ValueError:
        return False
    return True


# requests refuses to send a header value with leading whitespace: strip it here.
tokens = st.sampled_from(["valid", "missing"]) | st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=100).map(str.lstrip)
latin1 = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255),
                 max_size=200).map(str.lstrip)
hostile = st.fixed_dictionaries({}, optional={
    "Origin": st.sampled_from(["http://evil.example", "null", "", "http://127.0.0.1",
                               "https://127.0.0.1:1", "javascript:alert(1)"]) | latin1,
    "Sec-Fetch-Site": st.sampled_from(["cross-site", "same-site", "same-origin", "none"])
    | latin1,
    # Only what requests itself can parse: it reads Host to match cookies.
    "Host": (st.sampled_from(["evil.example", "127.0.0.1:1", "[::1]", "a" * 300, "",
                              "[::1]@evil.example", "localhost:99999"]) | latin1
             ).filter(_parses_as_host),
    "Cookie": st.sampled_from(["bilirec_session=" + "a" * 43, "bilirec_session=",
                               "bilirec_session=\"x\"", "a=b; bilirec_session=é"]) | latin1,
    "X-Forwarded-For": latin1,
})


def _query(params: dict) -> str:
    parts = []
    for key, value in params.items():
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        parts.append(quote(key.encode("utf-8", "surrogatepass")) + "=" + quote_from_bytes(raw))
    return "?" + "&".join(parts) if parts else ""


def _assert_json_not_5xx(resp: requests.Response, what: str) -> None:
    assert resp.status_code < 500, f"{what}: {resp.status_code} {resp.text[:300]}"
    if resp.status_code != 204:
        assert resp.headers["Content-Type"].startswith("application/json"), what
        resp.json()


def test_every_call_answers_2xx_or_4xx_json(web, sim, store):
    http, session = log_in(web.url, sim)
    state = {"session": session}

    @FUZZ
    @given(call=st.sampled_from(CALLS), params=queries, body=bodies, token=tokens,
           logged_in=st.booleans(), extra=hostile)
    # Two 500s this test found: a non-ASCII CSRF token, and JSON nested past the parser's
    # recursion limit while still under the 64 KiB body limit.
    @example(call=("POST", "/api/refresh"), params={}, body=(None, None), token="\x80",
             logged_in=True, extra={})
    @example(call=("POST", "/api/feedback"), params={},
             body=("application/json", b"[" * 60 * 1024), token="valid", logged_in=True,
             extra={})
    @example(call=("GET", "/api/session"), params={}, body=(None, None), token="missing",
             logged_in=False, extra={})
    @example(call=("GET", "/api/login/poll"), params={"qrcode_key": "a" * 32},
             body=(None, None), token="missing", logged_in=False, extra={})
    @example(call=("POST", "/api/login/qrcode"), params={}, body=(None, None),
             token="missing", logged_in=False, extra={"Origin": "null"})
    def check(call, params, body, token, logged_in, extra):
        method, path = call
        client = http if logged_in else requests.Session()
        # A Cookie header of the logged-in client's own would override its session.
        headers = {k: v for k, v in extra.items() if not (logged_in and k == "Cookie")}
        if token == "valid":
            token = state["session"]["csrf_token"]
            if path == "/api/logout":
                token = "not-" + token  # stay logged in for the examples that follow
        if token != "missing":
            headers["X-CSRF-Token"] = token
        kind, payload = body
        data = None
        if kind is not None:
            headers["Content-Type"] = kind
            data = payload if isinstance(payload, bytes) else _json_bytes(payload)
        anonymous = not logged_in and call not in STORES_FOR_ANONYMOUS
        before = set(store.redis.scan_iter()) if anonymous else set()
        resp = client.request(method, f"{web.url}{path}{_query(params)}", data=data,
                              headers=headers, timeout=20)
        what = f"{method} {path}{_query(params)} {extra}"
        _assert_json_not_5xx(resp, what)
        if anonymous:
            left = set(store.redis.scan_iter()) - before
            assert not left, f"{what} left {left}"

    check()
    assert http.get(f"{web.url}/api/session", timeout=10).json()["logged_in"] is True


def _json_bytes(value) -> bytes:  # any JSON value
    import json

    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


def test_garbage_cookies_and_paths_answer_json(web):
    @FUZZ
    @given(cookie=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                                 exclude_characters=";,"), max_size=300),
           suffix=st.text(max_size=50), method=st.sampled_from(["GET", "POST", "PUT"]))
    def check(cookie, suffix, method):
        headers = {"Cookie": f"bilirec_session={cookie}"}
        resp = requests.request(method, f"{web.url}/api/session", headers=headers, timeout=20)
        _assert_json_not_5xx(resp, f"{method} /api/session cookie={cookie!r}")
        path = "/api/" + quote(suffix.encode("utf-8", "surrogatepass"))
        resp = requests.request(method, f"{web.url}{path}", headers=headers, timeout=20)
        _assert_json_not_5xx(resp, f"{method} {path}")

    check()
