"""Who a web request acts as, when a proxy in front of Studio names the signed-in user.

A header such as ``X-Forwarded-User`` is only as good as the proof that the proxy set it: any
browser that reaches the app directly can send one. So Studio trusts the user header
(``STUDIO_TRUSTED_USER_HEADER``) only on a request that also carries the proxy's shared secret
(``STUDIO_TRUSTED_PROXY_SECRET``) in ``X-Studio-Proxy-Secret``, compared in constant time.
Without a configured secret the user header is never trusted. A request that does not prove
itself (no secret, a wrong one, a header sent twice, no user) acts as ``anonymous``, who has
the roles file's default roles; the reason goes to the log.

The proxy must set both headers and drop any a client sent (the README shows nginx doing it).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from studio.config import Settings

PROXY_SECRET_HEADER = "X-Studio-Proxy-Secret"
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class HeaderIdentity:
    """The user a request proved (``anonymous`` if it proved none) and, when it proved none,
    one sentence for the log saying why."""

    user: str
    problem: str = ""


def setup_problem(settings: Settings) -> str | None:
    """One sentence when the proxy set-up cannot work (a user header but no secret), else None."""
    if settings.trusted_user_header and not settings.trusted_proxy_secret:
        return (
            f"STUDIO_TRUSTED_USER_HEADER is set but STUDIO_TRUSTED_PROXY_SECRET is not, so the "
            f"{settings.trusted_user_header} header is not trusted and every browser is "
            f"'{ANONYMOUS}'."
        )
    return None


def _values(headers: Iterable[tuple[str, str]], name: str) -> list[str]:
    wanted = name.strip().lower()
    return [value for key, value in headers if key.strip().lower() == wanted]


def identity_from_headers(
    settings: Settings, headers: Iterable[tuple[str, str]]
) -> HeaderIdentity | None:
    """The identity a request's ``(name, value)`` headers prove; None when no user header is
    configured (the caller then uses its own default user)."""
    if not settings.trusted_user_header:
        return None
    problem = setup_problem(settings)
    if problem:
        return HeaderIdentity(ANONYMOUS, problem)
    headers = list(headers)
    secrets = _values(headers, PROXY_SECRET_HEADER)
    expected = settings.trusted_proxy_secret.encode()
    if len(secrets) != 1 or not hmac.compare_digest(secrets[0].encode(), expected):
        seen = "no" if not secrets else "a wrong" if len(secrets) == 1 else "more than one"
        return HeaderIdentity(
            ANONYMOUS,
            f"A request came with {seen} {PROXY_SECRET_HEADER} header, so its "
            f"{settings.trusted_user_header} header was ignored and it acts as '{ANONYMOUS}'.",
        )
    users = [u.strip() for u in _values(headers, settings.trusted_user_header)]
    if len(users) != 1 or not users[0]:
        seen = "no" if not users else "an empty" if len(users) == 1 else "more than one"
        return HeaderIdentity(
            ANONYMOUS,
            f"The proxy sent {seen} {settings.trusted_user_header} header, so the request acts "
            f"as '{ANONYMOUS}'.",
        )
    return HeaderIdentity(users[0])
