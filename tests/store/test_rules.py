"""Rules: every value checked before it is stored, RE2 patterns, logout deletes them."""

from __future__ import annotations

import time

import pytest

from store import UserProfile
from store.rules import EMPTY, MAX_ENTRIES, Rules, RulesError, compile_word, parse_rules

FULL = {
    "authors": [{"mid": 42, "name": "某UP"}], "words": ["原神", "/第[0-9]+期/"],
    "tags": ["鬼畜"], "zones": ["单机游戏", "人力VOCALOID"], "min_duration_s": 60,
    "max_duration_s": 1800, "hide_vertical": True, "hide_upower": True,
    "min_like_rate": 0.02,
}


def test_a_full_rule_set_round_trips(store):
    rules = parse_rules(FULL)
    assert rules.to_json() == FULL
    store.rules.save(1, rules)
    assert store.rules.get(1) == rules
    assert store.rules.get(2) == EMPTY and parse_rules({}) == EMPTY


@pytest.mark.parametrize(("body", "named"), [
    ({"words": ["/(?<=a)b/"]}, "/(?<=a)b/"),
    ({"words": ["/[a-/"]}, "/[a-/"),
    ({"words": ["x" * 65]}, "超过 64"),
    ({"tags": ["t"] * (MAX_ENTRIES + 1)}, "最多 50"),
    ({"tags": [""]}, "标签"),
    ({"zones": [3]}, "分区"),
    ({"authors": [{"mid": "42"}]}, "mid"),
    ({"authors": [{"mid": 42, "name": "n" * 65}]}, "名字"),
    ({"min_duration_s": -1}, "min_duration_s"),
    ({"max_duration_s": 1.5}, "max_duration_s"),
    ({"min_duration_s": 600, "max_duration_s": 60}, "最短时长"),
    ({"hide_vertical": 1}, "hide_vertical"),
    ({"min_like_rate": 2}, "min_like_rate"),
    ({"min_like_rate": float("nan")}, "min_like_rate"),
    ({"colour": "red"}, "rules"),
    ([], "rules"),
])
def test_bad_values_are_refused_by_name(body, named):
    with pytest.raises(RulesError) as err:
        parse_rules(body)
    assert named in str(err.value)


def test_words_patterns_are_case_insensitive_and_linear():
    assert compile_word("原神") is None and compile_word("/") is None
    pattern = compile_word("/(a+)+$/")
    started = time.monotonic()
    assert pattern.search("a" * 200_000 + "!") is None
    assert time.monotonic() - started < 1.0
    assert compile_word("/abc/").search("xxABCxx")
    assert parse_rules({"words": ["Foo", "foo", " FOO "]}).words == ("Foo",)


def test_blocking_an_author_adds_or_renames_and_keeps_the_limit(store):
    store.rules.save(3, parse_rules({"authors": [{"mid": i, "name": str(i)}
                                                 for i in range(1, MAX_ENTRIES + 1)]}))
    rules = store.rules.block_author(3, 999, "新")
    assert len(rules.authors) == MAX_ENTRIES and rules.authors[-1].mid == 999
    assert rules.authors[0].mid == 2  # the oldest went
    assert store.rules.block_author(3, 999, "改名").authors[-1].name == "改名"
    assert store.rules.get(3) == Rules(authors=store.rules.get(3).authors)


def test_rescore_flag_and_logout_delete_the_rules(store):
    store.users.activate(UserProfile(8, "u"))
    store.rules.save(8, parse_rules(FULL))
    assert store.rules.take_rescore(8) is False
    store.rules.want_rescore(8)
    assert store.rules.take_rescore(8) is True and store.rules.take_rescore(8) is False
    store.rules.want_rescore(8)
    store.forget_user(8)
    assert store.rules.get(8) == EMPTY and store.rules.take_rescore(8) is False
    assert list(store.redis.scan_iter("*8*")) == []


def test_unreadable_stored_rules_filter_nothing(store):
    store.redis.set("user:9:rules", b"{not json")
    assert store.rules.get(9) == EMPTY
