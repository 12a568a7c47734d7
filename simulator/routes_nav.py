"""api.bilibili.com/x/web-interface/nav (§2): session check, profile, WBI keys."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from . import envelope
from .accounts import Account
from .sessions import live_session_for
from .state import get_state

bp = Blueprint("sim_nav", __name__)


def _vip_label(account: Account) -> dict[str, Any]:
    text = {1: "大会员", 2: "年度大会员"}.get(account.vip_type, "") if account.vip_status else ""
    theme = {1: "vip", 2: "annual_vip"}.get(account.vip_type, "") if account.vip_status else ""
    return {"path": "", "text": text, "label_theme": theme, "text_color": "#FFFFFF",
            "bg_style": 1 if text else 0, "bg_color": "#FB7299" if text else "",
            "border_color": "", "use_img_label": True, "img_label_uri_hans": "",
            "img_label_uri_hant": "", "img_label_uri_hans_static": "",
            "img_label_uri_hant_static": ""}


def nav_data(account: Account, wbi_img: dict[str, str]) -> dict[str, Any]:
    """Logged-in ``data`` with the documented fields plus the usual companions,
    so a client that ignores unknown keys is exercised."""
    is_vip = bool(account.vip_status)
    label = _vip_label(account)
    return {
        "isLogin": True,
        "email_verified": 0,
        "face": account.face,
        "face_nft": 0,
        "face_nft_type": 0,
        "level_info": account.level_info(),
        "mid": account.mid,
        "mobile_verified": 1,
        "money": account.money,
        "moral": 70,
        "official": {"role": 0, "title": "", "desc": "", "type": -1},
        "officialVerify": {"type": -1, "desc": ""},
        "pendant": {"pid": 0, "name": "", "image": "", "expire": 0,
                    "image_enhance": "", "image_enhance_frame": "", "n_pid": 0},
        "scores": 0,
        "uname": account.uname,
        "vipDueDate": account.vip_due_ms,  # milliseconds (§0)
        "vipStatus": account.vip_status,
        "vipType": account.vip_type,
        "vip_pay_type": 0,
        "vip_theme_type": 0,
        "vip_label": label,
        "vip_avatar_subscript": 1 if is_vip else 0,
        "vip_nickname_color": "#FB7299" if is_vip else "",
        "vip": {"type": account.vip_type, "status": account.vip_status,
                "due_date": account.vip_due_ms, "vip_pay_type": 0, "theme_type": 0,
                "label": label, "avatar_subscript": 1 if is_vip else 0,
                "nickname_color": "#FB7299" if is_vip else "",
                "role": {1: 1, 2: 3}.get(account.vip_type, 0) if is_vip else 0,
                "avatar_subscript_url": "", "tv_vip_status": 0, "tv_vip_pay_type": 0,
                "tv_due_date": 0},
        "wallet": {"mid": account.mid, "bcoin_balance": 0, "coupon_balance": 0,
                   "coupon_due_time": 0},
        "has_shop": False,
        "shop_url": "",
        "allowance_count": 0,
        "answer_status": 0,
        "is_senior_member": 0,
        "wbi_img": wbi_img,
        "is_jury": False,
    }


@bp.get("/x/web-interface/nav")
def nav() -> Response:
    state = get_state()
    with state.lock:
        session = live_session_for(request, state)
        account = state.account(session.mid) if session else None
        wbi_img = state.wbi.nav_img()
    if account is None:
        # -101 still carries data with isLogin=false and the WBI keys (§2).
        return envelope.error(-101, data={"isLogin": False, "wbi_img": wbi_img})
    return envelope.ok(nav_data(account, wbi_img))
