"""Simulated bilibili accounts.

The world module may replace :func:`default_accounts` (or pass its own list to
``SimState(accounts=...)``) and hang extra per-user data off ``Account.extra``
(tastes, history, favourites...). Only the fields nav needs live here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Level thresholds of bilibili's 6 levels (current_min of each level).
LEVEL_MIN_EXP = [0, 1, 200, 1500, 4500, 10800, 28800]


@dataclass
class Account:
    mid: int
    uname: str
    face: str
    level: int = 4
    exp: int = 5000
    money: float = 10.0  # coin balance
    vip_status: int = 0  # 0/1
    vip_type: int = 0  # 0 none, 1 monthly, 2 annual+
    vip_due_ms: int = 0
    sign: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ck_md5(self) -> str:
        """DedeUserID__ckMd5: 16 hex. Real values look stable per user, so it is
        derived from the mid (the real derivation is unknown)."""
        return hashlib.md5(f"sim-ckmd5-{self.mid}".encode()).hexdigest()[:16]

    def level_info(self) -> dict[str, Any]:
        # next_exp is the string "--" at level 6 (§2), an int otherwise.
        next_exp: int | str = "--" if self.level >= 6 else LEVEL_MIN_EXP[self.level + 1]
        return {
            "current_level": self.level,
            "current_min": LEVEL_MIN_EXP[self.level],
            "current_exp": self.exp,
            "next_exp": next_exp,
        }


def _face(seed: str) -> str:
    digest = hashlib.sha1(seed.encode()).hexdigest()
    return f"https://i0.hdslb.com/bfs/face/{digest}.jpg"


def default_accounts() -> list[Account]:
    """Five users with mids 10001…10005; varied levels and VIP states so the
    nav shapes (``next_exp`` "--", vip fields) are all exercised."""
    return [
        Account(10001, "小明同学", _face("10001"), level=5, exp=14200, money=87.5,
                vip_status=1, vip_type=2, vip_due_ms=1_900_000_000_000, sign="喜欢科技区"),
        Account(10002, "甜甜的可乐", _face("10002"), level=4, exp=6100, money=12.0,
                sign="美食和旅行"),
        Account(10003, "夜猫子Zz", _face("10003"), level=6, exp=31020, money=402.3,
                vip_status=1, vip_type=1, vip_due_ms=1_800_000_000_000, sign="游戏/鬼畜"),
        Account(10004, "咕咕咕的鸽子", _face("10004"), level=3, exp=1800, money=3.0,
                sign="音乐区常驻"),
        Account(10005, "學習使我快樂", _face("10005"), level=2, exp=420, money=0.0,
                sign="知识区"),
    ]


EXTRA_NAMES = ("追番的阿杰", "摸鱼达人", "今天也要早睡", "奶茶续命", "干饭王", "熬夜冠军",
               "咸鱼一条", "快乐星球", "不想上班", "云养猫", "早八人", "发呆专业户")


def make_accounts(n_users: int = 5) -> list[Account]:
    """``n_users`` accounts: the first of :func:`default_accounts`, then mids
    10006, 10007, … with generated names (world users beyond the five)."""
    accounts = default_accounts()[:n_users]
    for mid in range(10006, 10001 + n_users):
        name = f"{EXTRA_NAMES[mid % len(EXTRA_NAMES)]}{mid % 1000:03d}"
        accounts.append(Account(mid, name, _face(str(mid)), level=(mid % 5) + 1,
                                exp=(mid % 5) * 1500, money=float(mid % 50)))
    return accounts
