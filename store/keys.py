"""Every Redis key name lives here, so the layout can be read (and changed) in one place.

Everything that belongs to one bilibili user sits under ``user:{mid}``. Logout deletes it
without scanning the keyspace: every per-user key named by ``mid`` alone is found here
(``fixed_user_keys``), and a key whose name holds more (a date, a task id, a window) is
recorded in the user's index when it is written (``store.user_index.track``).
"""

from __future__ import annotations

import inspect

ACTIVE_USERS = "users:active"
DEVICE = "device:ids"
RATE_BUCKET = "throttle:bucket"
COOLDOWN_GLOBAL = "throttle:cooldown:412"
# -352 on calls without a user (hot lists) pauses those calls only.
COOLDOWN_ANONYMOUS = "throttle:cooldown:352:anonymous"


def user(mid: int) -> str:
    return f"user:{mid}"


def user_prefix(mid: int) -> str:
    return f"user:{mid}:"


def user_index(mid: int) -> str:
    """The user's keys whose names ``fixed_user_keys`` cannot know: key → expiry (a zset)."""
    return f"user:{mid}:keys"


def credentials(mid: int) -> str:
    return f"user:{mid}:cred"


CREDENTIALS_PATTERN = "user:*:cred"


def status(mid: int) -> str:
    return f"user:{mid}:status"


def user_sessions(mid: int) -> str:
    return f"user:{mid}:sessions"


def refresh_lock(mid: int) -> str:
    return f"user:{mid}:lock:refresh"


def refresh_step(mid: int, task_id: str) -> str:
    """One delivery of a refresh step: running (a lease) or done (see ``worker.lease``)."""
    return f"user:{mid}:step:{task_id}"


def retry(mid: int) -> str:
    """When a waiting refresh is tried again (see ``store.retries``)."""
    return f"user:{mid}:retry"


def cooldown(mid: int) -> str:
    return f"user:{mid}:cooldown:352"


def events(mid: int) -> str:
    return f"user:{mid}:events"


def event_data(mid: int) -> str:
    return f"user:{mid}:events:data"


def touched(mid: int) -> str:
    return f"user:{mid}:events:touched"


def event_seq(mid: int) -> str:
    return f"user:{mid}:events:seq"


def video(bvid: str) -> str:
    return f"video:{bvid}"


def video_gone(bvid: str) -> str:
    return f"video:{bvid}:gone"


def hot_pool(source: str) -> str:
    return f"hot:{source}"


def user_pool(mid: int) -> str:
    return f"user:{mid}:pool"


def cursors(mid: int) -> str:
    return f"user:{mid}:cursors"


def picks(mid: int, date: str) -> str:
    return f"user:{mid}:picks:{date}"


def picks_latest(mid: int) -> str:
    return f"user:{mid}:picks:latest"


def model(mid: int) -> str:
    return f"user:{mid}:model"


def model_meta(mid: int) -> str:
    return f"user:{mid}:model:meta"


def taste(mid: int) -> str:
    return f"user:{mid}:taste"


def session(sid_hash: str) -> str:
    return f"session:{sid_hash}"


def qr_login(qrcode_key: str) -> str:
    return f"qr:{qrcode_key}"


def rate_window(name: str, who: str, window: int) -> str:
    return f"rate:{name}:{who}:{window}"


def user_rate_window(mid: int, name: str, window: int) -> str:
    """A user's own counters live under their prefix, so logout deletes them."""
    return f"user:{mid}:rate:{name}:{window}"


def tick(name: str) -> str:
    """A periodic job's claim for one period (see ``store.ticks``)."""
    return f"tick:{name}"


def feedback(mid: int) -> str:
    return f"user:{mid}:feedback"


def clicks(mid: int) -> str:
    return f"user:{mid}:clicks"


def picks_rendered(mid: int) -> str:
    """The rendered ``/api/picks`` answers: day → JSON body (see ``store.picks_rendered``)."""
    return f"user:{mid}:picks:rendered"


def picks_rendered_gen(mid: int) -> str:
    return f"user:{mid}:picks:rendered:gen"


def atom_token(mid: int) -> str:
    """The user's Atom feed token (the one in their feed URL, see ``store.atom``)."""
    return f"user:{mid}:atom"


def atom_owner(token_hash: str) -> str:
    """Whose Atom feed token hashes to ``token_hash``."""
    return f"atom:{token_hash}"


