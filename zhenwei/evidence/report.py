"""The Chinese report an officer reads without the tool: HTML (Jinja2, autoescaped) and PDF."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from core.labels import verdict_label
from storage.records import AuditResult, CaptureRecord, LeadDetail
from zhenwei.evidence.referral import Referral

log = logging.getLogger(__name__)

BEIJING = timezone(timedelta(hours=8), "北京时间")
STATUSES = {
    "new": "新线索",
    "reviewing": "审核中",
    "confirmed": "已确认",
    "referred": "已移交",
    "taken_down": "已下线",
    "dismissed": "已排除",
    "official": "官方站点",
}
CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-sandbox",
)
# A full-page screenshot can be tens of MB; the report carries a readable preview only
# (the original is in the package beside it).
_PREVIEW_WIDTH = 900
_PREVIEW_MAX_HEIGHT = 2400


class PdfError(RuntimeError):
    """Chromium could not print the report."""


def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def utc_text(value: datetime | None) -> str:
    if value is None:
        return "—"
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def beijing_text(value: datetime | None) -> str:
    if value is None:
        return "—"
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S 北京时间")


def preview_data_uri(png: bytes) -> str | None:
    """A scaled JPEG of a screenshot as a data: URI (the report loads nothing from outside)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as src:
            img = src.convert("RGB")
            if img.width > _PREVIEW_WIDTH:
                img = img.resize((_PREVIEW_WIDTH, max(1, img.height * _PREVIEW_WIDTH // img.width)))
            if img.height > _PREVIEW_MAX_HEIGHT:
                img = img.crop((0, 0, img.width, _PREVIEW_MAX_HEIGHT))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        log.info("screenshot left out of the report: %s", exc)
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _country(cap: CaptureRecord) -> str | None:
    """Hosting country when some stage recorded one (facts, infra or a signal's details)."""
    for source in (cap.facts, cap.infra, *(s.details for s in cap.signals)):
        for key in ("hosting_country", "country"):
            value = source.get(key) if isinstance(source, Mapping) else None
            if isinstance(value, str) and value:
                return value
    return None


def _capture_view(
    cap: CaptureRecord, number: int, files: Mapping[str, str], preview: str | None
) -> dict[str, Any]:
    facts = cap.facts
    return {
        "number": number,
        "fetched_utc": utc_text(cap.fetched_at),
        "fetched_bj": beijing_text(cap.fetched_at),
        "url": cap.url,
        "final_url": cap.final_url,
        "status": cap.status,
        "title": cap.title,
        "user_agent": cap.user_agent,
        "verdict": verdict_label(cap.verdict),
        "score": cap.score,
        "error": cap.error,
        "redirects": [r for r in cap.redirects if isinstance(r, Mapping)],
        "screenshot": preview,
        "whois": facts.get("whois") or {},
        "dns": facts.get("dns") or {},
        "tls": facts.get("tls") or {},
        "country": _country(cap),
        "signals": cap.signals,
        "files": files,
    }


def render_html(
    detail: LeadDetail,
    *,
    tool_version: str,
    exported_at: datetime,
    audit: AuditResult,
    capture_files: Sequence[Mapping[str, str]],
    screenshots: Sequence[bytes | None],
    files: Mapping[str, str],
    problems: Sequence[str] = (),
    signing_fingerprint: str | None = None,
    referral: Referral | None = None,
) -> str:
    """The report; `capture_files[i]`/`screenshots[i]` belong to `detail.captures[i]`."""
    lead = detail.lead
    captures = [
        _capture_view(
            cap,
            len(detail.captures) - i,
            capture_files[i],
            preview_data_uri(shot) if shot else None,
        )
        for i, (cap, shot) in enumerate(zip(detail.captures, screenshots, strict=True))
    ]
    return (
        _env()
        .get_template("report.html")
        .render(
            lead=lead,
            verdict=verdict_label(lead.verdict),
            status=STATUSES.get(lead.status, lead.status),
            first_utc=utc_text(lead.first_seen),
            first_bj=beijing_text(lead.first_seen),
            last_utc=utc_text(lead.last_seen),
            last_bj=beijing_text(lead.last_seen),
            signals=detail.signals,
            captures=captures,
            reviews=[
                {
                    "at_utc": utc_text(r.at),
                    "at_bj": beijing_text(r.at),
                    "user": r.user,
                    "action": r.action,
                    "note": r.note,
                    "old": STATUSES.get(r.old_status, r.old_status),
                    "new": STATUSES.get(r.new_status, r.new_status),
                    "hash": r.hash,
                }
                for r in detail.reviews
            ],
            audit=audit,
            sources=detail.sources,
            campaign=detail.campaign,
            files=sorted(files.items()),
            problems=problems,
            tool_version=tool_version,
            exported_utc=utc_text(exported_at),
            exported_bj=beijing_text(exported_at),
            signing_fingerprint=signing_fingerprint,
            referral=referral,
        )
    )


def render_pdf(html: str, *, chromium: str) -> tuple[bytes, str]:
    """Print the report to A4 with headless Chromium; returns (PDF bytes, browser version).

    JavaScript is off and every request is aborted: the report is self-contained, and a
    hostile string that slipped through must not be able to fetch anything.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
            try:
                context = browser.new_context(java_script_enabled=False, offline=True)
                context.route("**/*", lambda route: route.abort())
                page = context.new_page()
                page.set_content(html, wait_until="load")
                pdf = page.pdf(
                    format="A4",
                    print_background=True,
                    margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
                )
                return pdf, browser.version
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise PdfError(f"Chromium could not print the report: {exc}") from exc
