"""Where an HTTP/1.1 request ends, judged from the bytes received so far.

The web's worker (web/gunicorn_worker.py) buffers each request in its event loop and gives
it to a thread only once the thread will not have to wait for the client: the head and the
whole body are in, or the body is declared too large for the app to read (it answers 413
from the head alone). This module only finds that point; gunicorn's own parser still
parses and checks the request. Anything it cannot frame simply is handed over as soon as
the head is in, so gunicorn answers it (400) from the head without reading further.
"""

from __future__ import annotations

from dataclasses import dataclass

HEAD_END = b"\r\n\r\n"
# A chunk-size line (hex size and extensions) longer than this is not one we will wait for.
MAX_CHUNK_LINE = 1024


@dataclass(frozen=True)
class Verdict:
    """``ready``: hand the buffer to a thread. Else ``reject`` (a status to answer and
    close with) or, when both are unset, wait for more bytes. ``head_end`` is where the
    head ends (0 while it has not); ``expects_continue`` a body the client waits to send
    until told ``100 Continue``."""

    ready: bool = False
    reject: int = 0
    head_end: int = 0
    expects_continue: bool = False


WAIT = Verdict()
READY = Verdict(ready=True)


def judge(buf: bytes | bytearray, *, max_head: int, max_body: int) -> Verdict:
    """Whether ``buf`` holds a request a thread can serve without reading the socket."""
    head_end = buf.find(HEAD_END, 0, max_head + len(HEAD_END))
    if head_end < 0:
        return Verdict(reject=431) if len(buf) > max_head else WAIT
    head_end += len(HEAD_END)
    head = bytes(buf[:head_end])
    lower = head.lower()
    if b"content-length" not in lower and b"transfer-encoding" not in lower:
        return READY  # most requests (GET): no body, nothing to parse here
    fields = _fields(head)
    if fields is None:
        return READY  # gunicorn answers 400 from the head
    length, chunked, expects = fields
    if chunked:
        verdict = _chunked(buf, head_end, max_body)
    elif length is None or length > max_body:
        # No body, or one the app refuses unread (413): nothing to wait for.
        return READY
    else:
        verdict = READY if len(buf) >= head_end + length else WAIT
    if verdict.ready or verdict.reject:
        return verdict
    return Verdict(head_end=head_end, expects_continue=expects)


def _fields(head: bytes) -> tuple[int | None, bool, bool] | None:
    """Content-Length, whether the body is chunked, and whether the client expects a
    ``100 Continue``; None for framing gunicorn refuses anyway (two lengths, a length
    and a transfer coding, a length that is not a number, a coding other than chunked)."""
    lengths: list[bytes] = []
    codings: list[bytes] = []
    expects = False
    for line in head.split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            continue
        name = name.strip().lower()
        value = value.strip()
        if name == b"content-length":
            lengths.append(value)
        elif name == b"transfer-encoding":
            codings += [c.strip().lower() for c in value.split(b",")]
        elif name == b"expect":
            expects = value.lower() == b"100-continue"
    if codings:
        if lengths or codings[-1] != b"chunked":
            return None
        return None, True, expects
    if not lengths:
        return None, False, False
    if len(lengths) > 1 or not lengths[0].isdigit():
        return None
    return int(lengths[0]), False, expects


def _chunked(buf: bytes | bytearray, pos: int, max_body: int) -> Verdict:
    """READY once the last chunk and the trailers are in; 413 past ``max_body`` decoded
    bytes (or four times that on the wire: tiny chunks), 400 for a malformed size line."""
    if len(buf) - pos > 4 * max_body:
        return Verdict(reject=413)
    decoded = 0
    while True:
        eol = buf.find(b"\r\n", pos, pos + MAX_CHUNK_LINE)
        if eol < 0:
            return Verdict(reject=400) if len(buf) - pos >= MAX_CHUNK_LINE else WAIT
        size_text = bytes(buf[pos:eol]).split(b";", 1)[0].strip()
        if not size_text or len(size_text) > 8 or size_text.strip(b"0123456789abcdefABCDEF"):
            return Verdict(reject=400)
        size = int(size_text, 16)
        pos = eol + 2
        if size == 0:
            return _trailers(buf, pos)
        decoded += size
        if decoded > max_body:
            return Verdict(reject=413)
        if len(buf) < pos + size + 2:
            return WAIT
        if buf[pos + size:pos + size + 2] != b"\r\n":
            return Verdict(reject=400)
        pos += size + 2


def _trailers(buf: bytes | bytearray, pos: int) -> Verdict:
    """After the last chunk: trailer lines up to an empty one."""
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return WAIT
        if eol == pos:
            return READY
        pos = eol + 2