def follows(mid: int) -> str:
    """The UP主 the user follows: hash up mid → JSON (see ``store.follows``)."""
    return f"user:{mid}:follows"


def follow_reads(mid: int) -> str:
    """Per followed UP主: the day their uploads were last read, the newest upload seen."""
    return f"user:{mid}:follows:reads"


def follow_day(mid: int, day: int) -> str:
    """One day's arc/search requests for the user and whether the source is off that day."""
    return f"user:{mid}:follows:day:{day}"


def toview_own(mid: int) -> str:
    """The bvids the user put in their 稍后再看 themselves, as last read (a set)."""
    return f"user:{mid}:toview:own"


def toview_settings(mid: int) -> str:
    """The 稍后再看 switch and count (see ``store.delivery``)."""
    return f"user:{mid}:toview:settings"


def toview_added(mid: int) -> str:
    """What this project added to the user's 稍后再看 and still manages: aid → record."""
    return f"user:{mid}:toview:added"


def toview_delivered(mid: int) -> str:
    """Videos once delivered to 稍后再看: bvid → picks date (never delivered twice)."""
    return f"user:{mid}:toview:delivered"


def toview_lock(mid: int) -> str:
    """Held while a task writes to the user's 稍后再看 (one writer at a time)."""
    return f"user:{mid}:lock:toview"


def push_sent(mid: int) -> str:
    """The picks date whose morning message went out (one message a day)."""
    return f"user:{mid}:push:sent"


def toview_error(mid: int) -> str:
    return f"user:{mid}:toview:error"


def push_target(mid: int) -> str:
    """The push webhook (kind + URL), encrypted (see ``store.push``)."""
    return f"user:{mid}:push"


def push_result(mid: int) -> str:
    return f"user:{mid}:push:result"


def atom_notices(mid: int) -> str:
    """Notices shown at the top of the user's Atom feed (a dead login), one per login."""
    return f"user:{mid}:atom:notices"


def leaving(mid: int) -> str:
    """Set by logout while the worker still removes what we added to 稍后再看."""
    return f"user:{mid}:leaving"


def rules(mid: int) -> str:
    """The user's filter rules (a JSON document, see ``store.rules``)."""
    return f"user:{mid}:rules"


def rules_rescore(mid: int) -> str:
    """Set when rules were saved while a refresh held the user's lock."""
    return f"user:{mid}:rules:rescore"


def dislike_reasons(mid: int) -> str:
    """What 不感兴趣 reasons taught: disliked tags, clickbait UP主, duration bounds (a hash)."""
    return f"user:{mid}:dislike:reasons"


def refresh_wish(mid: int) -> str:
    """Set when a refresh was asked while another ran (see ``store.locks.want_again``)."""
    return f"user:{mid}:lock:wish"


def picks_hot_scored(mid: int) -> str:
    """The date of the user's newest picks and whether their hot pools had tags then."""
    return f"user:{mid}:picks_hot"


# The layout version the stored keys follow (see ``store.migrate``).
SCHEMA_VERSION = "schema:version"

# Keys renamed by schema 2, for ``store.migrate`` alone: the old name ({mid}: a user's
# mid, {hash}: a token's SHA-256) → the function naming the key now. Tokens come before
# their owners' lookup keys: the migration checks one against the other.
RENAMED_IN_2 = {
    "user:{mid}:feed": atom_token,
    "user:{mid}:feed:notices": atom_notices,
    "feed:{hash}": atom_owner,
    "user:{mid}:picks:views": picks_rendered,
    "user:{mid}:picks:views:gen": picks_rendered_gen,
}


def fixed_user_keys(mid: int) -> list[str]:
    """Every per-user key whose name is made from ``mid`` alone."""
    return [name(mid) for name in _FIXED_USER_KEYS]


# Found, not listed: a key added above is deleted at logout without anyone remembering to
# add it here. A key function taking more than ``mid`` must have its keys tracked instead.
_FIXED_USER_KEYS = [
    fn for fn in list(globals().values())
    if inspect.isfunction(fn) and fn.__module__ == __name__
    and list(inspect.signature(fn).parameters) == ["mid"]
    and fn is not fixed_user_keys
    and (fn(0) == "user:0" or fn(0).startswith("user:0:"))
    and fn is not user_prefix
]
