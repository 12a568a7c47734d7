"""Which host names the web takes as its own: for absolute links (the feed URL) and for
telling a same-site request from a cross-site one.

The Host header is the client's to write. A link built from it goes wherever the client
said: behind a careless proxy, or through DNS rebinding, the secret feed URL could be
shown pointing at someone else's server. So a Host is used only when it is the address we
listen on, a loopback name, an IP address while listening on every interface (a browser
cannot be made to send an IP literal other than the one it connects to), or a name in
BILIREC_ALLOWED_HOSTS; BILIREC_PUBLIC_URL, when set, wins over all of them.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import request

from settings import Settings
from web.context import web_context

_WILDCARDS = {"", "0.0.0.0", "::", "[::]", "*"}
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def public_base() -> str:
    """Where absolute links point: BILIREC_PUBLIC_URL, else this request's own address
    when its Host is one of ours, else the listening address."""
    settings = web_context().settings
    if settings.public_url:
        return settings.public_url
    if host_allowed(settings, request.host):
        return f"{request.scheme}://{request.host}"
    return f"http://{_listen_name(settings)}:{settings.web_port}"


def host_allowed(settings: Settings, host: str) -> bool:
    name = _hostname(host)
    if name is None:
        return False
    if name in settings.allowed_hosts or name == settings.web_host.lower().strip("[]"):
        return True
    if name in _LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    return address.is_loopback or settings.web_host.strip() in _WILDCARDS


def cross_site() -> bool:
    """True for a request a browser sent on behalf of another site's page: its
    ``Sec-Fetch-Site`` says so, or its ``Origin`` names a host other than the one asked,
    BILIREC_PUBLIC_URL's or one of BILIREC_ALLOWED_HOSTS (a proxy that rewrites Host).
    Scripts send neither header and are not refused."""
    fetch_site = request.headers.get("Sec-Fetch-Site", "").strip().lower()
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return True  # "null" (a sandboxed frame, a data: page) or garbage
    settings = web_context().settings
    if (parts.hostname or "") in settings.allowed_hosts:
        return False
    ours = {_netloc(request.host, parts.scheme)}
    if settings.public_url:
        public = urlsplit(settings.public_url)
        ours.add(_netloc(public.netloc, public.scheme))
    return _netloc(parts.netloc, parts.scheme) not in ours


def _hostname(host: str) -> str | None:
    """The name part of a Host header value (no port), lower-cased; None for garbage."""
    host = host.strip().lower()
    if host.startswith("["):
        name = host[1:].split("]", 1)[0]
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name if name and all(c.isalnum() or c in ".-:" for c in name) else None


def _netloc(netloc: str, scheme: str) -> str:
    """host:port with the scheme's default port written out, lower-cased."""
    netloc = netloc.strip().lower()
    has_port = netloc.rsplit("]", 1)[-1].count(":") == 1 if netloc.startswith("[") else (
        netloc.count(":") == 1)
    if not has_port:
        netloc += ":443" if scheme == "https" else ":80"
    return netloc


def _listen_name(settings: Settings) -> str:
    host = settings.web_host.strip()
    if host in _WILDCARDS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
