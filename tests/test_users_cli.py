"""`zhenwei users add|list`: passwords from stdin, exit codes 1 (exists) and 2 (usage)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from core.config import Settings
from storage.db import Database
from storage.repository import Repository
from zhenwei.cli import main


def _env(tmp_path: Path) -> dict[str, str]:
    return {"ZHENWEI_DATA_DIR": str(tmp_path / "data"), "ZHENWEI_DATABASE_URL": ""}


def _verify(tmp_path: Path, name: str, password: str) -> str | None:
    db = Database.from_settings(Settings.from_env(_env(tmp_path)))
    try:
        return Repository(db).users.verify(name, password)
    finally:
        db.close()


def test_add_reads_password_from_a_pipe(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "zhenwei.cli", "users", "add", "li", "--role", "analyst"],
        input="s3cret 密码\n",
        env={**os.environ, **_env(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "s3cret" not in proc.stderr
    assert _verify(tmp_path, "li", "s3cret 密码") == "analyst"
    assert _verify(tmp_path, "li", "s3cret 密码\n") is None


def test_add_existing_user_exits_1(tmp_path: Path) -> None:
    runner = CliRunner()
    env = _env(tmp_path)
    ok = runner.invoke(
        main, ["users", "add", "wang", "--role", "supervisor"], input="pw1\n", env=env
    )
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(main, ["users", "add", "wang", "--role", "admin"], input="pw2\n", env=env)
    assert again.exit_code == 1
    assert "exists" in again.stderr
    assert _verify(tmp_path, "wang", "pw1") == "supervisor"
    assert _verify(tmp_path, "wang", "pw2") is None


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    env = _env(tmp_path)
    bad_role = runner.invoke(main, ["users", "add", "x", "--role", "root"], input="pw\n", env=env)
    assert bad_role.exit_code == 2
    no_role = runner.invoke(main, ["users", "add", "x"], input="pw\n", env=env)
    assert no_role.exit_code == 2
    empty = runner.invoke(main, ["users", "add", "x", "--role", "analyst"], input="", env=env)
    assert empty.exit_code == 2 and "password" in empty.stderr


def test_list(tmp_path: Path) -> None:
    runner = CliRunner()
    env = _env(tmp_path)
    for name, role in (("zhao", "admin"), ("li", "analyst")):
        assert (
            runner.invoke(
                main, ["users", "add", name, "--role", role], input="pw\n", env=env
            ).exit_code
            == 0
        )
    out = runner.invoke(main, ["users", "list"], env=env)
    assert out.exit_code == 0
    rows = [line.split("\t")[:2] for line in out.stdout.splitlines()]
    assert rows == [["li", "analyst"], ["zhao", "admin"]]
