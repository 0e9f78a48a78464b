"""Builds the digest of one crawl run and renders it for each channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.labels import verdict_label

JOINED = "加入已知团伙"


@dataclass(frozen=True)
class DigestItem:
    lead_id: int
    host: str
    url: str
    score: int
    verdict: str
    categories: tuple[str, ...]
    change: str  # "new" | "changed"
    previous_score: int | None = None
    reason: str = ""
    #: "加入已知团伙 #3（…）" when a new lead joined a campaign known before this run
    campaign: str = ""


@dataclass(frozen=True)
class Digest:
    run_id: int | None
    started_at: datetime
    finished_at: datetime
    items: tuple[DigestItem, ...]
    stats: dict[str, dict[str, int]]

    @property
    def title(self) -> str:
        new = sum(1 for i in self.items if i.change == "new")
        title = f"真伪巡查日报：新增高风险线索 {new} 条，变化 {len(self.items) - new} 条"
        joined = sum(1 for i in self.items if i.campaign.startswith(JOINED))
        return title + (f"，{joined} 条加入已知团伙" if joined else "")

    def text_lines(self) -> list[str]:
        lines = [
            self.title,
            f"运行 #{self.run_id}，{self.started_at:%Y-%m-%d %H:%M} – {self.finished_at:%H:%M} UTC",
        ]
        for i in self.items:
            change = "新增" if i.change == "new" else f"变化（原 {i.previous_score} 分）"
            lines.append(
                f"[{i.score}] {verdict_label(i.verdict)} {i.host} {change} "
                f"{'/'.join(i.categories)} — {i.reason} (线索 #{i.lead_id})"
                + (f" 【{i.campaign}】" if i.campaign else "")
            )
        if not self.items:
            lines.append("本次运行没有新增或变化的高风险线索。")
        return lines

    def markdown(self) -> str:
        out = [f"### {self.title}", ""]
        for i in self.items:
            change = "新增" if i.change == "new" else f"变化（原 {i.previous_score} 分）"
            out.append(
                f"- **{i.score}** {verdict_label(i.verdict)} `{i.host}` {change}："
                f"{i.reason}（线索 #{i.lead_id}）" + (f" **{i.campaign}**" if i.campaign else "")
            )
        if not self.items:
            out.append("本次运行没有新增或变化的高风险线索。")
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "title": self.title,
            "stats": self.stats,
            "items": [
                {
                    "lead_id": i.lead_id,
                    "host": i.host,
                    "url": i.url,
                    "score": i.score,
                    "verdict": i.verdict,
                    "categories": list(i.categories),
                    "change": i.change,
                    "previous_score": i.previous_score,
                    "reason": i.reason,
                    "campaign": i.campaign,
                }
                for i in self.items
            ],
        }


def webhook_payload(digest: Digest, fmt: str) -> dict[str, Any]:
    """The body for a generic JSON webhook, a WeCom (企业微信) or a DingTalk (钉钉) robot."""
    if fmt == "json":
        return digest.as_json()
    if fmt == "wecom":
        # WeCom robot markdown messages are capped at 4096 bytes.
        return {"msgtype": "markdown", "markdown": {"content": _cap(digest.markdown(), 4000)}}
    if fmt == "dingtalk":
        return {
            "msgtype": "markdown",
            "markdown": {"title": digest.title, "text": _cap(digest.markdown(), 18000)},
        }
    raise ValueError(f"unknown webhook format {fmt!r} (json, wecom, dingtalk)")


def _cap(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 20].decode("utf-8", "ignore") + "\n…（已截断）"
