"""Video covers on the simulator's own origin, like bilibili's image host
(``i0.hdslb.com/bfs/archive/<hash>.jpg``): the same path, an optional size suffix
(``@320w_200h_1c.webp``), a small generated picture, and 403 when the ``Referer`` names
another site, as the real host does. Full-size fetches show in the counters' ``by_path``
as paths without ``@``."""

from __future__ import annotations

import functools
import re
import struct
import zlib
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, has_request_context, request

bp = Blueprint("sim_covers", __name__)

ARCHIVE = "http://i0.hdslb.com/bfs/archive/"
FULL_SIZE = (640, 400)
MAX_SIDE = 1280
_NAME = re.compile(
    r"([0-9a-f]{40})\.jpg(?:@(\d{1,4})w_(\d{1,4})h(?:_1c)?(?:_1s)?\.(?:webp|jpg|png|avif))?"
)


def cover_url(pic: str) -> str:
    """A catalogue cover as this simulator serves it: same path, on its public origin
    (else the origin asked)."""
    if has_request_context() and pic.startswith(ARCHIVE):
        base = current_app.config.get("SIM_PUBLIC_URL") or f"http://{request.host}"
        return f"{base}/bfs/archive/{pic[len(ARCHIVE):]}"
    return pic


@bp.get("/bfs/archive/<name>")
def cover(name: str) -> Response:
    match = _NAME.fullmatch(name)
    if match is None:
        return Response("not found", status=404, mimetype="text/plain")
    referer = request.headers.get("Referer")
    public = urlsplit(current_app.config.get("SIM_PUBLIC_URL", "")).netloc
    if referer and urlsplit(referer).netloc not in {request.host, public or request.host}:
        return Response("403 Forbidden", status=403, mimetype="text/plain")
    size = (int(match[2]), int(match[3])) if match[2] else FULL_SIZE
    if not all(0 < side <= MAX_SIDE for side in size):
        return Response("bad size", status=400, mimetype="text/plain")
    resp = Response(_picture(match[1], *size), mimetype="image/png")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp


@functools.lru_cache(maxsize=512)
def _picture(digest: str, width: int, height: int) -> bytes:
    """A PNG with a vertical gradient between two colours taken from the hash."""
    top, bottom = bytes.fromhex(digest[:6]), bytes.fromhex(digest[6:12])
    rows = bytearray()
    for y in range(height):
        t = y / max(height - 1, 1)
        pixel = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        rows += b"\x00" + pixel * width
    return _png(width, height, zlib.compress(bytes(rows), 6))


def _png(width: int, height: int, data: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(
        b"IEND", b"")
