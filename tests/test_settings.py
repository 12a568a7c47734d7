import datetime as dt
import logging

import pytest

from settings import Settings, SettingsError

SECRET = "s" * 40


def test_defaults_follow_the_contract():
    s = Settings.from_env({"BILIREC_SECRET_KEY": SECRET})
    assert s.redis_url == "redis://127.0.0.1:6379/0"
    assert s.api_base == "https://api.bilibili.com"
    assert s.passport_base == "https://passport.bilibili.com"
    assert s.www_base == "https://www.bilibili.com"
    assert (s.demo, s.secure_cookies, s.allowed_mids) == (False, False, frozenset())
    assert (s.web_host, s.web_port) == ("127.0.0.1", 8345)
    assert (s.timezone, s.daily_at) == ("Asia/Shanghai", dt.time(6, 0))
    assert (s.hot_every_min, s.bilibili_rps) == (120, 1)
    assert (s.cooldown_412_min, s.cooldown_352_min) == (30, 10)
    assert s.following_requests_per_day == 10
    assert (s.push_allow_private, s.push_timeout_s) == (False, 10)
    env = {"BILIREC_SECRET_KEY": SECRET, "BILIREC_FOLLOWING_REQUESTS_PER_DAY": "0"}
    assert Settings.from_env(env).following_requests_per_day == 0  # 0 = source off


def test_missing_secret_fails_saying_how_to_make_one():
    with pytest.raises(SettingsError) as info:
        Settings.from_env({})
    assert "BILIREC_SECRET_KEY" in str(info.value)
    assert "secrets.token_urlsafe" in str(info.value)


def test_short_secret_is_refused():
    with pytest.raises(SettingsError, match="at least 32"):
        Settings.from_env({"BILIREC_SECRET_KEY": "short"})


def test_secret_from_file(tmp_path):
    path = tmp_path / "key"
    path.write_text(SECRET + "\n")
    assert Settings.from_env({"BILIREC_SECRET_KEY_FILE": str(path)}).secret_key == SECRET


def test_unreadable_secret_file_names_the_file(tmp_path):
    with pytest.raises(SettingsError, match="cannot be read"):
        Settings.from_env({"BILIREC_SECRET_KEY_FILE": str(tmp_path / "nope")})


def test_old_secret_for_rotation(tmp_path):
    assert Settings.from_env({"BILIREC_SECRET_KEY": SECRET}).secret_key_old == ""
    path = tmp_path / "old"
    path.write_text("o" * 40 + "\n")
    env = {"BILIREC_SECRET_KEY": SECRET, "BILIREC_SECRET_KEY_OLD_FILE": str(path)}
    settings = Settings.from_env(env)
    assert settings.secret_key_old == "o" * 40 and "o" * 40 not in repr(settings)
    with pytest.raises(SettingsError, match="BILIREC_SECRET_KEY_OLD has 5"):
        Settings.from_env({"BILIREC_SECRET_KEY": SECRET, "BILIREC_SECRET_KEY_OLD": "short"})


def test_secret_never_in_repr():
    assert SECRET not in repr(Settings.from_env({"BILIREC_SECRET_KEY": SECRET}))


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [
        ("ALLOWED_MIDS", "1, 22 ,333", "allowed_mids", frozenset({1, 22, 333})),
        ("DEMO", "1", "demo", True),
        ("SECURE_COOKIES", "true", "secure_cookies", True),
        ("DAILY_AT", "7:30", "daily_at", dt.time(7, 30)),
        ("BILIBILI_RPS", "0.5", "bilibili_rps", 0.5),
        ("ML_NICE", "0", "ml_nice", 0),
        ("PUSH_ALLOW_PRIVATE", "1", "push_allow_private", True),
        ("PUSH_TIMEOUT_S", "2.5", "push_timeout_s", 2.5),
        ("API_BASE", "http://127.0.0.1:9/", "api_base", "http://127.0.0.1:9"),
        ("TIMEZONE", "Europe/Berlin", "timezone", "Europe/Berlin"),
    ],
)
def test_values_are_parsed(name, value, field, expected):
    s = Settings.from_env({"BILIREC_SECRET_KEY": SECRET, f"BILIREC_{name}": value})
    assert getattr(s, field) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALLOWED_MIDS", "12,abc"),
        ("DEMO", "maybe"),
        ("PUSH_ALLOW_PRIVATE", "perhaps"),
        ("DAILY_AT", "25:00"),
        ("BILIBILI_RPS", "-1"),
        ("BILIBILI_RPS", "fast"),
        ("API_BASE", "api.bilibili.com"),
        ("TIMEZONE", "Mars/Olympus"),
    ],
)
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=f"BILIREC_{name}"):
        Settings.from_env({"BILIREC_SECRET_KEY": SECRET, f"BILIREC_{name}": value})


def test_next_daily_refresh_is_in_the_configured_zone():
    s = Settings.from_env({"BILIREC_SECRET_KEY": SECRET, "BILIREC_DAILY_AT": "06:00"})
    before = dt.datetime(2026, 11, 27, 21, 0, tzinfo=dt.UTC)  # 05:00 in Shanghai
    after = dt.datetime(2026, 11, 27, 23, 0, tzinfo=dt.UTC)  # 07:00 in Shanghai
    assert s.next_daily_refresh(before).isoformat() == "2026-11-28T06:00:00+08:00"
    assert s.next_daily_refresh(after).isoformat() == "2026-11-29T06:00:00+08:00"


def test_allowed_mids():
    s = Settings.from_env({"BILIREC_SECRET_KEY": SECRET, "BILIREC_ALLOWED_MIDS": "5"})
    assert s.mid_allowed(5) and not s.mid_allowed(6)
    assert Settings.from_env({"BILIREC_SECRET_KEY": SECRET}).mid_allowed(6)


def test_every_field_has_its_environment_variable():
    from tests.support import settings_env

    changed = Settings(
        secret_key=SECRET, redis_url="redis://h:1/2", demo=True, web_port=9,
        allowed_mids=frozenset({1, 2}), ranking_rids=(3,), daily_at=dt.time(5, 4),
        hot_every_min=7.0, first_sync_metadata=9, picks_per_list=5, video_ttl_days=2.0,
    )
    assert Settings.from_env(settings_env(changed)) == changed


def test_retired_page_settings_are_warned_of_not_fatal(caplog: pytest.LogCaptureFixture):
    env = {"BILIREC_SECRET_KEY": SECRET, "BILIREC_FIRST_SYNC_PAGES": "2",
           "BILIREC_BACKFILL_PAGES": "10"}
    with caplog.at_level(logging.WARNING):
        settings = Settings.from_env(env)
    assert settings == Settings.from_env({"BILIREC_SECRET_KEY": SECRET})
    assert "BILIREC_FIRST_SYNC_PAGES is no longer used" in caplog.text
    assert "BILIREC_BACKFILL_PAGES is no longer used" in caplog.text
