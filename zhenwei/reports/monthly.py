"""The monthly report (月度报表) of the special action: counts for the month and to date, and
one row and one sheet per case, as an xlsx with Chinese headers (openpyxl).

Months are Beijing-time calendar months, as the office counts them. A *case* is a lead an
analyst confirmed (whatever happened to it since); its dates come from the audit trail.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from core import labels
from storage.records import CampaignRecord, LeadDetail, LeadRecord
from storage.repository import Repository

BEIJING = timezone(timedelta(hours=8))
FLAGGED = ("counterfeit", "suspicious")
#: a workbook with thousands of sheets opens slowly; the case list still has every case
MAX_CASE_SHEETS = 300
COUNT_ROWS = (
    ("lookalikes", "发现仿冒域名（个）"),
    ("counterfeits", "确认仿冒网站（个）"),
    ("sellers", "确认售卖假证网站（个）"),
    ("campaigns", "关联团伙（个）"),
    ("referred", "移交公安线索（条）"),
    ("taken_down", "已下线网站（个）"),
    ("online", "仍在线网站（个）"),
)
CASE_HEADERS = (
    "序号",
    "线索编号",
    "域名",
    "网址",
    "首次发现",
    "判定",
    "类别",
    "关联团伙",
    "当前状态",
    "确认日期",
    "移交日期",
    "下线日期",
    "是否仍在线",
)


class MonthError(ValueError):
    """A --month that is not YYYY-MM."""


@dataclass(frozen=True)
class Case:
    lead: LeadRecord
    campaign: CampaignRecord | None
    confirmed_at: datetime | None
    referred_at: datetime | None
    taken_down_at: datetime | None
    reasons: tuple[str, ...]

    @property
    def online(self) -> bool:
        return not self.lead.is_down and self.lead.status != "taken_down"


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    unit: str
    region: str
    start: datetime
    end: datetime
    generated_at: datetime
    #: key of COUNT_ROWS → (this month, to date)
    counts: dict[str, tuple[int, int]]
    cases: tuple[Case, ...]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """`2026-11` → [start, end) of that Beijing month, in UTC."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", month.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise MonthError(f"月份应为 YYYY-MM：{month!r}")
    y, mo = int(m.group(1)), int(m.group(2))
    start = datetime(y, mo, 1, tzinfo=BEIJING)
    end = datetime(y + mo // 12, mo % 12 + 1, 1, tzinfo=BEIJING)
    return start.astimezone(UTC), end.astimezone(UTC)


def _first(detail: LeadDetail, status: str) -> datetime | None:
    return min((r.at for r in detail.reviews if r.new_status == status), default=None)


def build_monthly(
    repo: Repository,
    month: str,
    *,
    unit: str = "",
    region: str = "",
    now: datetime | None = None,
) -> MonthlyReport:
    """Gather the month's figures from leads, campaigns and the audit trail."""
    start, end = month_bounds(month)
    now = now or datetime.now(UTC)
    leads = [x for x in repo.leads.find() if x.status != "official"]
    # every lead an analyst touched: a case stays a case whatever its status became since
    details = {x.id: repo.leads.get(x.id) for x in leads if x.status != "new"}
    campaigns = {c.id: c for c in repo.campaigns.list()}

    def in_month(at: datetime | None) -> bool:
        return at is not None and start <= at < end

    def to_date(at: datetime | None) -> bool:
        return at is not None and at < end

    lookalikes = [x for x in leads if x.verdict in FLAGGED]
    cases: list[Case] = []
    for _lead_id, d in sorted(details.items()):
        confirmed = _first(d, "confirmed")
        if confirmed is None or not to_date(confirmed):
            continue
        reasons = tuple(s.reason for s in d.signals if s.score > 0)[:5]
        cases.append(
            Case(
                d.lead,
                campaigns.get(d.lead.campaign_id) if d.lead.campaign_id else None,
                confirmed,
                _first(d, "referred"),
                _first(d, "taken_down"),
                reasons,
            )
        )

    def pair(values: Sequence[datetime | None]) -> tuple[int, int]:
        return sum(1 for v in values if in_month(v)), sum(1 for v in values if to_date(v))

    sellers = [c for c in cases if "seller" in c.lead.categories]
    fakes = [c for c in cases if "seller" not in c.lead.categories]
    online = sum(1 for c in cases if c.online and c.taken_down_at is None)
    counts = {
        "lookalikes": pair([x.first_seen for x in lookalikes]),
        "counterfeits": pair([c.confirmed_at for c in fakes]),
        "sellers": pair([c.confirmed_at for c in sellers]),
        "campaigns": pair([c.first_seen for c in campaigns.values()]),
        "referred": pair([c.referred_at for c in cases]),
        "taken_down": pair([c.taken_down_at for c in cases]),
        "online": (online, online),
    }
    return MonthlyReport(month, unit, region, start, end, now, counts, tuple(cases))


def _bj(value: datetime | None) -> str:
    return value.astimezone(BEIJING).strftime("%Y-%m-%d") if value is not None else ""


def _case_row(i: int, c: Case) -> list[object]:
    lead = c.lead
    return [
        i,
        lead.id,
        lead.host,
        lead.url,
        _bj(lead.first_seen),
        labels.verdict_label(lead.verdict),
        "、".join(labels.category_label(x) for x in lead.categories),
        f"#{c.campaign.id} {c.campaign.label}" if c.campaign else "",
        labels.STATUSES.get(lead.status, lead.status),
        _bj(c.confirmed_at),
        _bj(c.referred_at),
        _bj(c.taken_down_at),
        "是" if c.online else "否",
    ]


def write_xlsx(report: MonthlyReport, out: Path | io.BytesIO) -> None:
    """Sheets: 汇总 (counts), 案件清单 (one row per case), then one sheet per case."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    ws.append([f"打击仿冒特种作业操作证查询平台专项行动月度报表（{report.month}）"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["填报单位", report.unit or "—", "地区", report.region or "—"])
    ws.append(
        ["统计期间", f"{_bj(report.start)} 至 {_bj(report.end - timedelta(seconds=1))}（北京时间）"]
    )
    ws.append(
        ["生成时间", report.generated_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M 北京时间")]
    )
    ws.append([])
    ws.append(["统计项目", "本月", "累计"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for key, title in COUNT_ROWS:
        month, total = report.counts[key]
        ws.append([title, month, total])
    ws.append([])
    ws.append(["说明", "“仍在线”为生成报表时已确认且未下线、最近一次复查仍可访问的网站数。"])
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 14

    cases = wb.create_sheet("案件清单")
    cases.append(list(CASE_HEADERS))
    for cell in cases[1]:
        cell.font = bold
    for i, c in enumerate(report.cases, 1):
        cases.append(_case_row(i, c))
    for col, width in zip(
        "ABCDEFGHIJKLM", (6, 9, 28, 40, 12, 8, 18, 30, 10, 12, 12, 12, 10), strict=True
    ):
        cases.column_dimensions[col].width = width

    for i, c in enumerate(report.cases[:MAX_CASE_SHEETS], 1):
        sheet = wb.create_sheet(f"案件{i}-{c.lead.id}"[:31])
        for title, value in zip(CASE_HEADERS[1:], _case_row(i, c)[1:], strict=True):
            sheet.append([title, value])
        sheet.append(["判定理由", "\n".join(c.reasons) or "—"])
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        if c.campaign is not None:
            sheet.append(["团伙站点数", c.campaign.members])
            sheet.append(["团伙仍在线", c.campaign.online])
        for row in sheet.iter_rows(min_col=1, max_col=1):
            row[0].font = bold
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 70
    wb.save(out)
