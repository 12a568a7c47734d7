from bilibili.cookies import cookie_header, cookies_from_sso_url, parse_set_cookie


def test_set_cookie_values_are_kept_byte_for_byte():
    cookies = parse_set_cookie([
        "SESSDATA=11d97d2a%2C1739265009%2C928d7*82CjC; Path=/; Domain=bilibili.com; HttpOnly",
        "bili_jct=abc; Path=/; Domain=bilibili.com",
        "garbage-without-equals",
    ])
    assert cookies == {"SESSDATA": "11d97d2a%2C1739265009%2C928d7*82CjC", "bili_jct": "abc"}


def test_sso_url_query_fallback_keeps_only_login_cookies():
    url = (
        "https://passport.biligame.com/x/passport-login/web/crossDomain?DedeUserID=1"
        "&DedeUserID__ckMd5=ab&Expires=1&SESSDATA=a%2Cb*c&bili_jct=j&gourl=https%3A%2F%2Fx"
    )
    assert cookies_from_sso_url(url) == {
        "DedeUserID": "1", "DedeUserID__ckMd5": "ab", "SESSDATA": "a,b*c", "bili_jct": "j"
    }


def test_cookie_header_skips_empty():
    assert cookie_header({"a": "1", "b": "", "c": "3"}) == "a=1; c=3"
