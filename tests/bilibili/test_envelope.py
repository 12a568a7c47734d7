import pytest

from bilibili import errors
from bilibili.http import parse_envelope


def test_success_envelope():
    reply = parse_envelope(b'{"code":0,"message":"0","ttl":1,"data":{"a":1}}')
    assert (reply.code, reply.message, reply.data) == (0, "0", {"a": 1})


@pytest.mark.parametrize(
    "body", [b"<html>412</html>", b'{"code":0', b"[1,2]", b'{"message":"x"}', b"\xff\xfe"]
)
def test_garbage_is_transient(body):
    with pytest.raises(errors.Transient):
        parse_envelope(body, path="/x/y")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (-101, errors.NotLoggedIn),
        (-111, errors.CsrfMismatch),
        (-352, errors.RiskCheckFailed),
        (-412, errors.Intercepted),
        (-404, errors.NotFound),
        (62002, errors.NotFound),
        (62004, errors.NotFound),
        (62012, errors.NotFound),
        (53013, errors.PrivacyHidden),
        (-509, errors.TooFrequent),
        (-799, errors.TooFrequent),
        (-500, errors.Transient),
        (-504, errors.Transient),
        (-400, errors.BadRequest),
        (12345, errors.BadRequest),
    ],
)
def test_codes_map_to_typed_errors(code, kind):
    err = errors.error_for(code, "消息", path="/x/p")
    assert type(err) is kind and err.code == code and "/x/p" in str(err)


def test_risk_control_family():
    assert issubclass(errors.Intercepted, errors.RiskControl)
    assert issubclass(errors.RiskCheckFailed, errors.RiskControl)
    assert issubclass(errors.TooFrequent, errors.Transient)


@pytest.mark.parametrize(
    ("status", "kind"),
    [(412, errors.Intercepted), (500, errors.Transient), (503, errors.Transient),
     (404, errors.NotFound), (403, errors.BadRequest)],
)
def test_http_statuses(status, kind):
    assert type(errors.error_for_http(status)) is kind
