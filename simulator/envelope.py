"""Response envelopes and the real error messages (bilibili-api.md §0, §13.1).

Every simulated JSON answer goes through :func:`json_response`, so the wire
format is uniform: compact JSON, raw UTF-8 Chinese, and Go-style HTML escaping
(bilibili's backend is Go; ``encoding/json`` escapes ``&``, ``<``, ``>`` as
``\\u0026`` etc., which is why the real QR ``data.url`` shows ``\\u0026``).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response

JSON_MIMETYPE = "application/json; charset=utf-8"

# Real messages (§13.1 "typical message" column; upstream errcode.md for the
# extra common ones). The endpoint-specific codes without a documented message
# carry upstream's description text (unverified as the literal wire message).
MESSAGES: dict[int, str] = {
    0: "0",
    -101: "账号未登录",
    -102: "账号被封停",
    -104: "硬币不足",
    -111: "csrf 校验失败",
    -352: "风控校验失败",
    -400: "请求错误",
    -401: "未认证 (或非法请求)",
    -403: "访问权限不足",
    -404: "啥都木有",
    -405: "不支持该方法",
    -412: "请求被拦截",
    -500: "服务器错误",
    -503: "过载保护,服务暂不可用",
    -504: "服务调用超时",
    -509: "超出限制",
    -799: "请求过于频繁，请稍后再试",
    -8888: "对不起，服务器开小差了~ (ಥ﹏ಥ)",
    2202: "csrf 请求非法",
    11010: "您访问的内容不存在",
    20000: "该版本已不支持当前功能，请升级新版本！",
    22115: "用户已设置隐私，无法查看",  # text unverified (§13.1)
    53013: "用户隐私设置未公开",
    62002: "稿件不可见",
    62004: "稿件审核中",
    62012: "仅UP主自己可见",
    86038: "二维码已失效",
    90001: "稍后再看列表已满",  # texts of 90001/90003 unverified (§14.2)
    90003: "视频已失效",
    86090: "二维码已扫码未确认",
    86095: "refresh_csrf 错误或 refresh_token 与 cookie 不匹配",
    86101: "未扫码",
}


def message_for(code: int) -> str:
    """The real Chinese message for ``code``; unknown codes echo the number,
    as bilibili does for codes it has no text for."""
    return MESSAGES.get(code, str(code))


def dumps(obj: Any) -> str:
    """Serialise like Go's ``encoding/json`` with its default HTML escaping.

    ``&``, ``<`` and ``>`` can only occur inside JSON strings, so a textual
    replace after dumping is safe.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def json_response(obj: Any, status: int = 200) -> Response:
    """Any JSON body (use for the envelope exceptions: spi, logout, QR poll)."""
    return Response(dumps(obj), status=status, content_type=JSON_MIMETYPE)


def ok(data: Any = None, *, with_data: bool = True) -> Response:
    """Standard success envelope ``{code:0, message:"0", ttl:1, data}``.

    ``with_data=False`` omits ``data`` entirely (confirm/refresh answers
    ``{code, message, ttl}`` only).
    """
    body: dict[str, Any] = {"code": 0, "message": "0", "ttl": 1}
    if with_data:
        body["data"] = data
    return json_response(body)


def error_body(code: int, message: str | None = None, data: Any = None) -> dict[str, Any]:
    return {"code": code, "message": message or message_for(code), "ttl": 1, "data": data}


def error(
    code: int, message: str | None = None, *, data: Any = None, status: int = 200
) -> Response:
    """Error envelope ``{code, message, ttl:1, data}``; bilibili answers HTTP
    200 for application errors, so ``status`` stays 200 unless told."""
    return json_response(error_body(code, message, data), status=status)


def html_response(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def risk_control(voucher: str) -> Response:
    """``-352`` as the newer docs show it (§3.2): ``data.v_voucher`` plus the
    ``x-bili-gaia-vvoucher`` header. For signed endpoints of the world module."""
    response = error(-352, data={"v_voucher": voucher})
    response.headers["x-bili-gaia-vvoucher"] = voucher
    return response
