"""Reading one ``BILIREC_<NAME>`` environment variable as a typed value, naming the
variable in every error (the ``Settings`` object in ``settings.py`` is built from these)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Mapping


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


class EnvReader:
    """Parses one ``BILIREC_<NAME>`` at a time, naming the variable in every error."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def _raw(self, name: str) -> str | None:
        value = self._env.get("BILIREC_" + name)
        if value is None or not value.strip():
            return None
        return value.strip()

    def _fail(self, name: str, why: str) -> SettingsError:
        return SettingsError(f"BILIREC_{name}={self._env.get('BILIREC_' + name)!r}: {why}")

    def text(self, name: str, default: str) -> str:
        return self._raw(name) or default

    def url(self, name: str, default: str) -> str:
        value = self._raw(name) or default
        if not re.match(r"^https?://[^/\s]+", value):
            raise self._fail(name, "expected an http(s) URL such as https://api.bilibili.com")
        return value.rstrip("/")

    def optional_url(self, name: str) -> str:
        """An http(s) URL, or "" when the variable is unset."""
        return self.url(name, "") if self._raw(name) else ""

    def flag(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in {"1", "true", "yes", "on"}:
            return True
        if value.lower() in {"0", "false", "no", "off"}:
            return False
        raise self._fail(name, "expected 0 or 1")

    def number(self, name: str, default: float, *, integer: bool = False, zero: bool = False):
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value) if integer else float(value)
        except ValueError:
            raise self._fail(name, "expected a number") from None
        if number < 0 or (number == 0 and not zero):
            raise self._fail(name, "expected a positive number")
        return number

    def count(self, name: str, default: int) -> int:
        return int(self.number(name, default, integer=True, zero=True))

    def ints(self, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
        value = self._raw(name)
        if value is None:
            return default
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise self._fail(name, "expected a comma-separated list of numbers")
        return tuple(int(p) for p in parts)

    def mids(self, name: str) -> frozenset[int]:
        if self._raw(name) is None:
            return frozenset()
        return frozenset(self.ints(name, ()))

    def hosts(self, name: str) -> frozenset[str]:
        """A comma list of host names (a port, if given, is ignored), lower-cased."""
        value = self._raw(name)
        if value is None:
            return frozenset()
        names = set()
        for part in (p.strip().lower() for p in value.split(",")):
            if not part:
                continue
            if part.startswith("["):  # [v6]:port
                host = part[1:].split("]", 1)[0]
            else:
                host = part.rsplit(":", 1)[0] if part.count(":") == 1 else part
            if not re.fullmatch(r"[0-9a-z.\-:]+", host):
                raise self._fail(name, "expected host names such as rec.example.org,nas.local")
            names.add(host)
        return frozenset(names)

    def zone(self, name: str, default: str) -> str:
        value = self._raw(name) or default
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise self._fail(name, "unknown time zone (try Asia/Shanghai)") from None
        return value

    def clock(self, name: str, default: dt.time) -> dt.time:
        value = self._raw(name)
        if value is None:
            return default
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise self._fail(name, "expected HH:MM, e.g. 06:00")
        return dt.time(int(match[1]), int(match[2]))
