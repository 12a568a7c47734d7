"""The user's side of make compose-check, through the JSON API only (Python stdlib).

``login BASE JAR``: a QR login confirmed with the demo's 模拟扫码, then waits for the
first picks; prints ``login_to_first_picks_s``, the user and a digest of the picks.
``verify BASE JAR``: the same browser session (cookie jar) is still logged in as the
same user, with the same picks, or newer ones when a refresh that was under way when the
stack stopped has finished since (a first sync goes on backfilling older history).
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PICKS_TIMEOUT_S = 420


class Client:
    def __init__(self, base: str, jar_path: str) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.LWPCookieJar(jar_path)
        try:
            self.jar.load(ignore_discard=True)
        except FileNotFoundError:
            pass
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(
        self, method: str, path: str, body: dict | None = None, csrf: str = ""
    ) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.base}{path}", data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if csrf:
            req.add_header("X-CSRF-Token", csrf)
        try:
            with self.opener.open(req, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        self.jar.save(ignore_discard=True)
        return status, (json.loads(raw) if raw.strip() else {})

    def get(self, path: str) -> dict:
        status, payload = self.call("GET", path)
        if status != 200:
            raise SystemExit(f"compose-check: GET {path} answered {status}: {payload}")
        return payload


def picks_digest(picks: dict) -> str:
    bvids = [p["bvid"] for p in picks["hot"]] + ["|"] + [p["bvid"] for p in picks["explore"]]
    return hashlib.sha1(" ".join(bvids).encode()).hexdigest()[:12]


def login(client: Client) -> None:
    csrf = client.get("/api/session")["csrf_token"]
    status, qr = client.call("POST", "/api/login/qrcode", {}, csrf)
    if status != 200:
        raise SystemExit(f"compose-check: POST /api/login/qrcode answered {status}: {qr}")
    started = time.monotonic()
    status, answer = client.call("POST", "/api/demo/scan", {"qrcode_key": qr["qrcode_key"]}, csrf)
    if status != 204:
        raise SystemExit(f"compose-check: 模拟扫码 answered {status}: {answer}")
    for _ in range(60):
        if client.get(f"/api/login/poll?qrcode_key={qr['qrcode_key']}")["status"] == "success":
            break
        time.sleep(1)
    else:
        raise SystemExit("compose-check: the QR login never succeeded")
    session = client.get("/api/session")
    if not session["logged_in"]:
        raise SystemExit(f"compose-check: not logged in after the QR login: {session}")
    deadline = started + PICKS_TIMEOUT_S
    while True:
        status, picks = client.call("GET", "/api/picks")
        if status == 200 and picks["hot"] and picks["explore"]:
            break
        state = client.get("/api/status")
        if state["state"] in ("error", "login_expired") or time.monotonic() > deadline:
            raise SystemExit(f"compose-check: no picks ({status}); status {state}")
        time.sleep(2)
    print(f"login_to_first_picks_s: {time.monotonic() - started:.1f}")
    report(session, picks)
    Path(f"{client.jar.filename}.before").write_text(
        json.dumps({"mid": session["mid"], "picks": picks}), encoding="utf-8"
    )


def verify(client: Client) -> None:
    before = json.loads(Path(f"{client.jar.filename}.before").read_text(encoding="utf-8"))
    session = client.get("/api/session")
    if not session["logged_in"] or session["mid"] != before["mid"]:
        raise SystemExit(f"compose-check: the session did not survive the restart: {session}")
    # The stored bilibili login must still work: the sync worker uses it at once.
    for _ in range(5):
        state = client.get("/api/status")["state"]
        if state in ("login_expired", "error"):
            raise SystemExit(f"compose-check: after the restart the status is {state}")
        if state == "ready":
            break
        time.sleep(2)
    picks, old = client.get("/api/picks"), before["picks"]
    report(session, picks)
    if picks["generated_at"] == old["generated_at"]:
        if picks != old:
            raise SystemExit("compose-check: the picks changed across the restart")
        print("picks: the same as before the restart")
    elif picks["generated_at"] > old["generated_at"] and picks["hot"] and picks["explore"]:
        print(f"picks: refreshed since {old['generated_at']} (a refresh under way went on)")
    else:
        raise SystemExit(f"compose-check: the picks went back to {picks['generated_at']}")


def report(session: dict, picks: dict) -> None:
    print(f"mid: {session['mid']}")
    print(f"picks: {len(picks['hot'])} hot + {len(picks['explore'])} explore, "
          f"generated_at {picks['generated_at']}, digest {picks_digest(picks)}")


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in ("login", "verify"):
        raise SystemExit("usage: compose_check_api.py login|verify BASE_URL COOKIE_JAR")
    client = Client(argv[2], argv[3])
    (login if argv[1] == "login" else verify)(client)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
