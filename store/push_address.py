"""Which addresses a push URL may reach (SSRF guard), shared by the web (checked when the
URL is saved) and the worker (checked again, on the addresses it then connects to).

A push URL is typed by any user who can log in, and the worker that calls it sits next to
Redis, the web and, on a cloud host, the metadata service. So the host is resolved once,
every address it resolves to must be public, and the caller connects to exactly those
addresses (``worker.push_http``): a name cannot answer a public address to the check and
a private one to the connect.

``allow_private`` (BILIREC_PUSH_ALLOW_PRIVATE=1, for a LAN ntfy) admits loopback and the
private ranges (RFC 1918, IPv6 ULA) only; link-local (169.254.0.0/16 and fe80::/10, where
cloud metadata answers), unspecified, multicast and reserved addresses are refused always.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_PRIVATE = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")  # Linux connects 0.0.0.0 to loopback
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known prefix: the IPv4 inside decides

REFUSED_PREFIX = "推送地址不可用："


class AddressRefused(Exception):
    """The URL names (or resolves to) an address push may not reach; ``str`` says why in
    Chinese, never with the URL (it holds the user's key)."""


class ResolveFailed(Exception):
    """The host name did not resolve (no such name, or no answer in time)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def address_problem(address: str | IPAddress, *, allow_private: bool) -> str | None:
    """Why push may not connect to this address (Chinese), or None when it may."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip.ipv4_mapped or ip  # ::ffff:127.0.0.1 is 127.0.0.1 to the kernel
    if isinstance(ip, ipaddress.IPv6Address):
        # NAT64, 6to4 and Teredo reach the IPv4 address inside (DNS64 networks give every
        # IPv4-only host a 64:ff9b:: address): that address decides. One naming a
        # non-public address is a way around the check, never a real webhook.
        inner = _tunnelled_ipv4(ip)
        if inner is not None:
            return "保留地址" if address_problem(inner, allow_private=False) else None
    if ip.is_unspecified or ip in _THIS_NETWORK:
        return "未指定地址（0.0.0.0 / ::）"
    if ip.is_link_local:
        return "链路本地地址（169.254.0.0/16、fe80::/10，云主机的元数据服务在此）"
    if ip.is_multicast:
        return "组播地址"
    if ip.is_loopback:
        return None if allow_private else "本机地址（需设置 BILIREC_PUSH_ALLOW_PRIVATE=1）"
    if any(ip in net for net in _PRIVATE if net.version == ip.version):
        return None if allow_private else "内网地址（需设置 BILIREC_PUSH_ALLOW_PRIVATE=1）"
    if ip.is_reserved or not ip.is_global:
        return "保留地址"
    return None


def _tunnelled_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    return ip.teredo[1] if ip.teredo else None


def host_and_port(url: str) -> tuple[str, int]:
    """The host to resolve and the port to connect to; ValueError for a malformed URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    port = parts.port  # ValueError when out of range or not a number
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int, *, timeout_s: float) -> tuple[str, ...]:
    """Every address ``host`` resolves to, in the resolver's order (an IP literal is
    itself). getaddrinfo has no timeout of its own: it runs in a helper thread that is
    abandoned after ``timeout_s``, so a slow DNS server cannot hold the caller."""
    try:
        return (str(ipaddress.ip_address(host)),)
    except ValueError:
        pass
    found: list[tuple[str, ...]] = []
    failed: list[BaseException] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.append(tuple(dict.fromkeys(str(info[4][0]) for info in infos)))
        except (OSError, UnicodeError) as exc:
            failed.append(exc)

    thread = threading.Thread(target=lookup, name="push-resolve", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if found and found[0]:
        return found[0]
    if failed or not thread.is_alive():
        raise ResolveFailed("主机名无法解析")
    raise ResolveFailed("主机名解析超时", timed_out=True)


def vet(host: str, port: int, *, allow_private: bool, timeout_s: float) -> tuple[str, ...]:
    """The addresses push may connect to for this host: all it resolves to, each allowed.
    Raises AddressRefused when any is not (a name that also answers a private address is
    refused as a whole), ResolveFailed when it does not resolve."""
    addresses = resolve(host, port, timeout_s=timeout_s)
    for address in addresses:
        problem = address_problem(address, allow_private=allow_private)
        if problem:
            raise AddressRefused(REFUSED_PREFIX + problem)
    return addresses


def url_address_problem(url: str, *, allow_private: bool, timeout_s: float) -> str | None:
    """The save-time check: why this URL's host may not be a push target, or None. A name
    that does not resolve now is let through (DNS may be down for a moment, and the worker
    checks again before every connect)."""
    try:
        host, port = host_and_port(url)
        vet(host, port, allow_private=allow_private, timeout_s=timeout_s)
    except ValueError:
        return "推送地址格式错误"
    except AddressRefused as exc:
        return str(exc)
    except ResolveFailed:
        return None
    return None
