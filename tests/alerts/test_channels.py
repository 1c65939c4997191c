"""Channels against a real receiver: the signed webhook verifies, every platform gets the
payload shape it documents, failures are retried with every attempt recorded, and secrets
are never shown back."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, unquote_plus, urlsplit

import pytest
from sqlmodel import select

from studio.alerts.channels import add_channel, list_channels
from studio.alerts.delivery import deliver, send_test
from studio.alerts.payloads import Message
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import AlertDelivery
from studio.errors import ConflictError, InvalidInputError, PermissionDeniedError
from tests.alerts.conftest import Receiver

SECRET = "s3cr3t-Ω"


def _send(studio: Studio, receiver: Receiver, kind: str, secret: str = "", **options: str):
    channel = add_channel(studio, kind, kind, "bob", url=f"{receiver.url}/hook?key=k",
                          secret=secret, options=options)  # fmt: skip
    message = Message("Studio alert #1", "Dataset drift: 75% of features drifted.", {"x": 1})
    return deliver(studio, [channel.id], message, None, backoff=0)


def test_the_generic_webhook_is_signed_over_timestamp_dot_body(
    studio: Studio, receiver: Receiver
) -> None:
    """A receiver that knows the secret recomputes X-Studio-Signature from the timestamp
    header and the raw body; the document carries the alert's title and text."""
    [attempt] = _send(studio, receiver, "webhook", SECRET)
    assert attempt.ok and attempt.status_code == 200
    [got] = receiver.received
    timestamp = got.headers["X-Studio-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + got.body, hashlib.sha256)
    assert got.headers["X-Studio-Signature"] == "sha256=" + expected.hexdigest()
    assert got.json["title"] == "Studio alert #1" and got.json["x"] == 1
    assert got.headers["Content-Type"].startswith("application/json")


def test_an_unsigned_webhook_has_no_signature_header(studio: Studio, receiver: Receiver) -> None:
    _send(studio, receiver, "webhook")
    assert "X-Studio-Signature" not in receiver.received[0].headers


@pytest.mark.parametrize(
    ("kind", "options", "expected"),
    [
        ("slack", {}, {"text": "Studio alert #1\nDataset drift: 75% of features drifted."}),
        ("feishu", {}, {"msg_type": "text",
                        "content": {"text": "Studio alert #1\nDataset drift: 75% of features "
                                            "drifted."}}),
        ("dingtalk", {}, {"msgtype": "text",
                          "text": {"content": "Studio alert #1\nDataset drift: 75% of features "
                                              "drifted."}}),
        ("wecom", {}, {"msgtype": "text",
                       "text": {"content": "Studio alert #1\nDataset drift: 75% of features "
                                           "drifted."}}),
        ("wecom", {"format": "markdown"},
         {"msgtype": "markdown",
          "markdown": {"content": "**Studio alert #1**\nDataset drift: 75% of features "
                                  "drifted."}}),
    ],
)  # fmt: skip
def test_each_platform_gets_its_documented_payload(
    studio: Studio, receiver: Receiver, kind: str, options: dict, expected: dict
) -> None:
    _send(studio, receiver, kind, **options)
    [got] = receiver.received
    assert got.json == expected
    assert got.path == "/hook?key=k"  # the platform's key stays in the URL


def test_a_signed_feishu_message_carries_timestamp_and_sign(
    studio: Studio, receiver: Receiver
) -> None:
    """sign = base64(HMAC-SHA256 keyed by 'timestamp\\nsecret' over an empty message)."""
    _send(studio, receiver, "feishu", SECRET)
    body = receiver.received[0].json
    key = f"{body['timestamp']}\n{SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "text" and len(body["timestamp"]) == 10  # seconds


def test_a_signed_dingtalk_message_adds_timestamp_and_sign_to_the_url(
    studio: Studio, receiver: Receiver
) -> None:
    """sign = urlencode(base64(HMAC-SHA256 keyed by the secret over 'timestamp\\nsecret'))."""
    _send(studio, receiver, "dingtalk", SECRET)
    got = receiver.received[0]
    raw = urlsplit(got.path).query
    query = parse_qs(raw)
    timestamp = query["timestamp"][0]
    assert len(timestamp) == 13 and query["key"] == ["k"]  # milliseconds; the token kept
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256)
    sign = raw.split("sign=")[1]
    assert unquote_plus(sign) == base64.b64encode(digest.digest()).decode()


