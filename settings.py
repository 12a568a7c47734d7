"""The one typed settings object, read from ``BILIREC_*`` environment variables.

Every process builds it once at start-up and hands it down; nothing below reads the
environment itself. docs/settings.md lists every name and default; the extra knobs (timeouts,
lock and session lifetimes) exist so tests can run every period in seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from settings_env import EnvReader, SettingsError

MIN_SECRET_LEN = 32

SECRET_HELP = (
    "BILIREC_SECRET_KEY (or BILIREC_SECRET_KEY_FILE) is not set. It encrypts the stored "
    "bilibili credentials and must be at least 32 characters. Make one with\n"
    "    python3 -c 'import secrets; print(secrets.token_urlsafe(48))' > .bilirec/secret\n"
    "and start with BILIREC_SECRET_KEY_FILE=.bilirec/secret (docker compose and `make demo` "
    "create their own)."
)


# Settings that no longer exist, and why (a leftover in someone's .env is only warned of).
RETIRED = {
    "FIRST_SYNC_PAGES": "every list is now read to its end before picks are made; "
                        "BILIREC_FIRST_SYNC_METADATA caps a new user's video details",
    "BACKFILL_PAGES": "every list is now read to its end before picks are made; "
                      "BILIREC_METADATA_PER_SYNC caps video details per later sync",
}


@dataclass(frozen=True)
class Settings:
    secret_key: str = field(repr=False)
    # During a key rotation: the previous secret, still read, replaced on the next write.
    secret_key_old: str = field(default="", repr=False)
    redis_url: str = "redis://127.0.0.1:6379/0"
    api_base: str = "https://api.bilibili.com"
    passport_base: str = "https://passport.bilibili.com"
    www_base: str = "https://www.bilibili.com"
    demo: bool = False
    web_host: str = "127.0.0.1"
    web_port: int = 8345
    allowed_mids: frozenset[int] = frozenset()
    secure_cookies: bool = False
    timezone: str = "Asia/Shanghai"
    daily_at: dt.time = dt.time(6, 0)
    hot_every_min: float = 120.0
    bilibili_rps: float = 1.0
    cooldown_412_min: float = 30.0
    cooldown_352_min: float = 10.0
    http_timeout_s: float = 10.0
    qr_per_client_per_min: int = 10
    # Behind compose's port mapping every client has the same address: a cap for all.
    qr_global_per_min: int = 30
    qr_polls_per_min: int = 60
    # Login polls a minute per client address, charged (like the global cap) only by a
    # poll of a key bound to the caller's own browser session: a stranger's random or
    # copied keys charge nothing.
    qr_polls_per_client_per_min: int = 120
    qr_poll_global_per_min: int = 600
    # Feedback calls a minute per user (likes, dislikes, opened picks).
    feedback_per_min: int = 120
    refresh_min_interval_s: float = 60.0
    session_ttl_days: float = 30.0
    refresh_lock_ttl_s: float = 3 * 3600.0
    video_ttl_days: float = 60.0
    # Video details (view/detail, one request each) per sync; every list is always read
    # to its end. The first sync fetches fewer, so first picks come sooner.
    first_sync_metadata: int = 15
    metadata_per_sync: int = 200
    # Deep enough for a week of fresh picks: 20 a day per list, none repeated from the
    # last 7 days unless a list would run short (see repeat_share_7d in bench_quality).
    hot_pool_cap: int = 200
    user_pool_cap: int = 400
    # Tags for every hot candidate (one request each, once per video, shared by all users):
    # the default covers a whole pool of hot_pool_cap.
    tag_fetch_per_pool: int = 200
    # On a fresh installation, how long a user's first sync waits for the shared pools
    # another sync is fetching, so first picks do not go out without 热门精选.
    hot_wait_s: float = 300.0
    user_tag_fetch: int = 8
    first_user_tag_fetch: int = 10
    related_seeds: int = 4
    feed_pages: int = 3
    # Per user, arc/search requests a day for followed UP主's new uploads (docs/settings.md).
    following_requests_per_day: int = 10
    ranking_rids: tuple[int, ...] = (0, 1, 3, 4, 36, 188, 160, 211)
    # Waits before a refresh step that failed on a transient bilibili error is tried
    # again; after the last one the refresh gives up until the next.
    retry_delays_s: tuple[int, ...] = (60, 300, 1800)
    retry_attempts: int = 4
    retry_base_s: float = 1.0
    retry_max_total_s: float = 60.0
    picks_per_list: int = 20
    web_keepalive_s: float = 75.0
    # A request's head must be in this long after its connection opened (or its first byte
    # on a kept-alive one), its body this long after the head; a thread writing an answer
    # gives up after web_send_timeout_s (web/gunicorn_worker.py: slow clients hold no thread).
    web_header_timeout_s: float = 10.0
    web_body_timeout_s: float = 20.0
    web_send_timeout_s: float = 5.0
    # A line per request costs the web a quarter of its throughput (the page polls status).
    web_access_log: bool = False
    broker_visibility_timeout_s: float = 3600.0
    # The ml worker's niceness (added once, before TensorFlow loads): training yields the
    # CPU to the web's answers and the sync worker, which wait on it otherwise.
    ml_nice: int = 10
    # How often beat requeues refreshes whose wait (retry back-off, cool-down) is over and
    # ends refreshes whose worker is gone.
    retry_poll_s: float = 60.0
    # A running refresh step holds the user's lock this long past its last heartbeat; a
    # lock whose holder died is free again after it (the 3 h TTL covers queueing only).
    # Shorter than the visibility timeout, so a killed step's redelivery finds it expired.
    refresh_lease_s: float = 600.0
    # Push messages (webhooks): each attempt's whole exchange, connect to last byte, and
    # the wait before each of the two retries after a failed connection, 429 or a 5xx.
    push_timeout_s: float = 10.0
    push_retry_delay_s: float = 5.0
    # Push URLs may name loopback and private (RFC 1918, ULA) addresses, e.g. a LAN ntfy;
    # link-local, unspecified, multicast and reserved ones never (store.push_address).
    push_allow_private: bool = False
    # Test messages a user may ask for per minute (POST /api/push/test).
    push_tests_per_min: int = 3
    public_url: str = ""  # empty: absolute links use the address the request came to
    # Without a public URL, absolute links (the feed URL) use the Host the request named
    # only when it is the listening address, a loopback name, an IP address (when
    # listening on all interfaces), or one of these names: a forged Host (DNS rebinding, a
    # careless proxy) must not turn the secret feed link toward someone else's server.
    allowed_hosts: frozenset[str] = frozenset()
    image_origin: str = ""  # one more origin covers may come from (the compose demo)
    # Where the demo's simulator listens (make demo) or is published (make compose-demo):
    # fixed, since the demo's stored picks name it in their cover URLs.
    sim_publish_port: int = 8346

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def next_daily_refresh(self, now: dt.datetime) -> dt.datetime:
        """The next time the daily refresh runs, in the configured time zone."""
        local = now.astimezone(self.tz)
        candidate = local.replace(
            hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0
        )
        if candidate <= local:
            candidate += dt.timedelta(days=1)
        return candidate

    def to_env(self) -> dict[str, str]:
        """The ``BILIREC_*`` variables that make ``from_env`` build these settings again
        (for a child process: a worker started by a test or a benchmark)."""
        env = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                text = "1" if value else "0"
            elif isinstance(value, tuple | frozenset):
                text = ",".join(str(v) for v in sorted(value))
            elif isinstance(value, dt.time):
                text = value.strftime("%H:%M")
            else:
                text = str(value)
            env[f"BILIREC_{f.name.upper()}"] = text
        return env

    def mid_allowed(self, mid: int) -> bool:
        return not self.allowed_mids or mid in self.allowed_mids

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        reader = EnvReader(env)
        for name, why in RETIRED.items():
            if f"BILIREC_{name}" in env:
                logging.getLogger(__name__).warning("BILIREC_%s is no longer used: %s", name, why)
        settings = cls(
            secret_key=_secret(env),
            secret_key_old=_secret(env, "BILIREC_SECRET_KEY_OLD", required=False),
            redis_url=_with_password(env, reader.text("REDIS_URL", cls.redis_url)),
            api_base=reader.url("API_BASE", cls.api_base),
            passport_base=reader.url("PASSPORT_BASE", cls.passport_base),
            www_base=reader.url("WWW_BASE", cls.www_base),
            demo=reader.flag("DEMO", False),
            web_host=reader.text("WEB_HOST", cls.web_host),
            web_port=int(reader.number("WEB_PORT", cls.web_port, integer=True)),
            allowed_mids=reader.mids("ALLOWED_MIDS"),
            secure_cookies=reader.flag("SECURE_COOKIES", False),
            timezone=reader.zone("TIMEZONE", cls.timezone),
            daily_at=reader.clock("DAILY_AT", cls.daily_at),
            hot_every_min=reader.number("HOT_EVERY_MIN", cls.hot_every_min),
            bilibili_rps=reader.number("BILIBILI_RPS", cls.bilibili_rps),
            cooldown_412_min=reader.number("COOLDOWN_412_MIN", cls.cooldown_412_min, zero=True),
            cooldown_352_min=reader.number("COOLDOWN_352_MIN", cls.cooldown_352_min, zero=True),
            http_timeout_s=reader.number("HTTP_TIMEOUT_S", cls.http_timeout_s),
            qr_per_client_per_min=int(
                reader.number("QR_PER_CLIENT_PER_MIN", cls.qr_per_client_per_min, integer=True)
            ),
            qr_global_per_min=reader.count("QR_GLOBAL_PER_MIN", cls.qr_global_per_min),
            qr_polls_per_min=reader.count("QR_POLLS_PER_MIN", cls.qr_polls_per_min),
            qr_polls_per_client_per_min=reader.count(
                "QR_POLLS_PER_CLIENT_PER_MIN", cls.qr_polls_per_client_per_min
            ),
            qr_poll_global_per_min=reader.count(
                "QR_POLL_GLOBAL_PER_MIN", cls.qr_poll_global_per_min
            ),
            feedback_per_min=reader.count("FEEDBACK_PER_MIN", cls.feedback_per_min),
            refresh_min_interval_s=reader.number(
                "REFRESH_MIN_INTERVAL_S", cls.refresh_min_interval_s, zero=True
            ),
            session_ttl_days=reader.number("SESSION_TTL_DAYS", cls.session_ttl_days),
            refresh_lock_ttl_s=reader.number("REFRESH_LOCK_TTL_S", cls.refresh_lock_ttl_s),
            video_ttl_days=reader.number("VIDEO_TTL_DAYS", cls.video_ttl_days),
            first_sync_metadata=reader.count("FIRST_SYNC_METADATA", cls.first_sync_metadata),
            metadata_per_sync=reader.count("METADATA_PER_SYNC", cls.metadata_per_sync),
            hot_pool_cap=reader.count("HOT_POOL_CAP", cls.hot_pool_cap),
            user_pool_cap=reader.count("USER_POOL_CAP", cls.user_pool_cap),
            tag_fetch_per_pool=reader.count("TAG_FETCH_PER_POOL", cls.tag_fetch_per_pool),
            hot_wait_s=reader.number("HOT_WAIT_S", cls.hot_wait_s, zero=True),
            user_tag_fetch=reader.count("USER_TAG_FETCH", cls.user_tag_fetch),
            first_user_tag_fetch=reader.count("FIRST_USER_TAG_FETCH", cls.first_user_tag_fetch),
            related_seeds=reader.count("RELATED_SEEDS", cls.related_seeds),
            feed_pages=reader.count("FEED_PAGES", cls.feed_pages),
            following_requests_per_day=reader.count(
                "FOLLOWING_REQUESTS_PER_DAY", cls.following_requests_per_day
            ),
            ranking_rids=reader.ints("RANKING_RIDS", cls.ranking_rids),
            retry_delays_s=reader.ints("RETRY_DELAYS_S", cls.retry_delays_s),
            retry_attempts=reader.count("RETRY_ATTEMPTS", cls.retry_attempts),
            retry_base_s=reader.number("RETRY_BASE_S", cls.retry_base_s),
            retry_max_total_s=reader.number("RETRY_MAX_TOTAL_S", cls.retry_max_total_s),
            picks_per_list=reader.count("PICKS_PER_LIST", cls.picks_per_list),
            web_keepalive_s=reader.number("WEB_KEEPALIVE_S", cls.web_keepalive_s),
            web_access_log=reader.flag("WEB_ACCESS_LOG", cls.web_access_log),
            web_header_timeout_s=reader.number("WEB_HEADER_TIMEOUT_S", cls.web_header_timeout_s),
            web_body_timeout_s=reader.number("WEB_BODY_TIMEOUT_S", cls.web_body_timeout_s),
            web_send_timeout_s=reader.number("WEB_SEND_TIMEOUT_S", cls.web_send_timeout_s),
            broker_visibility_timeout_s=reader.number(
                "BROKER_VISIBILITY_TIMEOUT_S", cls.broker_visibility_timeout_s
            ),
            retry_poll_s=reader.number("RETRY_POLL_S", cls.retry_poll_s),
            ml_nice=reader.count("ML_NICE", cls.ml_nice),
            refresh_lease_s=reader.number("REFRESH_LEASE_S", cls.refresh_lease_s),
            push_timeout_s=reader.number("PUSH_TIMEOUT_S", cls.push_timeout_s),
            push_retry_delay_s=reader.number(
                "PUSH_RETRY_DELAY_S", cls.push_retry_delay_s, zero=True
            ),
            push_allow_private=reader.flag("PUSH_ALLOW_PRIVATE", cls.push_allow_private),
            push_tests_per_min=reader.count("PUSH_TESTS_PER_MIN", cls.push_tests_per_min),
            public_url=reader.optional_url("PUBLIC_URL"),
            allowed_hosts=reader.hosts("ALLOWED_HOSTS"),
            image_origin=reader.optional_url("IMAGE_ORIGIN"),
            sim_publish_port=int(
                reader.number("SIM_PUBLISH_PORT", cls.sim_publish_port, integer=True)
            ),
        )
        return settings


def _secret(env: Mapping[str, str], name: str = "BILIREC_SECRET_KEY", *,
            required: bool = True) -> str:
    """``name`` or the file named by ``name``_FILE; "" when optional and unset."""
    value = env.get(name, "").strip()
    path = env.get(name + "_FILE", "").strip()
    if not value and path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(
                f"{name}_FILE={path} cannot be read ({exc.strerror}).\n{SECRET_HELP}"
            ) from None
    if not value:
        if not required:
            return ""
        raise SettingsError(SECRET_HELP)
    if len(value) < MIN_SECRET_LEN:
        raise SettingsError(
            f"{name} has {len(value)} characters; at least {MIN_SECRET_LEN} are needed.\n"
            + SECRET_HELP
        )
    return value


def _with_password(env: Mapping[str, str], url: str) -> str:
    """``url`` with the password of BILIREC_REDIS_PASSWORD_FILE (compose's Redis requires
    one, generated on first start into the ``secret`` volume), unless it names its own."""
    name = "BILIREC_REDIS_PASSWORD_FILE"
    path = env.get(name, "").strip()
    if not path:
        return url
    try:
        password = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingsError(f"{name}={path} cannot be read ({exc.strerror})") from None
    parts = urlsplit(url)
    if not password or parts.scheme not in ("redis", "rediss"):
        raise SettingsError(f"{name}={path}: needs a non-empty file and a redis:// URL")
    if parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    user = quote(parts.username or "", safe="")
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))
