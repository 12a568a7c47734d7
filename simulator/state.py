"""The simulator's in-memory state: accounts, QR tickets, sessions, WBI keys,
faults and counters, all behind ONE re-entrant lock.

Every public method takes the lock itself; handlers that need several steps to
be atomic wrap them in ``with state.lock:`` (it is an ``RLock``). The synthetic
world (videos, tastes, history...) is ``state.world`` (built lazily) and is
guarded by the same lock.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app

from . import credentials
from .accounts import Account, make_accounts
from .counters import Counters
from .faults import FaultTable
from .wbi import WbiKeys
from .world import World

STATE_KEY = "bilibili_simulator.state"


@dataclass
class Session:
    """One login: the five cookies plus the refresh_token that belongs to them."""

    mid: int
    sessdata: str  # raw form (with "," and "*"); the sessions table key
    bili_jct: str
    sid: str
    refresh_token: str | None  # None once spent by cookie/refresh
    created_s: float
    expires_s: int
    alive: bool = True
    needs_refresh: bool = False
    refresh_csrf: str | None = None  # handed out by the correspond page
    # Set on the session minted by cookie/refresh until confirm/refresh: the
    # session it replaces and that session's refresh_token (§11 step 5).
    replaces: str | None = None
    replaces_token: str | None = None

    def cookie_values(self, account: Account) -> dict[str, str]:
        """Wire values of the five login cookies, in Set-Cookie order."""
        return {
            "SESSDATA": credentials.cookie_wire_value(self.sessdata),
            "bili_jct": self.bili_jct,
            "DedeUserID": str(self.mid),
            "DedeUserID__ckMd5": account.ck_md5,
            "sid": self.sid,
        }


@dataclass
class QrTicket:
    key: str
    created_s: float
    expires_s: float
    # pending → scanned → confirmed → consumed (first successful poll);
    # any state but consumed → expired when its lifetime ends
    state: str = "pending"
    mid: int | None = None


class SimState:
    def __init__(
        self,
        *,
        seed: int = 0,
        qr_ttl_s: float = 180.0,
        accounts: Iterable[Account] | None = None,
        clock: Callable[[], float] = time.time,
        n_users: int = 5,
        n_videos: int = 6000,
        world_anchor: int | None = None,
        new_per_day: int | None = None,
        history_scale: float = 1.0,
        taste: str = "topic",
    ) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.qr_ttl_s = qr_ttl_s
        self.clock = clock
        self.rng = random.Random(seed)
        self.accounts: dict[int, Account] = {
            a.mid: a for a in (accounts if accounts is not None else make_accounts(n_users))
        }
        self.sessions: dict[str, Session] = {}
        self.qr: dict[str, QrTicket] = {}
        self.wbi = WbiKeys()
        self.faults = FaultTable()
        self.counters = Counters()
        # Room for other areas without subclassing.
        self.extensions: dict[str, Any] = {}
        # The synthetic world (world.py), built on first use: tests that never
        # touch it pay nothing. Its clock starts at this state's time.
        self.n_videos = n_videos
        self.new_per_day = new_per_day
        self.history_scale = history_scale  # World's: < 1 shortens users' histories
        self.taste = taste  # World's taste setting (simulator.tastes)
        self.world_anchor = int(self.now()) if world_anchor is None else world_anchor
        self._world: World | None = None

    @property
    def world(self) -> World:
        with self.lock:
            if self._world is None:
                self._world = World(
                    self.seed, self.n_videos, mids=list(self.accounts),
                    anchor_ts=self.world_anchor, new_per_day=self.new_per_day,
                    history_scale=self.history_scale, taste=self.taste,
                )
            return self._world

    # -- basics ---------------------------------------------------------------

    def now(self) -> float:
        return self.clock()

    def token(self, n: int = 32) -> str:
        with self.lock:
            return credentials.hex_token(self.rng, n)

    def account(self, mid: int | None) -> Account | None:
        return None if mid is None else self.accounts.get(mid)

    def first_account(self) -> Account:
        with self.lock:
            return next(iter(self.accounts.values()))

    # -- QR login -------------------------------------------------------------

    def new_qr(self) -> QrTicket:
        with self.lock:
            now = self.now()
            # Never from the seeded rng: keys must not repeat across runs (as bilibili's
            # never do): the demo's Redis keeps a previous run's record of a key for ten minutes.
            ticket = QrTicket(secrets.token_hex(16), now, now + self.qr_ttl_s)
            self.qr[ticket.key] = ticket
            return ticket

    def qr_ticket(self, key: str) -> QrTicket | None:
        """The ticket with its lifetime applied (unknown key → None)."""
        with self.lock:
            ticket = self.qr.get(key)
            if ticket and ticket.state != "consumed" and self.now() >= ticket.expires_s:
                ticket.state = "expired"
            return ticket

    # -- sessions -------------------------------------------------------------

    def mint_session(self, mid: int) -> Session:
        with self.lock:
            now = self.now()
            expires = int(now) + credentials.COOKIE_LIFETIME_S
            session = Session(
                mid=mid,
                sessdata=credentials.sessdata(self.rng, expires),
                bili_jct=self.token(32),
                sid=credentials.sid(self.rng),
                refresh_token=self.token(32),
                created_s=now,
                expires_s=expires,
            )
            self.sessions[session.sessdata] = session
            return session

    def find_session(self, sessdata: str | None) -> Session | None:
        """Any session ever minted for this SESSDATA, dead or alive."""
        if not sessdata:
            return None
        with self.lock:
            return self.sessions.get(sessdata)

    def live_session(self, sessdata: str | None) -> Session | None:
        with self.lock:
            session = self.find_session(sessdata)
            if session is None or not session.alive:
                return None
            if self.now() >= session.expires_s:
                session.alive = False
                return None
            return session

    def sessions_of(self, mid: int, *, alive_only: bool = True) -> list[Session]:
        with self.lock:
            return [
                s
                for s in self.sessions.values()
                if s.mid == mid and (s.alive or not alive_only)
            ]

    def kill_sessions(self, mid: int) -> int:
        with self.lock:
            live = self.sessions_of(mid)
            for session in live:
                session.alive = False
            return len(live)

    def mark_needs_refresh(self, mid: int) -> int:
        with self.lock:
            live = self.sessions_of(mid)
            for session in live:
                session.needs_refresh = True
            return len(live)


def get_state() -> SimState:
    """The state of the app handling the current request."""
    return current_app.extensions[STATE_KEY]
