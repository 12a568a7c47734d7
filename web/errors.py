"""Every error the web answers is JSON ``{"error": "..."}`` with a fitting status."""

from __future__ import annotations

import logging

import redis
from flask import Flask, jsonify
from kombu.exceptions import OperationalError as BrokerError
from werkzeug.exceptions import HTTPException

from store.codec import StoredValueError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than success. ``reason`` is a machine-readable word next to the
    message (docs/api.md: 403 ``not_allowed``); ``retry_after`` (seconds) becomes the
    ``Retry-After`` header of a 429 or 503."""

    def __init__(self, status: int, message: str, *, reason: str | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.retry_after = retry_after


_HTTP_MESSAGES = {
    400: "请求格式错误",
    404: "没有这个地址",
    405: "不支持这个请求方法",
    413: "请求体超过 64 KiB",
}


def install(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api(exc: ApiError):
        body = {"error": exc.message}
        if exc.reason:
            body["reason"] = exc.reason
        resp = jsonify(body)
        resp.status_code = exc.status
        if exc.retry_after is not None:
            resp.headers["Retry-After"] = str(max(1, int(exc.retry_after)))
        return resp

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        return jsonify(error=_HTTP_MESSAGES.get(status, exc.name)), status

    @app.errorhandler(redis.RedisError)
    def _redis(exc: redis.RedisError):
        log.warning("redis unavailable: %s", type(exc).__name__)
        return jsonify(error="存储服务（Redis）暂时不可用，请稍后再试"), 503

    @app.errorhandler(BrokerError)
    def _broker(exc: BrokerError):
        # Celery's broker is our Redis too; a send that failed queued nothing.
        log.warning("task queue unavailable: %s", type(exc).__name__)
        return jsonify(error="任务队列暂时不可用，请稍后再试"), 503

    @app.errorhandler(StoredValueError)
    def _stored(exc: StoredValueError):
        # A stored value this release cannot read (garbage, or written by a newer one):
        # the data is there but unusable now, which is not the client's fault.
        log.warning("unreadable stored value: %s", type(exc).__name__)
        return jsonify(error="存储的数据暂时无法读取，请稍后再试"), 503

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # Log the type only: an exception from the login path may hold credentials.
        log.error("unhandled %s", type(exc).__name__)
        return jsonify(error="服务器内部错误"), 500
