"""What each kind of channel receives: the HTTP request (URL, headers, body) for one message,
signed as the receiving platform documents. Pure functions of the message, the channel and a
clock, so tests check them byte for byte.

- ``webhook`` (generic): the JSON document of the alert. Header ``X-Studio-Timestamp`` is the
  Unix time in seconds; ``X-Studio-Signature: sha256=<hex>`` is HMAC-SHA256, keyed by the
  channel's secret, over the exact bytes ``<timestamp> + "." + <body>``. A receiver recomputes
  it and refuses timestamps older than a few minutes (replay). No secret: no signature header.
- ``slack``: ``{"text": ...}`` to the incoming-webhook URL (the URL is the credential).
- ``feishu`` (飞书): ``{"msg_type": "text", "content": {"text": ...}}``; with a secret, the body
  also carries ``timestamp`` (seconds) and ``sign`` = base64(HMAC-SHA256 keyed by
  ``timestamp + "\\n" + secret`` over an empty message), as Feishu's custom bot documents.
- ``dingtalk`` (钉钉): ``{"msgtype": "text", "text": {"content": ...}}``; with a secret, the URL
  gains ``timestamp`` (milliseconds) and ``sign`` = urlencode(base64(HMAC-SHA256 keyed by the
  secret over ``timestamp + "\\n" + secret``)).
- ``wecom`` (企业微信): ``{"msgtype": "text", "text": {"content": ...}}``, or ``markdown`` with
  ``{"markdown": {"content": ...}}`` when the channel's ``format`` option is ``markdown``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


@dataclass(frozen=True)
class Message:
    """One thing to say: a title, a plain-text body, and the structured alert."""

    title: str
    text: str
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def full_text(self) -> str:
        """Title and body in one plain text."""
        return f"{self.title}\n{self.text}".strip()


@dataclass(frozen=True)
class Request:
    """An HTTP POST to make."""

    url: str
    headers: dict[str, str]
    body: bytes


def _body(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def studio_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, ``timestamp + "." + body``)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def feishu_sign(secret: str, timestamp: str) -> str:
    """Feishu's custom-bot signature for ``timestamp`` (seconds)."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's custom-robot signature for ``timestamp`` (milliseconds), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return quote_plus(base64.b64encode(digest.digest()).decode())


def webhook_request(url: str, secret: str, message: Message, now: float) -> Request:
    """The generic signed JSON webhook."""
    body = _body(message.document | {"title": message.title, "text": message.text})
    timestamp = str(int(now))
    headers = JSON_HEADERS | {"X-Studio-Timestamp": timestamp}
    if secret:
        headers["X-Studio-Signature"] = studio_signature(secret, timestamp, body)
    return Request(url, headers, body)


def slack_request(url: str, _secret: str, message: Message, _now: float) -> Request:
    """Slack's incoming webhook."""
    return Request(url, JSON_HEADERS, _body({"text": message.full_text}))


def feishu_request(url: str, secret: str, message: Message, now: float) -> Request:
    """Feishu's custom bot (signed when the channel has a secret)."""
    document: dict[str, Any] = {"msg_type": "text", "content": {"text": message.full_text}}
    if secret:
        timestamp = str(int(now))
        document = {"timestamp": timestamp, "sign": feishu_sign(secret, timestamp)} | document
    return Request(url, JSON_HEADERS, _body(document))


def dingtalk_request(url: str, secret: str, message: Message, now: float) -> Request:
    """DingTalk's custom robot (signed in the query string when the channel has a secret)."""
    if secret:
        timestamp = str(int(now * 1000))
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
    body = _body({"msgtype": "text", "text": {"content": message.full_text}})
    return Request(url, JSON_HEADERS, body)


def wecom_request(url: str, _secret: str, message: Message, _now: float,
                  markdown: bool = False) -> Request:  # fmt: skip
    """WeCom's group robot, as text or markdown."""
    if markdown:
        content = f"**{message.title}**\n{message.text}"
        return Request(url, JSON_HEADERS, _body({"msgtype": "markdown",
                                                 "markdown": {"content": content}}))  # fmt: skip
    return Request(url, JSON_HEADERS, _body({"msgtype": "text",
                                             "text": {"content": message.full_text}}))  # fmt: skip


def build_request(
    kind: str, url: str, secret: str, options: dict[str, Any], message: Message, now: float
) -> Request:
    """The request channel ``kind`` sends for ``message`` at Unix time ``now``."""
    if kind == "wecom":
        return wecom_request(url, secret, message, now, options.get("format") == "markdown")
    builders = {"webhook": webhook_request, "slack": slack_request,
                "feishu": feishu_request, "dingtalk": dingtalk_request}  # fmt: skip
    return builders[kind](url, secret, message, now)


def platform_refused(kind: str, body: bytes) -> str:
    """The platform's own error in a 2xx answer ('' when it accepted): Feishu answers
    ``{"code": N}``, DingTalk and WeCom ``{"errcode": N}``, 0 meaning accepted."""
    if kind not in ("feishu", "dingtalk", "wecom"):
        return ""
    try:
        answer = json.loads(body.decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError):
        return ""
    if not isinstance(answer, dict):
        return ""
    code = answer.get("code", answer.get("errcode", answer.get("StatusCode", 0)))
    if code in (0, None):
        return ""
    return f"the platform answered code {code}: {answer.get('msg') or answer.get('errmsg') or ''}"
