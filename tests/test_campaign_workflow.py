"""The special action's workflow on a seeded database, through the CLI: campaigns, pivot,
referral packages (abuse contacts, campaign, MISP, custody, batch export) and the monthly
report opened back with openpyxl."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from storage_pages import scored

from core.config import Settings
from core.signals import ScoredPage
from core.types import WhoisFacts
from storage.db import Database
from storage.repository import Repository
from zhenwei.cli import main
from zhenwei.reports.monthly import BEIJING

WHOIS = """Domain Name: {host}
Registrar: Example Registrar, Inc.
Registrar Abuse Contact Email: abuse@registrar.example
Registrar Abuse Contact Phone: +1.5555550100
Registrant Email: Please query the RDAP service of the registrar
"""
KIT = " 办证加微信：banzheng_vip8 " + "".join(
    f'<div class="row c{i % 4}"><span class="k">项目</span><b>值</b></div>' for i in range(15)
)


def gang_page(host: str, ip: str) -> ScoredPage:
    base = scored(host, ips=(ip,), body=KIT)
    whois = WhoisFacts(
        domain=host,
        server="127.0.0.1",
        registrar="Example Registrar, Inc.",
        raw=WHOIS.format(host=host),
    )
    return dataclasses.replace(base, page=dataclasses.replace(base.page, whois=whois))


class Seeded:
    def __init__(self, env: dict[str, str], ids: list[int], campaign: int, root: Path) -> None:
        self.env, self.ids, self.campaign, self.root = env, ids, campaign, root


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    root = tmp_path_factory.mktemp("workflow")
    env = {"ZHENWEI_DATA_DIR": str(root / "data")}
    db = Database.from_settings(Settings.from_env(env))
    repo = Repository(db)
    ids = [
        repo.leads.record(gang_page(host, ip), run_id=None).id
        for host, ip in (
            ("zs-cx1.top", "47.242.10.21"),
            ("zs-cx2.top", "8.210.3.4"),
            ("zs-cx3.top", "103.5.6.7"),
        )
    ]
    repo.leads.record(scored("school.example", verdict="benign", score=5), run_id=None)
    (campaign,) = repo.campaigns.link()
    # the analyst works the first two: confirmed, one referred and taken down
    for lid in ids[:2]:
        for status in ("reviewing", "confirmed"):
            repo.reviews.set_status(lid, status, user="li")
    repo.reviews.set_status(ids[0], "referred", user="wang", note="移交市公安局网安支队")
    repo.reviews.set_status(ids[0], "taken_down", user="wang")
    db.close()
    return Seeded(env, ids, campaign.id, root)


def run(args: list[str], env: dict[str, str]) -> str:
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_campaign_commands_show_members_and_evidence(seeded: Seeded) -> None:
    (line,) = run(["campaigns", "--json"], seeded.env).splitlines()
    obj = json.loads(line)
    assert obj["id"] == seeded.campaign and obj["lead_ids"] == seeded.ids
    assert obj["members"] == 3 and obj["online"] == 3
    one = json.loads(run(["campaign", str(seeded.campaign), "--json"], seeded.env))
    assert [x["host"] for x in one["leads"]] == ["zs-cx1.top", "zs-cx2.top", "zs-cx3.top"]
    assert one["evidence"][0]["kind"] == "wechat"
    assert "banzheng_vip8" in one["evidence"][0]["reason"]
    text = run(["campaign", str(seeded.campaign)], seeded.env)
    assert "共同证据" in text and "微信号 banzheng_vip8" in text
    hits = [
        json.loads(x) for x in run(["pivot", "banzheng_vip8", "--json"], seeded.env).splitlines()
    ]
    assert sorted(h["lead_id"] for h in hits) == seeded.ids
    missing = CliRunner().invoke(main, ["campaign", "999"], env=seeded.env)
    assert missing.exit_code == 1 and "no campaign" in missing.output


def _manifest(path: Path) -> dict[str, object]:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))  # type: ignore[no-any-return]


def test_referral_package_names_abuse_contacts_campaign_and_custody(seeded: Seeded) -> None:
    from pymisp import MISPEvent

    first, second = seeded.root / "one.zip", seeded.root / "two.zip"
    lead = str(seeded.ids[0])
    run(["export", lead, "--out", str(first), "--no-pdf", "--user", "wang"], seeded.env)
    run(["export", lead, "--out", str(second), "--no-pdf", "--user", "wang"], seeded.env)
    m = _manifest(second)
    contacts = {c["role"]: c for c in m["abuse_contacts"]}  # type: ignore[attr-defined]
    assert contacts["registrar"]["name"] == "Example Registrar, Inc."
    assert contacts["registrar"]["emails"] == ["abuse@registrar.example"]
    assert contacts["hosting"]["name"]  # the network owning 47.242.10.21 (offline data)
    campaign = m["campaign"]
    assert campaign["id"] == seeded.campaign  # type: ignore[index]
    assert [x["host"] for x in campaign["members"]] == [  # type: ignore[index]
        "zs-cx1.top",
        "zs-cx2.top",
        "zs-cx3.top",
    ]
    # custody: the first export is in the audit trail and listed by the next package
    (earlier,) = m["custody"]  # type: ignore[misc]
    assert "one.zip" in earlier["note"] and earlier["user"] == "wang"
    import hashlib

    assert hashlib.sha256(first.read_bytes()).hexdigest() in earlier["note"]
    with zipfile.ZipFile(second) as zf:
        event = MISPEvent()
        event.load(zf.read("misp.json").decode())
        report = zf.read("report.html").decode()
    assert "zs-cx1.top" in event.info
    assert {o.name for o in event.objects} >= {"domain-ip", "url"}
    assert any(a.value == "banzheng_vip8" for a in event.attributes)
    assert "abuse@registrar.example" in report and "团伙站点" in report
    run(["verify", str(second)], seeded.env)


def test_batch_export_of_a_campaign_writes_an_index(seeded: Seeded) -> None:
    out = seeded.root / "batch"
    run(["export", "--campaign", str(seeded.campaign), "--out", str(out), "--no-pdf"], seeded.env)
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert [p["lead_id"] for p in index["packages"]] == seeded.ids
    for p in index["packages"]:
        assert (out / p["file"]).is_file()
    usage = CliRunner().invoke(main, ["export", "--out", str(out)], env=seeded.env)
    assert usage.exit_code == 2


def test_monthly_report_opens_with_headers_counts_and_a_sheet_per_case(seeded: Seeded) -> None:
    month = datetime.now(BEIJING).strftime("%Y-%m")
    out = seeded.root / "report.xlsx"
    args = ["report", "monthly", "--month", month, "--unit", "某市应急管理局", "--out", str(out)]
    run(args, seeded.env)
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["汇总", "案件清单"]
    assert len(wb.sheetnames) == 4  # two cases, one sheet each
    summary = {row[0]: row[1:3] for row in wb["汇总"].iter_rows(values_only=True) if row[0]}
    assert summary["填报单位"][0] == "某市应急管理局"
    # the sites were first seen in March 2025 (before this month), confirmed this month
    assert summary["发现仿冒域名（个）"] == (0, 3)
    assert summary["确认仿冒网站（个）"] == (2, 2)
    assert summary["关联团伙（个）"] == (0, 1)
    assert summary["移交公安线索（条）"] == (1, 1)
    assert summary["已下线网站（个）"] == (1, 1)
    assert summary["仍在线网站（个）"] == (1, 1)
    rows = list(wb["案件清单"].iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "线索编号", "域名", "网址")
    assert [r[2] for r in rows[1:]] == ["zs-cx1.top", "zs-cx2.top"]
    assert all(r[7].startswith(f"#{seeded.campaign}") for r in rows[1:])
    bad = CliRunner().invoke(main, ["report", "monthly", "--month", "2026-13"], env=seeded.env)
    assert bad.exit_code == 2
