"""Delivering a message to channels: one try and up to 3 retries per channel with backoff
(0.5 s, 1 s, 2 s), each attempt recorded (``AlertDelivery``: when, HTTP status, error).

Channels are sent to in parallel and each attempt has a 1.5 s timeout, so a delivery ends
within 4 × 1.5 + 3.5 = 9.5 s of the check that opened the alert. A retry follows a network
error, a 429 or a 5xx answer, or an SMTP failure; another 4xx (a wrong URL or key) is final.
Sending a test (``send_test``) goes through the same path and is recorded with no alert.
"""

from __future__ import annotations

import logging
import smtplib
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from sqlmodel import col, select

from studio.access import require
from studio.alerts.channels import find_channel
from studio.alerts.payloads import Message, build_request, platform_refused
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import AlertChannel, AlertDelivery

log = logging.getLogger(__name__)
RETRIES = 3
BACKOFF_SECONDS = 0.5
TIMEOUT_SECONDS = 1.5


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt."""

    channel: str
    attempt: int
    ok: bool
    status_code: int | None
    error: str

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {"channel": self.channel, "attempt": self.attempt, "ok": self.ok,
                "status_code": self.status_code, "error": self.error}  # fmt: skip


@dataclass(frozen=True)
class _Target:
    id: int
    name: str
    kind: str
    url: str
    secret: str
    options: dict[str, Any]


def _post(target: _Target, message: Message, timeout: float) -> tuple[int | None, str, bool]:
    """(status, error, retryable) of one HTTP attempt."""
    request = build_request(target.kind, target.url, target.secret, target.options, message,
                            time.time())  # fmt: skip
    http = urllib.request.Request(request.url, request.body, request.headers, method="POST")
    try:
        with urllib.request.urlopen(http, timeout=timeout) as answer:  # noqa: S310 (http(s) only)
            refused = platform_refused(target.kind, answer.read(65536))
            return answer.status, refused, False
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}", exc.code == 429 or exc.code >= 500
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500], True


def _mail(target: _Target, message: Message, timeout: float) -> tuple[int | None, str, bool]:
    options = target.options
    mail = EmailMessage()
    mail["Subject"], mail["From"] = message.title, options.get("sender") or options.get("user")
    mail["To"] = ", ".join(options["to"])
    mail.set_content(message.text)
    try:
        with smtplib.SMTP(options["host"], int(options.get("port", 587)), timeout=timeout) as smtp:
            if options.get("starttls"):
                smtp.starttls()
            if options.get("user"):
                smtp.login(options["user"], target.secret)
            smtp.send_message(mail)
        return None, "", False
    except (smtplib.SMTPException, OSError) as exc:
        return None, str(exc)[:500], True


def _send(studio: Studio, target: _Target, message: Message, alert_id: int | None,
          backoff: float, timeout: float) -> list[Attempt]:  # fmt: skip
    attempts = []
    for number in range(1, RETRIES + 2):
        send = _mail if target.kind == "email" else _post
        status, error, retryable = send(target, message, timeout)
        ok = not error
        with session_scope(studio.engine) as session:
            session.add(AlertDelivery(alert_id=alert_id, channel_id=target.id, attempt=number,
                                      ok=ok, status_code=status, error=error[:1000]))  # fmt: skip
        attempts.append(Attempt(target.name, number, ok, status, error))
        if ok or not retryable or number > RETRIES:
            break
        time.sleep(backoff * 2 ** (number - 1))
    if not attempts[-1].ok:
        log.warning("alert delivery to %s failed: %s", target.name, attempts[-1].error)
    return attempts


def deliver(studio: Studio, channel_ids: list[int], message: Message, alert_id: int | None,
            *, backoff: float = BACKOFF_SECONDS,
            timeout: float = TIMEOUT_SECONDS) -> list[Attempt]:  # fmt: skip
    """Send ``message`` to the channels (in parallel); every attempt, channel by channel."""
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(AlertChannel).where(col(AlertChannel.id).in_(channel_ids or [-1]))
        ).all()
        targets = [_Target(r.id, r.name, r.kind, r.url, r.secret, dict(r.options)) for r in rows]
    if not targets:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(targets))) as pool:
        futures = [pool.submit(_send, studio, t, message, alert_id, backoff, timeout)
                   for t in targets]  # fmt: skip
        return [a for f in futures for a in f.result()]


def send_test(studio: Studio, name: str, actor: str, *, backoff: float = BACKOFF_SECONDS,
              timeout: float = TIMEOUT_SECONDS) -> list[Attempt]:  # fmt: skip
    """Send a test message to channel ``name`` (approvers); its attempts."""
    require(studio.settings, actor, "alerts_manage")
    with session_scope(studio.engine) as session:
        channel_id = find_channel(session, name).id
    message = Message(
        "Studio test alert",
        f"{actor} sent this test from Studio; alerts from monitoring will arrive here.",
        {"event": "test", "alert": None},
    )
    return deliver(studio, [channel_id], message, None, backoff=backoff, timeout=timeout)


def deliveries(studio: Studio, alert_id: int) -> list[Attempt]:
    """Every recorded attempt to deliver alert ``alert_id``, oldest first."""
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(AlertDelivery, AlertChannel.name)
            .join(AlertChannel, col(AlertChannel.id) == col(AlertDelivery.channel_id))
            .where(AlertDelivery.alert_id == alert_id)
            .order_by(col(AlertDelivery.id))
        ).all()
        return [Attempt(n, d.attempt, d.ok, d.status_code, d.error) for d, n in rows]
