"""Every error the web answers is JSON ``{"error": "..."}`` with a fitting status."""

from __future__ import annotations

import logging

import redis
from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


_HTTP_MESSAGES = {
    400: "请求格式错误",
    404: "没有这个地址",
    405: "不支持这个请求方法",
    413: "请求体超过 64 KiB",
}


def install(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api(exc: ApiError):
        return jsonify(error=exc.message), exc.status

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        return jsonify(error=_HTTP_MESSAGES.get(status, exc.name)), status

    @app.errorhandler(redis.RedisError)
    def _redis(exc: redis.RedisError):
        log.warning("redis unavailable: %s", type(exc).__name__)
        return jsonify(error="存储服务（Redis）暂时不可用，请稍后再试"), 503

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Log the type only: an exception from the login path may hold credentials.
        log.error("unhandled %s", type(exc).__name__)
        return jsonify(error="服务器内部错误"), 500
