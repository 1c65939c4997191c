"""A proxy's user header is trusted only on requests that carry the proxy's secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.config import load_settings
from studio.identity import ANONYMOUS, identity_from_headers, setup_problem

SECRET = "s3cret-proxy-token"
USER = "X-Forwarded-User"
PROOF = "X-Studio-Proxy-Secret"


def _settings(tmp_path: Path, header: str = USER, secret: str | None = SECRET):  # noqa: ANN202
    env = {"STUDIO_HOME": str(tmp_path), "STUDIO_TRUSTED_USER_HEADER": header}
    return load_settings(env | ({"STUDIO_TRUSTED_PROXY_SECRET": secret} if secret else {}))


@pytest.mark.parametrize(
    ("headers", "user", "problem"),
    [
        ([(USER, "bob"), (PROOF, SECRET)], "bob", ""),
        ([("x-forwarded-user", " bob "), ("X-STUDIO-PROXY-SECRET", SECRET)], "bob", ""),
        ([(USER, "bob")], ANONYMOUS, "with no X-Studio-Proxy-Secret header"),
        ([(USER, "bob"), (PROOF, "guess")], ANONYMOUS, "with a wrong X-Studio-Proxy-Secret"),
        ([(USER, "bob"), (PROOF, SECRET[:-1])], ANONYMOUS, "a wrong"),
        ([(USER, "bob"), (PROOF, "guess"), (PROOF, SECRET)], ANONYMOUS, "more than one"),
        ([(PROOF, SECRET)], ANONYMOUS, "sent no X-Forwarded-User header"),
        ([(USER, "  "), (PROOF, SECRET)], ANONYMOUS, "an empty X-Forwarded-User"),
        ([(USER, "eve"), (USER, "bob"), (PROOF, SECRET)], ANONYMOUS, "more than one"),
    ],
)  # fmt: skip
def test_only_a_request_with_the_secret_names_its_user(
    tmp_path: Path, headers: list[tuple[str, str]], user: str, problem: str
) -> None:
    """Header names match in any case; anything short of exactly one right secret and one user
    is anonymous, with a sentence for the log."""
    identity = identity_from_headers(_settings(tmp_path), headers)
    assert identity is not None and identity.user == user
    assert problem in identity.problem and bool(identity.problem) == bool(problem)


def test_without_a_configured_secret_the_header_is_never_trusted(tmp_path: Path) -> None:
    """A browser reaching the app directly cannot name itself bob: it is anonymous, and the
    set-up problem is one sentence (shown at start and in the log)."""
    settings = _settings(tmp_path, secret=None)
    identity = identity_from_headers(settings, [(USER, "bob"), (PROOF, "")])
    assert identity is not None and identity.user == ANONYMOUS
    sentence = setup_problem(settings)
    assert sentence == identity.problem and sentence.count(". ") == 0
    assert "STUDIO_TRUSTED_PROXY_SECRET is not" in sentence


def test_without_a_user_header_setting_headers_are_ignored(tmp_path: Path) -> None:
    """No proxy configured: the caller uses its own user, whatever the request sends."""
    settings = _settings(tmp_path, header="", secret=None)
    assert identity_from_headers(settings, [(USER, "bob")]) is None
    assert setup_problem(settings) is None


def test_the_secret_never_shows_in_settings_repr(tmp_path: Path) -> None:
    """Settings are printed in logs and test reports; the secret is not."""
    assert SECRET not in repr(_settings(tmp_path))
