"""Tips end to end on the simulated internet: a 12345 hotline CSV imported with the CLI, and a
certificate photo uploaded in the review UI and checked in the background, each ending on a
lead that carries the tip's provenance."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import qrcode
from openpyxl import Workbook
from starlette.testclient import TestClient

from core.config import Settings
from storage.db import Database
from storage.repository import Repository
from zhenwei.tips.read import read_tip_file
from zhenwei.web import create_app

ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
pytestmark = pytest.mark.browser


def _env(simnet, data: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, **simnet.env, "ZHENWEI_DATA_DIR": str(data)}
    env.pop("ZHENWEI_DATABASE_URL", None)
    return env


def test_tip_files_csv_and_xlsx_keep_provenance(tmp_path: Path) -> None:
    csv_path = tmp_path / "12345.csv"
    csv_path.write_text(
        "工单编号,来电时间,来电人,内容\n"
        "GD2026110001,2026-11-03 09:15,张先生,有人发来 http://cx-mem-gov.cn/ 说能查证书\n"
        "GD2026110002,2026年11月4日 10:00,李女士,电话里说可以办证，没有网址\n",
        "gb18030",
    )
    rows = read_tip_file(csv_path)
    first, second = rows.tips
    assert (first.channel, first.reference) == ("12345", "GD2026110001")
    assert first.urls == ("http://cx-mem-gov.cn/",)
    assert first.received_at.isoformat() == "2026-11-03T01:15:00+00:00"  # Beijing → UTC
    assert first.origin["reporter"] == "张先生" and first.origin["line"] == 2
    assert second.urls == () and rows.problems[0][0] == 3
    wb = Workbook()
    ws = wb.active
    ws.append(["网址", "渠道", "举报人编号", "受理时间"])
    ws.append(["zs-cx.top/cert/verify", "市长信箱", "R-77", "2026-11-05 08:00:00"])
    xlsx = tmp_path / "tips.xlsx"
    wb.save(xlsx)
    (tip,) = read_tip_file(xlsx).tips
    assert (tip.channel, tip.reference, tip.urls) == (
        "市长信箱",
        "R-77",
        ("http://zs-cx.top/cert/verify",),
    )


def test_hotline_csv_import_ends_on_a_lead(simnet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = _env(simnet, tmp_path / "data")
    tips = tmp_path / "tips.csv"
    tips.write_text(
        "工单编号,来电时间,来电人,内容\n"
        "GD-1,2026-11-03 09:15,张先生,网站 cx-mem-gov.cn 可以查我的操作证？\n",
        "utf-8",
    )
    args = [*ZHENWEI, "tips", "import", str(tips), "--json", "--timeout", "30"]
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (tip,) = [json.loads(x) for x in proc.stdout.splitlines()]
    assert tip["status"] == "checked" and tip["reference"] == "GD-1"
    (check,) = tip["checks"]
    assert check["verdict"] == "counterfeit" and check["lead_id"]
    repo = Repository(Database.from_settings(Settings.from_env(env)))
    detail = repo.leads.get(check["lead_id"])
    (src,) = [s for s in detail.sources if s.source == "tips"]
    assert src.context["tip_id"] == tip["id"] and src.context["channel"] == "12345"
    assert [t.id for t in repo.tips.for_lead(detail.lead.id)] == [tip["id"]]
    # the same export imported again adds nothing
    again = subprocess.run(
        [*ZHENWEI, "tips", "import", str(tips), "--no-check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0 and "已导入过" in again.stderr
    assert len(repo.tips.list()) == 1
    repo.db.close()


def test_certificate_photo_in_the_ui_is_checked_in_the_background(  # type: ignore[no-untyped-def]
    simnet_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**simnet_env, "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    monkeypatch.delenv("ZHENWEI_DATABASE_URL", raising=False)
    monkeypatch.setenv("ZHENWEI_DATA_DIR", env["ZHENWEI_DATA_DIR"])
    settings = Settings.from_env(env)
    repo = Repository(Database.from_settings(settings))
    repo.users.add("li", "analyst", "correct horse battery")
    photo = io.BytesIO()
    qrcode.make("http://tzzy-zscx.cc/m/q?c=T420106198802143395").save(photo, "PNG")
    app = create_app(settings, secret_key="k" * 32)
    with TestClient(app, follow_redirects=False) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)  # type: ignore[union-attr]
        c.post("/login", data={"name": "li", "password": "correct horse battery", "csrf": token})
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/tips").text).group(1)  # type: ignore[union-attr]
        r = c.post(
            "/tips",
            data={"csrf": token, "channel": "12345", "reference": "GD-PHOTO"},
            files={"photo": ("card.png", photo.getvalue(), "image/png")},
        )
        assert r.status_code == 303
        (tip,) = repo.tips.list()
        assert tip.status == "pending" and tip.origin["qr_texts"]
        deadline = time.monotonic() + 300
        while repo.tips.get(tip.id).status == "pending" and time.monotonic() < deadline:
            time.sleep(2)
        done = repo.tips.get(tip.id)
        assert done.status == "checked", (
            settings.data_dir / "tips" / f"tip-{tip.id}.log"
        ).read_text()
        (check,) = done.checks
        assert check.lead_id is not None and check.verdict == "counterfeit"
        page = c.get(f"/leads/{check.lead_id}").text
        assert "GD-PHOTO" in page  # the tip is on the lead
        assert f"线索 #{check.lead_id}" in c.get("/tips").text
    repo.db.close()
