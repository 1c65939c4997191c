"""The app's acting user behind a proxy (AppTest): a browser that reaches the app directly and
sends ``X-Forwarded-User: bob`` is anonymous; the proxy, proving itself with the shared secret,
signs bob in."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from studio.context import Studio
from studio.registry.register import register_candidate
from studio.registry.versions import history

ROOT = Path(__file__).resolve().parents[2]
SECRET = "proxy-secret-123"


def _as_request(monkeypatch: pytest.MonkeyPatch, headers: list[tuple[str, str]]) -> None:
    """Make the session's opening request carry ``headers`` (what st.context.headers reads)."""
    from streamlit.runtime import context

    client = SimpleNamespace(headers=headers)
    monkeypatch.setattr(context, "_get_client_context", lambda: client)


def _approve(**query: str):  # noqa: ANN202
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.switch_page("pages/4_Models.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.text_input(key="mdl_decide_comment_1").set_value("looks fine")
    return at.button(key="FormSubmitter:mdl_decide_1-Approve").click().run()


@pytest.fixture
def behind_proxy(run_home: Studio, monkeypatch: pytest.MonkeyPatch) -> Studio:
    """Model 'm' v1 pending; roles: bob approves, everyone else views; the user header set."""
    register_candidate(run_home, 1, "m", "tester")
    (run_home.settings.home / "roles.toml").write_text('[users]\nbob = ["approver"]\n')
    monkeypatch.setenv("STUDIO_TRUSTED_USER_HEADER", "X-Forwarded-User")
    return run_home


def test_a_direct_browser_naming_itself_bob_is_anonymous(
    behind_proxy: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No secret configured: the header is not trusted; the page says who is acting and the
    approval is refused in one sentence; the audit log has no 'bob'."""
    _as_request(monkeypatch, [("X-Forwarded-User", "bob")])
    at = _approve(model="m")
    assert not at.exception
    assert any("Signed in as **anonymous** (viewer)" in c.value for c in at.sidebar.caption)
    assert [e.value for e in at.error] == [
        "anonymous may not approve or reject model versions: that needs the approver role "
        f"(roles come from {behind_proxy.settings.home / 'roles.toml'})."
    ]
    assert [e.actor for e in history(behind_proxy, "m")] == ["tester"]
    logged = (behind_proxy.settings.home / "logs" / "studio.log").read_text()
    assert "STUDIO_TRUSTED_PROXY_SECRET is not, so the X-Forwarded-User header" in logged


def test_a_wrong_secret_is_anonymous_and_the_proxy_signs_bob_in(
    behind_proxy: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the secret configured, a guessed one is anonymous; the proxy's is bob, and bob's
    approval is what the audit log records."""
    monkeypatch.setenv("STUDIO_TRUSTED_PROXY_SECRET", SECRET)
    _as_request(monkeypatch, [("X-Forwarded-User", "bob"), ("X-Studio-Proxy-Secret", "guess")])
    at = _approve(model="m")
    assert any("anonymous may not approve" in e.value for e in at.error)
    logged = (behind_proxy.settings.home / "logs" / "studio.log").read_text()
    assert "A request came with a wrong X-Studio-Proxy-Secret header" in logged
    _as_request(monkeypatch, [("X-Forwarded-User", "bob"), ("X-Studio-Proxy-Secret", SECRET)])
    at = _approve(model="m")
    assert not at.exception and not at.error
    assert any("Signed in as **bob** (approver)" in c.value for c in at.sidebar.caption)
    assert [(e.actor, e.action) for e in history(behind_proxy, "m")] == [
        ("bob", "approval"), ("tester", "registered"),
    ]  # fmt: skip
