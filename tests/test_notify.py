"""Digests reach a real webhook receiver and a real SMTP server on loopback."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from core.config import NotifyConfig, Settings
from zhenwei.notify.digest import Digest, DigestItem, webhook_payload
from zhenwei.notify.send import deliver

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
DIGEST = Digest(
    run_id=7,
    started_at=NOW,
    finished_at=NOW,
    items=(
        DigestItem(
            1,
            "cx-mem-gov.cn",
            "http://cx-mem-gov.cn/",
            96,
            "counterfeit",
            ("impersonation",),
            "new",
            None,
            "页面自称应急管理部查询平台",
        ),
        DigestItem(
            2,
            "zs-cx.top",
            "https://zs-cx.top/cert",
            88,
            "counterfeit",
            ("fake-verification",),
            "changed",
            55,
            "伪造查询结果页",
        ),
    ),
    stats={"ct": {"candidates": 3}},
)


class _Receiver(BaseHTTPRequestHandler):
    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"errcode":0}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Any:
    _Receiver.bodies = []
    srv = HTTPServer(("127.0.0.1", 0), _Receiver)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("fmt", ["json", "wecom", "dingtalk"])
def test_webhook_formats(receiver: HTTPServer, fmt: str) -> None:
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    cfg = NotifyConfig(webhook_url=url, webhook_format=fmt)
    result = deliver(DIGEST, cfg, Settings())
    assert [d.ok for d in result] == [True]
    body = _Receiver.bodies[-1]
    if fmt == "json":
        assert [i["host"] for i in body["items"]] == ["cx-mem-gov.cn", "zs-cx.top"]
    else:
        assert body["msgtype"] == "markdown"
        text = body["markdown"].get("content") or body["markdown"]["text"]
        assert "cx-mem-gov.cn" in text and "新增高风险线索 1 条" in text


def test_webhook_down_is_reported_not_raised() -> None:
    cfg = NotifyConfig(webhook_url="http://127.0.0.1:9/hook")
    (d,) = deliver(DIGEST, cfg, Settings())
    assert not d.ok and d.detail


def test_wecom_payload_is_capped() -> None:
    many = Digest(1, NOW, NOW, tuple(DIGEST.items[0] for _ in range(500)), {})
    content = webhook_payload(many, "wecom")["markdown"]["content"]
    assert len(content.encode()) <= 4096


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


def test_smtp_digest() -> None:
    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        cfg = NotifyConfig(smtp_host="127.0.0.1", smtp_port=port, mail_to=("duty@unit.local",))
        (d,) = deliver(DIGEST, cfg, Settings())
        assert d.ok, d.detail
    finally:
        ctl.stop()
    (msg,) = inbox.messages
    assert msg["To"] == "duty@unit.local"
    body = msg.get_payload(decode=True).decode("utf-8")
    assert "cx-mem-gov.cn" in body and "变化（原 55 分）" in body


def test_digest_says_when_a_new_lead_joins_a_known_campaign(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from storage_pages import open_repo, scored

    from zhenwei.notify.build import build_digest

    repo = next(open_repo(f"sqlite:///{tmp_path / 'z.db'}", tmp_path))
    body = " 微信：gang_one88"
    old = [repo.leads.record(scored(f"old{i}.top", body=body), run_id=None).id for i in (1, 2)]
    repo.campaigns.link()
    new = repo.leads.record(scored("new.top", body=body), run_id=None).id
    lone = repo.leads.record(scored("lone.top"), run_id=None).id
    (campaign,) = repo.campaigns.link()
    digest = build_digest(
        repo,
        run_id=3,
        started_at=NOW,
        finished_at=NOW,
        new_leads=[new, lone],
        changed={},
        stats={},
        min_score=0,
    )
    notes = {i.host: i.campaign for i in digest.items}
    assert notes["new.top"].startswith(f"加入已知团伙 #{campaign.id}")
    assert "此前已有 2 个站点" in notes["new.top"] and notes["lone.top"] == ""
    assert "1 条加入已知团伙" in digest.title
    assert "加入已知团伙" in "\n".join(digest.text_lines())
    assert digest.as_json()["items"][0]["campaign"] or digest.as_json()["items"][1]["campaign"]
    assert old