def test_a_500_is_retried_and_every_attempt_is_recorded(
    studio: Studio, receiver: Receiver
) -> None:
    """Two 500s, then 200: three attempts, the last delivered; all three stored."""
    receiver.statuses = [500, 500]
    attempts = _send(studio, receiver, "webhook", SECRET)
    assert [(a.attempt, a.ok, a.status_code) for a in attempts] == [
        (1, False, 500), (2, False, 500), (3, True, 200),
    ]  # fmt: skip
    assert len(receiver.received) == 3
    with session_scope(studio.engine) as session:
        assert len(session.exec(select(AlertDelivery)).all()) == 3


def test_a_channel_that_keeps_failing_stops_after_three_retries(
    studio: Studio, receiver: Receiver
) -> None:
    receiver.statuses = [503] * 10
    attempts = _send(studio, receiver, "slack")
    assert [a.attempt for a in attempts] == [1, 2, 3, 4] and not attempts[-1].ok


def test_a_4xx_is_final_and_a_platform_error_in_a_200_is_a_failure(
    studio: Studio, receiver: Receiver
) -> None:
    """A wrong key (404) is not retried; DingTalk's errcode in a 200 answer is not success."""
    receiver.statuses = [404]
    assert [a.ok for a in _send(studio, receiver, "webhook")] == [False]
    receiver.answer = b'{"errcode": 310000, "errmsg": "sign not match"}'
    [attempt] = _send(studio, receiver, "dingtalk", SECRET)
    assert not attempt.ok and "310000" in attempt.error


def test_send_a_test_reaches_the_channel(studio: Studio, receiver: Receiver) -> None:
    add_channel(studio, "team", "webhook", "bob", url=receiver.url, secret=SECRET)
    [attempt] = send_test(studio, "team", "bob", backoff=0)
    assert attempt.ok and receiver.received[0].json["event"] == "test"


def test_lists_never_show_the_secret_or_the_url_path(studio: Studio, receiver: Receiver) -> None:
    url = f"{receiver.url}/services/T000/B000/XXXXSECRETTOKEN"
    add_channel(studio, "slack", "slack", "bob", url=url)
    add_channel(studio, "hook", "webhook", "bob", url=receiver.url, secret=SECRET)
    shown = repr([c.to_json() for c in list_channels(studio)])
    assert "XXXXSECRETTOKEN" not in shown and SECRET not in shown
    assert [c.has_secret for c in list_channels(studio)] == [True, False]


@pytest.mark.parametrize(
    ("kind", "url", "options", "message"),
    [
        ("pager", "http://x", {}, "is not a channel kind"),
        ("slack", "ftp://x", {}, "needs an http"),
        ("webhook", "", {}, "needs an http"),
        ("wecom", "http://x", {"format": "html"}, "text or markdown"),
        ("email", "", {"host": "smtp.example.com"}, "needs --smtp-host and --to"),
    ],
)
def test_bad_channels_are_refused(
    studio: Studio, kind: str, url: str, options: dict, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        add_channel(studio, "c", kind, "bob", url=url, options=options)
    assert list_channels(studio) == []


def test_a_second_channel_of_the_same_name_is_refused(studio: Studio) -> None:
    add_channel(studio, "c", "slack", "bob", url="https://hooks.example.com/x")
    with pytest.raises(ConflictError):
        add_channel(studio, "c", "slack", "bob", url="https://hooks.example.com/y")


def test_only_approvers_manage_channels(studio_factory, tmp_path) -> None:  # noqa: ANN001
    """With a roles file an analyst may not add a channel or send a test."""
    roles = tmp_path / "roles.toml"
    roles.write_text('default = ["viewer"]\n[users]\nana = ["analyst"]\nbob = ["approver"]\n')
    studio = studio_factory(roles_file=roles)
    with pytest.raises(PermissionDeniedError, match="approver"):
        add_channel(studio, "c", "slack", "ana", url="https://hooks.example.com/x")
    add_channel(studio, "c", "slack", "bob", url="https://hooks.example.com/x")
    with pytest.raises(PermissionDeniedError):
        send_test(studio, "c", "ana")
