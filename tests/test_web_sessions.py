"""Findings 2, 5 and 6 of issue 9 against the real review app: server-side sessions, the
role-aware workflow and login throttling / auth events."""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import itsdangerous
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from starlette.testclient import TestClient
from test_web import PASSWORDS, act, csrf_of, login, seeded  # noqa: F401  (fixture)

from core.config import ConfigError, Settings
from storage.db import Database
from storage.repository import Repository
from zhenwei.web import create_app

SECRET = "s" * 40


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ZHENWEI_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def client(env: dict[str, str], seeded: dict[str, int]) -> Iterator[TestClient]:  # noqa: F811
    app = create_app(Settings.from_env(env), secret_key=SECRET)
    with TestClient(app, follow_redirects=False) as c:
        yield c


def _sql(env: dict[str, str], statement: str, **params: object) -> list[tuple[object, ...]]:
    db = Database.from_settings(Settings.from_env(env))
    try:
        with db.session(write=True) as s:
            result = s.execute(text(statement), params)
            return [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        db.close()


def _status(env: dict[str, str], lead_id: int) -> str:
    return str(_sql(env, "SELECT status FROM lead WHERE id = :i", i=lead_id)[0][0])


def _as(c: TestClient, name: str) -> None:
    c.cookies.clear()
    assert login(c, name).status_code == 303


def _note(c: TestClient, lead_id: int, token: str, note: str) -> httpx.Response:
    return c.post(f"/leads/{lead_id}/review", data={"action": "note", "note": note, "csrf": token})


# ---------------------------------------------------------------- finding 2: sessions
def test_logout_ends_the_session_for_a_replayed_cookie(
    client: TestClient,
    seeded: dict[str, int],  # noqa: F811
) -> None:
    lead = seeded["fake"]
    assert login(client, "li").status_code == 303
    token = csrf_of(client.get(f"/leads/{lead}").text)
    old_cookie = client.cookies["zhenwei_session"]
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    client.cookies.set("zhenwei_session", old_cookie)
    assert client.get("/leads").headers["location"] == "/login"
    r = _note(client, lead, token, "注销后仍可写？")
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_demoted_admin_cannot_mark_official(
    client: TestClient,
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
) -> None:
    lead = seeded["seller"]
    login(client, "root")
    token = csrf_of(client.get(f"/leads/{lead}").text)
    _sql(env, "UPDATE \"user\" SET role = 'analyst' WHERE name = 'root'")
    r = client.post(f"/leads/{lead}/review", data={"action": "official", "csrf": token})
    assert r.status_code == 403
    assert _status(env, lead) == "new"


def test_deleted_user_cannot_post(
    client: TestClient,
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
) -> None:
    lead = seeded["fake"]
    login(client, "li")
    token = csrf_of(client.get(f"/leads/{lead}").text)
    _sql(env, "DELETE FROM \"user\" WHERE name = 'li'")
    r = _note(client, lead, token, "已删除的账号")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert _sql(env, "SELECT COUNT(*) FROM review_event")[0][0] == 0


def test_role_change_and_deletion_revoke_sessions(
    client: TestClient,
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
) -> None:
    repo = Repository(Database.from_settings(Settings.from_env(env)))
    try:
        login(client, "wang")
        assert client.get("/leads").status_code == 200
        repo.users.set_role("wang", "admin")  # even a promotion signs them out
        assert client.get("/leads").headers["location"] == "/login"
        _as(client, "wang")
        assert client.get("/leads").status_code == 200
        repo.users.delete("wang")
        assert client.get("/leads").headers["location"] == "/login"
    finally:
        repo.db.close()


def test_idle_and_absolute_timeouts_and_posts_do_not_extend(
    client: TestClient,
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
) -> None:
    lead = seeded["fake"]
    login(client, "li")
    (expires,) = _sql(env, "SELECT expires_at FROM web_session")[0]
    _sql(env, "UPDATE web_session SET last_seen = '2000-01-01 00:00:00.000000'")
    assert client.get("/leads").headers["location"] == "/login"  # idle

    login(client, "li")
    token = csrf_of(client.get(f"/leads/{lead}").text)
    (expires,) = _sql(env, "SELECT expires_at FROM web_session")[0]
    assert _note(client, lead, token, "一条备注").status_code == 303
    assert _sql(env, "SELECT expires_at FROM web_session")[0][0] == expires
    _sql(env, "UPDATE web_session SET expires_at = '2000-01-01 00:00:00.000000'")
    assert client.get("/leads").headers["location"] == "/login"  # absolute


def _forge(secret: str, session: dict[str, object]) -> str:
    data = base64.b64encode(json.dumps(session).encode())
    return itsdangerous.TimestampSigner(secret).sign(data).decode()


def test_forged_cookie_for_a_user_who_does_not_exist(
    client: TestClient,
    seeded: dict[str, int],  # noqa: F811
) -> None:
    """Whoever knows the signing key still cannot name a user or role in the cookie."""
    cookie = _forge(SECRET, {"user": {"name": "ghost", "role": "admin"}, "csrf": "t"})
    client.cookies.set("zhenwei_session", cookie)
    assert client.get("/leads").headers["location"] == "/login"
    r = client.post(f"/leads/{seeded['seller']}/review", data={"action": "official", "csrf": "t"})
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_weak_secret_key_is_refused(env: dict[str, str], seeded: dict[str, int]) -> None:  # noqa: F811
    with pytest.raises(ConfigError):
        create_app(Settings.from_env(env), secret_key="weak-secret")


def test_secure_cookie_option(env: dict[str, str], seeded: dict[str, int]) -> None:  # noqa: F811
    settings = Settings.from_env({**env, "ZHENWEI_SECURE_COOKIES": "1"})
    with TestClient(
        create_app(settings, secret_key=SECRET),
        base_url="https://testserver",
        follow_redirects=False,
    ) as c:
        r = c.get("/login")
        assert "secure" in r.headers["set-cookie"].lower()
    with TestClient(create_app(Settings.from_env(env), secret_key=SECRET)) as c:
        assert "secure" not in c.get("/login").headers["set-cookie"].lower()


# ---------------------------------------------------------------- finding 5: workflow
def test_analyst_cannot_undo_a_referral_or_an_official_mark(
    client: TestClient,
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
) -> None:
    lead = seeded["fake"]
    _as(client, "wang")
    for action in ("reviewing", "confirm", "refer"):
        assert act(client, lead, action).status_code == 303
    assert _status(env, lead) == "referred"
    _as(client, "li")
    page = client.get(f"/leads/{lead}").text
    assert 'value="dismiss"' not in page
    assert act(client, lead, "dismiss", "撤销移交").status_code == 403
    assert _status(env, lead) == "referred"

    other = seeded["seller"]
    _as(client, "root")
    assert act(client, other, "official").status_code == 303
    _as(client, "li")
    assert act(client, other, "reviewing").status_code == 403
    assert act(client, other, "dismiss").status_code == 403
    assert _status(env, other) == "official"
    _as(client, "wang")  # a supervisor may dismiss a referral
    assert act(client, lead, "dismiss", "误报", dismiss_reason="false_positive").status_code == 303


# ---------------------------------------------------------------- finding 6: login
def test_login_is_throttled_per_account_and_per_address(
    client: TestClient,
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
) -> None:
    for _ in range(5):
        assert login(client, "li", "wrong").status_code == 401
    r = login(client, "li")  # the right password, but too soon
    assert r.status_code == 429 and "秒后再试" in r.text
    # the same address trying other names is held back as well
    assert login(client, "wang").status_code == 429
    kinds = [k for (k,) in _sql(env, "SELECT kind FROM auth_event ORDER BY id")]
    assert kinds.count("login_failed") == 5 and "throttled" in kinds


def test_unknown_user_costs_a_password_hash(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    seeded: dict[str, int],  # noqa: F811
) -> None:
    calls: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str, password: str) -> bool:
        calls.append(password)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    assert login(client, "nobody-here", "guess").status_code == 401
    assert calls == ["guess"]


