"""Typed fetch failures: what went wrong is a kind, never guessed from an exception's words.

A `Failure` is data on the Page (and on the capture row). Whether the site counts as down
is a property of the kind: a dead name or a refused connection takes a site down, a failed
screenshot of a page that loaded does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FailureKind(StrEnum):
    """Why a fetch (or a step of it) failed."""

    BAD_URL = "bad-url"  # not a fetchable http(s) URL
    BLOCKED = "blocked"  # the egress policy refused the address
    DNS = "dns"  # the name does not resolve
    CONNECT = "connect"  # refused, reset or unreachable
    TLS = "tls"  # the TLS handshake failed
    TIMEOUT = "timeout"  # no answer within the deadline
    GATEWAY = "gateway"  # a proxy or front end answered 502/503/504 for the site
    TOO_LARGE = "too-large"  # the body exceeded the size bound
    DOWNLOAD = "download"  # the URL pushed a file download (aborted)
    RENDER = "render"  # the browser could not load or read the page
    SCREENSHOT = "screenshot"  # the page loaded but could not be photographed
    INTERNAL = "internal"  # our own bug or a lost result


#: kinds that mean nobody is serving the site: a re-check records it as down
SITE_DOWN = frozenset(
    {
        FailureKind.DNS,
        FailureKind.CONNECT,
        FailureKind.TLS,
        FailureKind.TIMEOUT,
        FailureKind.GATEWAY,
    }
)

#: the analyst's sentence per kind (the technical cause follows in brackets)
REASONS: dict[FailureKind, str] = {
    FailureKind.BAD_URL: "无效网址",
    FailureKind.BLOCKED: "目标地址属于内网、本机或保留地址，按出站策略拒绝访问",
    FailureKind.DNS: "域名无法解析，网站可能已下线",
    FailureKind.CONNECT: "连接被拒绝或中断，网站可能已下线",
    FailureKind.TLS: "TLS 连接失败",
    FailureKind.TIMEOUT: "网站在时限内没有完成加载（超时）",
    FailureKind.GATEWAY: "网站没有正常提供内容（网关错误），可能已下线",
    FailureKind.TOO_LARGE: "网页内容超过大小上限，已截断或中止",
    FailureKind.DOWNLOAD: "该网址直接推送文件下载，下载已中止",
    FailureKind.RENDER: "浏览器无法加载或读取该页面",
    FailureKind.SCREENSHOT: "页面已加载，但截图失败",
    FailureKind.INTERNAL: "抓取过程没有返回结果（内部错误）",
}


@dataclass(frozen=True)
class Failure:
    """One failure: its kind, a Chinese sentence and the technical detail."""

    kind: FailureKind
    message: str
    detail: str = ""

    @classmethod
    def of(cls, kind: FailureKind, detail: str = "", message: str | None = None) -> Failure:
        """A failure with the kind's standard sentence, the detail in brackets."""
        detail = detail.strip().splitlines()[0][:300] if detail.strip() else ""
        text = message or REASONS[kind]
        return cls(kind, f"{text}（{detail}）" if detail else text, detail)

    @property
    def site_down(self) -> bool:
        """True when the failure says nobody serves the site (not a problem of ours)."""
        return self.kind in SITE_DOWN

    def to_json(self) -> dict[str, str]:
        return {"kind": str(self.kind), "message": self.message, "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Failure:
        return cls(FailureKind(data["kind"]), data.get("message", ""), data.get("detail", ""))
