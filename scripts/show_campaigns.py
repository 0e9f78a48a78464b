"""Walk the special action's workflow on the simulated world and print what an analyst and a
supervisor would see: the largest campaign's page (as text), then the monthly report opened
back with openpyxl (sheets, headers, counts).

    .venv/bin/python scripts/show_campaigns.py [--keep DIR]

The world's sites are fetched as a tip list (bench/bench_campaigns.py), the largest
campaign's members are confirmed by an analyst and one is referred by a supervisor.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# scripts/simworld.py would shadow the simworld package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "scripts"]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "netguard"))
import sitecustomize  # noqa: E402,F401  (stays on loopback)
from bench_campaigns import crawl, world_truth  # noqa: E402

from core.config import Settings  # noqa: E402
from simworld import SimulatedInternet  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.repository import Repository  # noqa: E402


def page_text(body: str) -> str:
    main = body.split("<main>", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<svg.*?</svg>", "[关联图 SVG]", main, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", main))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Keep the data directory here.")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="zhenwei-show-"))
    with SimulatedInternet(workdir=work / "net") as net:
        _truth, urls = world_truth(net)
        crawl(net, urls, work, argparse.Namespace(timeout=30.0))
    env = {"ZHENWEI_DATA_DIR": str(work / "data")}
    settings = Settings.from_env(env)
    repo = Repository(Database.from_settings(settings))
    campaign = max(repo.campaigns.list(), key=lambda c: c.members)
    for lid in campaign.lead_ids:
        for status in ("reviewing", "confirmed"):
            repo.reviews.set_status(lid, status, user="li")
    repo.reviews.set_status(campaign.lead_ids[0], "referred", user="wang", note="移交网安")
    repo.users.add("wang", "supervisor", "demo password 1")

    from starlette.testclient import TestClient

    from zhenwei.web import create_app

    with TestClient(create_app(settings, secret_key="k" * 32), follow_redirects=False) as c:
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text)
        assert token is not None
        c.post("/login", data={"name": "wang", "password": "demo password 1", "csrf": token[1]})
        print(f"=== /campaigns/{campaign.id} ===")
        print(page_text(c.get(f"/campaigns/{campaign.id}").text))
        month = datetime.now().astimezone().strftime("%Y-%m")
        xlsx = c.get(f"/reports/monthly.xlsx?month={month}&unit=演示单位")
        out = work / "monthly.xlsx"
        out.write_bytes(xlsx.content)

    from openpyxl import load_workbook

    wb = load_workbook(out)
    print(f"=== 月度报表 {month} ({out}) ===")
    print("sheets:", wb.sheetnames)
    for row in wb["汇总"].iter_rows(values_only=True):
        if any(v is not None for v in row):
            print("  ", [v for v in row if v is not None])
    rows = list(wb["案件清单"].iter_rows(values_only=True))
    print("案件清单 headers:", list(rows[0]))
    for row in rows[1:]:
        print("  ", list(row))
    repo.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
