"""Demo mode only (BILIREC_DEMO=1): 模拟扫码 against the bundled simulator's control API."""

from __future__ import annotations

import re

import requests
from flask import Blueprint, jsonify, request

from web.context import web_context
from web.errors import ApiError

bp = Blueprint("demo", __name__)

_KEY = re.compile(r"[0-9A-Za-z]{1,64}")


def _simulator(method: str, path: str, **kwargs) -> requests.Response:
    base = web_context().settings.passport_base
    try:
        return requests.request(method, f"{base}/_sim{path}", timeout=5, **kwargs)
    except requests.RequestException:
        raise ApiError(502, "模拟器无法访问") from None


@bp.get("/api/demo/users")
def users():
    resp = _simulator("GET", "/users")
    if resp.status_code != 200:
        raise ApiError(502, "模拟器没有返回用户列表")
    return jsonify(users=resp.json())


@bp.post("/api/demo/scan")
def scan():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not _KEY.fullmatch(str(body.get("qrcode_key", ""))):
        raise ApiError(400, "需要 qrcode_key")
    payload = {"qrcode_key": body["qrcode_key"]}
    if body.get("mid") is not None:
        if not isinstance(body["mid"], int):
            raise ApiError(400, "mid 必须是数字")
        payload["mid"] = body["mid"]
    resp = _simulator("POST", "/qr/login", json=payload)
    if resp.status_code == 404:
        raise ApiError(404, "二维码已过期，请刷新")
    if resp.status_code != 200:
        raise ApiError(502, "模拟扫码失败")
    return "", 204