def test_auth_events_reach_trail_and_log(
    client: TestClient,
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="zhenwei.auth"):
        login(client, "li", "wrong")
        login(client, "li")
    assert [k for (k,) in _sql(env, "SELECT kind FROM auth_event ORDER BY id")] == [
        "login_failed",
        "login",
    ]
    assert any("login_failed" in r.getMessage() for r in caplog.records)
    repo = Repository(Database.from_settings(Settings.from_env(env)))
    try:
        assert repo.auth_log.verify()
        with repo.db.session(write=True) as s:
            s.execute(text("DELETE FROM auth_event WHERE kind = 'login'"))
        assert not repo.auth_log.verify()
    finally:
        repo.db.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_makes_its_key_and_logs_auth_events(
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
    tmp_path: Path,
) -> None:
    cmd = [sys.executable, "-m", "zhenwei.cli", "serve", "--port", str(_free_port())]
    weak = subprocess.run(
        cmd,
        env={**os.environ, **env, "ZHENWEI_SECRET_KEY": "short"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert weak.returncode == 1 and "at least 32" in weak.stderr

    log_file = tmp_path / "serve.log"
    port = _free_port()
    cmd[-1] = str(port)
    proc_env = {**os.environ, **env, "ZHENWEI_LOG_FILE": str(log_file)}
    proc_env.pop("ZHENWEI_SECRET_KEY", None)
    proc = subprocess.Popen(cmd, env=proc_env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as c:
            while True:
                try:
                    token = csrf_of(c.get("/login").text)
                    break
                except httpx.TransportError:
                    assert proc.poll() is None and time.monotonic() < deadline
                    time.sleep(0.2)
            c.post("/login", data={"name": "li", "password": "wrong", "csrf": token})
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    key = Path(env["ZHENWEI_DATA_DIR"]) / "session.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(bytes.fromhex(key.read_text())) >= 32
    assert "login_failed" in log_file.read_text()


# ---------------------------------------------------------------- finding 3: the UI says so
def test_every_page_warns_when_events_were_deleted(
    client: TestClient,
    env: dict[str, str],
    seeded: dict[str, int],  # noqa: F811
) -> None:
    lead = seeded["fake"]
    _as(client, "li")
    act(client, lead, "reviewing", "开始核查")
    act(client, lead, "note", "第二条")
    assert "审计链校验失败" not in client.get("/leads").text
    _sql(env, "DELETE FROM review_event WHERE id = (SELECT MAX(id) FROM review_event)")
    _sql(env, "UPDATE lead SET review_head = (SELECT hash FROM review_event) WHERE id = :i", i=lead)
    assert "审计链校验失败" in client.get("/leads").text
    assert "审计链被篡改" in client.get(f"/leads/{lead}").text


def test_cli_review_obeys_the_same_workflow(env: dict[str, str], seeded: dict[str, int]) -> None:  # noqa: F811
    from click.testing import CliRunner

    from zhenwei.cli import main

    lead = seeded["fake"]

    def review(action: str, user: str) -> int:
        return (
            CliRunner()
            .invoke(main, ["review", str(lead), action, "--user", user], env=env)
            .exit_code
        )

    assert review("reviewing", "li") == 0
    assert review("confirm", "li") == 0
    assert review("refer", "li") == 1  # an analyst cannot refer
    assert review("refer", "wang") == 0
    assert review("dismiss", "li") == 1  # nor undo a referral
    assert _status(env, lead) == "referred"
    assert review("dismiss", "ghost") == 1
