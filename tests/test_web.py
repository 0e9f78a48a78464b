"""The review web UI end to end: real Starlette app, real SQLite, real evidence store, real uvicorn."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw
from sqlalchemy import text
from starlette.testclient import TestClient

from core.config import Settings
from core.signals import ScoredPage, Signal
from core.types import Page
from storage.db import Database
from storage.repository import Repository, SourceHit
from zhenwei.web import create_app

T0 = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
HOSTILE = "特种作业操作证查询<script>alert(1)</script>"
PASSWORDS = {"li": "analyst-pw", "wang": "supervisor-pw", "root": "admin-pw"}


def png() -> bytes:
    img = Image.new("RGB", (320, 200), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((10, 10, 310, 50), fill=(22, 50, 79))
    draw.ellipse((120, 80, 200, 160), fill=(198, 40, 40))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def scored(
    host: str, score: int, verdict: str, *, title: str, at: datetime = T0, shot: bytes = b""
) -> ScoredPage:
    page = Page(
        url=f"http://{host}/",
        final_url=f"https://{host}/",
        status=200,
        fetched_at=at,
        user_agent="Mozilla/5.0 test",
        raw_html=f"<html><title>{title}</title><script>alert('evidence')</script></html>",
        rendered_html=f"<html><head><title>{title}</title></head><body>{host}</body></html>",
        title=title,
        visible_text=f"{title} 请输入证件号码",
        screenshot_png=shot,
    )
    signals = (
        Signal(
            "title_match",
            "1.0",
            0.9,
            "标题与官方平台相同<b>粗体</b>",
            {"title": title},
            ("impersonation",),
        ),
        Signal("domain_lookalike", "1.2", 0.7, "域名仿冒 cx.mem.gov.cn", {"distance": 2}),
    )
    cats = ("impersonation",) if verdict == "counterfeit" else ()
    return ScoredPage(page, signals, score, verdict, cats, target="mem")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ZHENWEI_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def seeded(env: dict[str, str]) -> dict[str, int]:
    """Three leads (one hostile-titled with a screenshot and two captures) and three users."""
    db = Database.from_settings(Settings.from_env(env))
    repo = Repository(db)
    ids = {}
    ids["fake"] = repo.leads.record(
        scored("cx-mem-gov.cn", 95, "counterfeit", title=HOSTILE, shot=png()),
        run_id=None,
        sources=[SourceHit("ct", T0)],
    ).id
    repo.leads.record(
        scored("cx-mem-gov.cn", 90, "counterfeit", title=HOSTILE, at=T0 - timedelta(days=1)),
        run_id=None,
    )
    ids["seller"] = repo.leads.record(
        scored("banzheng.example", 60, "suspicious", title="办证 加急"), run_id=None
    ).id
    ids["school"] = repo.leads.record(
        scored("peixun.example", 10, "benign", title="安全培训学校"), run_id=None
    ).id
    for name, role in (("li", "analyst"), ("wang", "supervisor"), ("root", "admin")):
        repo.users.add(name, role, PASSWORDS[name])
    db.close()
    return ids


@pytest.fixture
def client(env: dict[str, str], seeded: dict[str, int]) -> TestClient:
    app = create_app(Settings.from_env(env), secret_key="test-secret-" + "x" * 32)
    with TestClient(app, follow_redirects=False) as c:
        yield c  # type: ignore[misc]


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def login(c: TestClient, name: str, password: str | None = None) -> httpx.Response:
    token = csrf_of(c.get("/login").text)
    return c.post(
        "/login", data={"name": name, "password": password or PASSWORDS[name], "csrf": token}
    )


def act(c: TestClient, lead_id: int, action: str, note: str = "", **form: str) -> httpx.Response:
    token = csrf_of(c.get(f"/leads/{lead_id}").text)
    data = {"action": action, "note": note, "csrf": token, **form}
    return c.post(f"/leads/{lead_id}/review", data=data)


def test_anonymous_is_sent_to_login(client: TestClient, seeded: dict[str, int]) -> None:
    for path in ("/", "/leads", f"/leads/{seeded['fake']}"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/login", path
    r = client.get("/login")
    assert r.status_code == 200 and "登录" in r.text
    assert "script-src" not in r.headers["content-security-policy"]
    assert "default-src 'none'" in r.headers["content-security-policy"]


def test_wrong_password_rejected(client: TestClient) -> None:
    r = login(client, "li", "not-the-password")
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    assert client.get("/leads").status_code == 303
    r = login(client, "nobody", "x")
    assert r.status_code == 401


def test_login_post_without_csrf_is_forbidden(client: TestClient) -> None:
    client.get("/login")
    r = client.post("/login", data={"name": "li", "password": PASSWORDS["li"]})
    assert r.status_code == 403
    assert client.get("/leads").status_code == 303


def test_analyst_reviews_a_lead(client: TestClient, seeded: dict[str, int]) -> None:
    assert login(client, "li").headers["location"] == "/leads"
    queue = client.get("/leads")
    assert queue.status_code == 200 and "线索队列" in queue.text
    hosts = re.findall(r'<a href="/leads/\d+">([^<]+)</a>', queue.text)
    assert hosts == ["cx-mem-gov.cn", "banzheng.example", "peixun.example"]  # best first
    assert "仿冒" in queue.text and "可疑" in queue.text and "新线索" in queue.text

    filtered = client.get("/leads", params={"verdict": "suspicious"})
    assert re.findall(r'<a href="/leads/\d+">([^<]+)</a>', filtered.text) == ["banzheng.example"]
    above = client.get("/leads", params={"min_score": "50"})
    assert "peixun.example" not in above.text and "banzheng.example" in above.text

    lead_id = seeded["fake"]
    page = client.get(f"/leads/{lead_id}")
    assert page.status_code == 200 and "线索详情" in page.text
    assert (
        "域名仿冒 cx.mem.gov.cn" in page.text
        and "domain_lookalike" in page.text
        and "1.2" in page.text
    )
    assert page.text.count('class="capture"') == 2
    assert "审计链完整" in page.text

    assert act(client, lead_id, "reviewing").status_code == 303
    r = act(client, lead_id, "confirm", "与官方平台页面完全一致，已截图")
    assert r.status_code == 303
    page = client.get(f"/leads/{lead_id}")
    assert "已确认" in page.text and "与官方平台页面完全一致，已截图" in page.text
    history = page.text.split("审核记录", 1)[1].split("抓取记录", 1)[0]
    assert "<td>li</td>" in history and "审核中 → 已确认" in history
    assert "审计链完整（已核验 2 条记录）" in page.text

    status = client.get("/leads", params={"status": "confirmed"})
    assert re.findall(r'<a href="/leads/\d+">([^<]+)</a>', status.text) == ["cx-mem-gov.cn"]


def test_roles_limit_actions(client: TestClient, seeded: dict[str, int]) -> None:
    lead_id = seeded["fake"]
    login(client, "li")
    act(client, lead_id, "reviewing")
    act(client, lead_id, "confirm", "确认")
    page = client.get(f"/leads/{lead_id}").text
    assert 'value="refer"' not in page
    r = act(client, lead_id, "refer", "移交公安")
    assert r.status_code == 403 and "无权" in r.text
    assert "已确认" in client.get(f"/leads/{lead_id}").text

    client.post("/logout", data={"csrf": csrf_of(page)})
    assert client.get("/leads").status_code == 303
    login(client, "wang")
    assert 'value="refer"' in client.get(f"/leads/{lead_id}").text
    assert act(client, lead_id, "refer", "移交网安支队").status_code == 303
    page = client.get(f"/leads/{lead_id}").text
    assert "已确认 → 已移交" in page and "<td>wang</td>" in page


def test_bad_transition_is_an_error_message(client: TestClient, seeded: dict[str, int]) -> None:
    login(client, "root")
    r = act(client, seeded["seller"], "taken_down")
    assert r.status_code == 409 and "当前状态不允许" in r.text
    r = act(client, seeded["seller"], "note", "")
    assert r.status_code == 409 and "备注不能为空" in r.text


def test_post_without_csrf_forbidden(client: TestClient, seeded: dict[str, int]) -> None:
    login(client, "li")
    lead_id = seeded["fake"]
    r = client.post(f"/leads/{lead_id}/review", data={"action": "dismiss", "note": "x"})
    assert r.status_code == 403
    r = client.post(
        f"/leads/{lead_id}/review", data={"action": "dismiss", "note": "x", "csrf": "forged"}
    )
    assert r.status_code == 403
    assert "新线索" in client.get(f"/leads/{lead_id}").text
    assert "尚无审核记录" in client.get(f"/leads/{lead_id}").text


def test_hostile_title_is_escaped(client: TestClient, seeded: dict[str, int]) -> None:
    login(client, "li")
    for path in ("/leads", f"/leads/{seeded['fake']}"):
        html = client.get(path).text
        assert "<script>" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    detail = client.get(f"/leads/{seeded['fake']}").text
    assert "<b>粗体</b>" not in detail and "&lt;b&gt;粗体&lt;/b&gt;" in detail


def test_screenshot_and_evidence_routes(client: TestClient, seeded: dict[str, int]) -> None:
    lead_id = seeded["fake"]
    assert client.get(f"/leads/{lead_id}/captures/1/screenshot").status_code == 303  # anonymous
    login(client, "li")
    page = client.get(f"/leads/{lead_id}").text
    src = re.search(r'<img src="([^"]+)"', page)
    assert src and src.group(1).endswith("/screenshot")
    r = client.get(src.group(1))
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.content == png()
    assert r.headers["content-security-policy"] == "default-src 'none'; img-src 'self'"
    assert r.headers["x-content-type-options"] == "nosniff"

    raw = re.search(r'href="(/leads/\d+/captures/\d+/raw_html)"', page)
    assert raw
    r = client.get(raw.group(1))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-security-policy"] == "default-src 'none'; img-src 'self'"
    assert b"<script>alert('evidence')</script>" in r.content

    # unknown captures and roles are 404s, not guesses
    assert client.get(f"/leads/{lead_id}/captures/999/screenshot").status_code == 404
    assert client.get(f"/leads/{lead_id}/captures/1/no-such-role").status_code == 404


def test_altered_evidence_file_is_refused(
    client: TestClient, env: dict[str, str], seeded: dict[str, int]
) -> None:
    login(client, "li")
    page = client.get(f"/leads/{seeded['fake']}").text
    path = re.search(r'<img src="([^"]+)"', page)
    assert path
    sha = client.get(path.group(1)).headers["x-evidence-sha256"]
    stored = next((Path(env["ZHENWEI_DATA_DIR"]) / "artifacts").rglob(sha))
    stored.write_bytes(png()[:-10] + b"0123456789")
    r = client.get(path.group(1))
    assert r.status_code == 409 and "哈希不符" in r.text
    assert r.headers["content-type"].startswith("text/html")


def test_tampered_review_shows_broken_chain(
    client: TestClient, env: dict[str, str], seeded: dict[str, int]
) -> None:
    lead_id = seeded["fake"]
    login(client, "li")
    act(client, lead_id, "reviewing", "开始核查")
    act(client, lead_id, "dismiss", "培训机构，非仿冒", dismiss_reason="false_positive")
    assert "审计链完整" in client.get(f"/leads/{lead_id}").text
    db = Database.from_settings(Settings.from_env(env))
    with db.session(write=True) as s:
        s.execute(text("UPDATE review_event SET note = '已改写' WHERE action = 'dismiss'"))
    db.close()
    page = client.get(f"/leads/{lead_id}").text
    assert "审计链被篡改" in page and "审计链完整" not in page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_zhenwei_serve_subprocess(
    env: dict[str, str], seeded: dict[str, int], tmp_path: Path
) -> None:
    port = _free_port()
    proc_env = {**os.environ, **env, "ZHENWEI_SECRET_KEY": "k" * 32}
    proc = subprocess.Popen(
        [sys.executable, "-m", "zhenwei.cli", "serve", "--port", str(port)],
        env=proc_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"server did not start: {proc.stderr.read() if proc.stderr else ''}"
                    ) from None
                time.sleep(0.2)
        assert r.status_code == 200 and "登录" in r.text
        assert "default-src 'none'" in r.headers["content-security-policy"]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in err


def test_a_post_lead_says_on_which_platform_it_was_posted(
    client: TestClient, env: dict[str, str]
) -> None:
    repo = Repository(Database.from_settings(Settings.from_env(env)))
    post = repo.leads.record(
        scored("tieba.baidu.com/p/8812345670", 78, "suspicious", title="电工证 免考"), run_id=None
    )
    assert post.host == "tieba.baidu.com/p/8812345670"
    assert post.registered_domain == post.host  # a domain-wide label on it covers only the post
    login(client, "li")
    queue = client.get("/leads").text
    assert "百度贴吧帖子" in queue
    page = client.get(f"/leads/{post.id}").text
    assert "发布平台" in page and "百度贴吧上的用户帖子" in page
    fake = client.get("/leads").text.split("cx-mem-gov.cn", 1)[1].split("</td>", 1)[0]
    assert "帖子" not in fake  # a site is no post
