"""HTML bodies the real hosts return where a JSON client does not expect them.

They are short stand-ins, not copies: what matters for a client is that they
are HTML (not JSON) and, for the correspond page, where ``refresh_csrf`` sits.
"""

from __future__ import annotations

import html

# passport.bilibili.com answers logout with an already-invalid cookie with its
# login page (HTTP 200, text/html) instead of JSON (§12).
LOGIN_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>哔哩哔哩 (゜-゜)つロ 干杯~-bilibili</title>
<meta name="spm_prefix" content="333.1007"></head>
<body><div id="app"><div class="login-box">
<h2>登录</h2><div class="qrcode-login">请使用哔哩哔哩客户端扫码登录</div>
</div></div></body></html>
"""

# The edge's 412 page (§13.2): clients must treat it as -412, never parse it.
PAGE_412 = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>出错啦! - bilibili.com</title></head>
<body><div class="error-container"><div class="error-panel">
<div class="txt-item err-code">错误号: 412</div>
<div class="txt-item err-text">由于触发哔哩哔哩安全风控策略，该次访问请求被拒绝。</div>
<div class="txt-item err-text">The request was rejected because of
the bilibili security control policy.</div>
</div></div></body></html>
"""

PAGE_404 = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>出错啦! - bilibili.com</title></head>
<body><div class="error-container"><div class="error-panel">
<div class="txt-item err-code">错误号: 404</div>
<div class="txt-item err-text">啊叻？视频不见了？</div>
</div></div></body></html>
"""


def http_error_page(status: int, reason: str) -> str:
    """Generic edge error page for statuses other than 404/412."""
    if status == 412:
        return PAGE_412
    if status == 404:
        return PAGE_404
    reason = html.escape(reason)
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>openresty</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


def correspond_page(refresh_csrf: str) -> str:
    """www.bilibili.com/correspond/1/<path> (§11 step 3): ``refresh_csrf`` is the
    text of ``<div id="1-name">``."""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="UTF-8">'
        "<title>correspond</title></head><body>"
        f'<div id="1-name">{html.escape(refresh_csrf)}</div>'
        '<div id="1-mid"></div>'
        "<script>window.__INITIAL_STATE__={}</script>"
        "</body></html>"
    )


WWW_HOME = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>哔哩哔哩 (゜-゜)つロ 干杯~-bilibili</title></head>
<body><div id="i_cecream"></div></body></html>
"""
