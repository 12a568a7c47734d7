"""gunicorn's access log without the secret feed path: ``/feed/<token>.atom`` is a
credential (anyone holding it reads the user's picks), so the log says ``/feed/[redacted]``.

gunicorn reads this class through ``logger_class`` in web/gunicorn_conf.py.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from gunicorn.glogging import Logger

REDACTED = "/feed/[redacted]"
# After percent-decoding (as routing sees it), and however many slashes lead to it.
_FEED = re.compile(r"/+feed/[^?#\s]*", re.IGNORECASE)
_FIELDS = ("r", "U", "f", "{referer}i")


def redact(text: str) -> str:
    """``text`` (a request line, a path or a URL) with any feed path replaced. A path
    that only decodes to one (``/%66eed/…``) is replaced whole."""
    if _FEED.search(text):
        return _FEED.sub(REDACTED, text)
    decoded = unquote(text)
    if decoded != text and _FEED.search(decoded):
        return _FEED.sub(REDACTED, decoded)
    return text


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any],
              request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in _FIELDS:
            if isinstance(atoms.get(name), str):
                atoms[name] = redact(atoms[name])
        return atoms
