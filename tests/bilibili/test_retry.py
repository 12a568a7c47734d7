"""Back-off with full jitter: what is retried, how long it waits, where it gives up."""

import pytest

from bilibili import errors
from bilibili.retry import RetryPolicy


class Script:
    """Raises the given errors in turn, then returns "ok"."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def policy(sleeps: list[float], **kwargs) -> RetryPolicy:
    kwargs.setdefault("rand", lambda: 1.0)
    return RetryPolicy(sleep=sleeps.append, **kwargs)


def test_transient_errors_are_retried_with_exponential_ceilings():
    sleeps: list[float] = []
    fn = Script(errors.Transient("HTTP 502"), errors.Transient("timed out"), errors.Transient("x"))
    rp = policy(sleeps, max_attempts=4, base_delay_s=0.01, max_delay_s=1, max_total_delay_s=10)
    assert rp.run(fn) == "ok"
    assert fn.calls == 4
    assert sleeps == pytest.approx([0.01, 0.02, 0.04])


def test_too_frequent_uses_its_own_base():
    sleeps: list[float] = []
    fn = Script(errors.TooFrequent("code -799", code=-799))
    rp = policy(sleeps, base_delay_s=0.01, too_frequent_base_s=0.05, max_total_delay_s=10)
    assert rp.run(fn) == "ok"
    assert sleeps == pytest.approx([0.05])


def test_full_jitter_scales_the_ceiling():
    sleeps: list[float] = []
    rolls = iter([0.0, 0.5])
    rp = RetryPolicy(base_delay_s=0.1, sleep=sleeps.append, rand=lambda: next(rolls))
    rp.run(Script(errors.Transient("a"), errors.Transient("b")))
    assert sleeps == pytest.approx([0.0, 0.1])


def test_max_delay_caps_each_wait():
    sleeps: list[float] = []
    rp = policy(sleeps, max_attempts=6, base_delay_s=1, max_delay_s=2.5, max_total_delay_s=100)
    rp.run(Script(*[errors.Transient("x") for _ in range(5)]))
    assert sleeps == pytest.approx([1, 2, 2.5, 2.5, 2.5])


def test_gives_up_after_max_attempts():
    sleeps: list[float] = []
    fn = Script(*[errors.Transient(f"fail {i}") for i in range(10)])
    with pytest.raises(errors.Transient, match="fail 2"):
        policy(sleeps, max_attempts=3, base_delay_s=0.001).run(fn)
    assert fn.calls == 3 and len(sleeps) == 2


def test_total_delay_is_capped():
    sleeps: list[float] = []
    fn = Script(*[errors.Transient("x") for _ in range(10)])
    rp = policy(sleeps, max_attempts=10, base_delay_s=1, max_delay_s=100, max_total_delay_s=2.5)
    with pytest.raises(errors.Transient):
        rp.run(fn)
    # 1 + 1.5 (the second wait clipped to what is left), then no budget: give up.
    assert sleeps == pytest.approx([1, 1.5])
    assert sum(sleeps) <= 2.5 and fn.calls == 3


@pytest.mark.parametrize(
    "exc",
    [
        errors.Intercepted("code -412", code=-412),
        errors.RiskCheckFailed("code -352", code=-352),
        errors.CoolingDown(60, "global"),
        errors.NotFound("code -404", code=-404),
        errors.NotLoggedIn("code -101", code=-101),
        errors.BadRequest("code -400", code=-400),
        errors.PrivacyHidden("code 53013", code=53013),
    ],
)
def test_other_errors_are_not_retried(exc):
    sleeps: list[float] = []
    fn = Script(exc)
    with pytest.raises(type(exc)):
        policy(sleeps).run(fn)
    assert fn.calls == 1 and sleeps == []


def test_real_sleep_runs_in_milliseconds():
    import time

    rp = RetryPolicy(max_attempts=3, base_delay_s=0.005, max_total_delay_s=0.05)
    started = time.monotonic()
    assert rp.run(Script(errors.Transient("a"), errors.Transient("b"))) == "ok"
    assert time.monotonic() - started < 0.5
