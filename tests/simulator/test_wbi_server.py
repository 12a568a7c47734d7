"""WBI helpers against the doc's vectors, log redaction, and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from simulator import wbi
from simulator.server import redact

ROOT = Path(__file__).resolve().parents[2]
KEYS = wbi.WbiKeys()


@pytest.mark.parametrize(("params", "expected"), [
    ({"foo": "114", "bar": "514", "zab": 1919810, "wts": 1702204169},
     "8f6f2b5b3d485fe1886cec6a0be8c5d4"),
    ({"foo": "one one four", "bar": "五一四", "baz": 1919810, "wts": 1702204169},
     "04e50b58980e3e3cee8cbc0cc4c1c530"),
    ({"bvid": "BV1xx411c7mD", "wts": 1700000000}, "a6c559afe0db97d811712e2602ea9774"),
    ({"pn": 1, "ps": 20, "wts": 1700000000}, "2c413c8166fb6bbdadf5e2d7b742680c"),
])
def test_wbi_vectors(params: dict, expected: str) -> None:
    assert wbi.mixin_key(KEYS.img_key, KEYS.sub_key) == "ea1db124af3c7062474693fa704f4ff8"
    assert wbi.w_rid(params, KEYS) == expected
    args = {k: str(v) for k, v in params.items()} | {"w_rid": expected}
    assert wbi.verify(args, KEYS)
    assert not wbi.verify(args | {"w_rid": "0" * 32}, KEYS)


def test_redaction() -> None:
    line = '"POST /x/passport-login/web/cookie/refresh?csrf=abc&refresh_token=def&x=1 HTTP/1.1"'
    assert redact(line) == (
        '"POST /x/passport-login/web/cookie/refresh?csrf=***&refresh_token=***&x=1 HTTP/1.1"')
    assert redact("GET /poll?qrcode_key=abc") == "GET /poll?qrcode_key=abc"


def test_cli_prints_url_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--host", "127.0.0.1", "--port", "0", "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("simulator listening on http://127.0.0.1:")
        url = line.removeprefix("simulator listening on ")
        http = requests.Session()
        http.trust_env = False
        assert http.get(f"{url}/x/web-interface/nav", timeout=5).json()["code"] == -101
    finally:
        proc.terminate()
        proc.wait(5)
