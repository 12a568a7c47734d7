"""Logging a simulated user in over real HTTP, for the client's integration tests."""

from __future__ import annotations

from collections.abc import Callable

import requests

from bilibili.http import Hosts, Transport
from bilibili.login import Credentials, LoginClient, PollState


def sim_transport(simulator_url: str) -> Transport:
    return Transport(Hosts(simulator_url, simulator_url, simulator_url), timeout_s=3)


def sim_login(
    transport: Transport, sim: Callable[..., requests.Response], mid: int | None = None
) -> Credentials:
    """QR login as ``mid`` (default: the first simulated user), device ids included."""
    login = LoginClient(transport)
    device = login.device_ids()
    qr = login.generate(device)
    body = {"qrcode_key": qr.qrcode_key} | ({"mid": mid} if mid else {})
    assert sim("POST", "/qr/login", json=body).ok
    result = login.poll(qr.qrcode_key, device)
    assert result.state is PollState.SUCCESS and result.credentials is not None
    return result.credentials
