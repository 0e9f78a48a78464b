"""Labels end to end (issue 8 item 9): an analyst's decision → the next crawl and check.

Real `zhenwei crawl` (Scrapy + Chromium) against the simulated internet: a look-alike dismissed
as unrelated while it is parked is re-checked and comes back for review once it serves a copy
of the platform; a host an admin labelled official is judged official by the next crawl and
by `zhenwei check`, the reason naming the label.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.timeout(900)
ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
LOOKALIKE = "cx-mem-gov.cn"
ASSOCIATION = "www.zjaqxh.org.cn"


def _zhenwei(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [*ZHENWEI, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _crawl(env: dict[str, str], *args: str) -> None:
    _zhenwei(env, "crawl", *args, "--concurrency", "1", "--timeout", "30", "--no-progress")


def test_labels_count_in_the_next_crawl_and_check(simnet: Any, tmp_path: Path) -> None:
    from core.config import Settings
    from storage.db import Database
    from storage.repository import Repository

    env = {**os.environ, **simnet.env, "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    for key in ("ZHENWEI_DATABASE_URL", "ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
        env.pop(key, None)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"http://{LOOKALIKE}/\nhttp://{ASSOCIATION}/\n", "utf-8")
    repo = Repository(Database.from_settings(Settings.from_env(env)))

    def lead(host: str) -> Any:
        found = repo.leads.by_host(host)
        assert found is not None, host
        return found

    try:
        # 1. the look-alike serves nothing yet: a parked look-alike, dismissed as unrelated
        simnet.fault(LOOKALIKE, down=True)
        _crawl(env, "--sources", "seeds", "--seeds", str(seeds))
        parked = lead(LOOKALIKE)
        assert parked.verdict == "suspicious" and parked.status == "new"
        before = lead(ASSOCIATION)
        assert before.verdict != "official"
        repo.labels.decide(
            parked.id,
            user="li",
            action="dismiss",
            note="域名停放，无内容",
            new_status="dismissed",
            label="benign",
            reason="unrelated",
        )
        # 2. an admin labels the association's site official from the command line
        _zhenwei(
            env,
            "labels",
            "add",
            ASSOCIATION,
            "--label",
            "official",
            "--reason",
            "official",
            "--user",
            "root",
            "--note",
            "省安全生产协会官网",
        )

        # 3. the next night: the look-alike has gone live as a copy of the platform
        simnet.clear_faults()
        _crawl(env, "--sources", "recheck,seeds", "--seeds", str(seeds))
        back = lead(LOOKALIKE)
        assert back.id == parked.id and back.verdict == "counterfeit"
        assert back.status == "reviewing"  # back in the queue, not hidden by the old label
        events = repo.leads.get(back.id).reviews
        assert (events[-1].user, events[-1].new_status) == ("zhenwei", "reviewing")
        assert "li" in events[-1].note and repo.labels.for_host(LOOKALIKE) is None

        official = lead(ASSOCIATION)
        assert official.id == before.id
        assert (official.verdict, official.status) == ("official", "official")
        newest = repo.leads.get(official.id).captures[0]
        assert newest.signals[0].detector == "analyst-label"
        assert (
            "root" in newest.signals[0].reason and "省安全生产协会官网" in newest.signals[0].reason
        )
        assert repo.reviews.verify_chain().ok

        # 4. `zhenwei check` applies it too; `zhenwei evaluate` (the detectors alone) does not
        checked = json.loads(_zhenwei(env, "check", "--json", f"http://{ASSOCIATION}/"))
        assert checked["verdict"] == "official"
        assert checked["signals"][0]["name"] == "analyst-label"
        exported = tmp_path / "labels.jsonl"
        _zhenwei(env, "labels", "export", "--out", str(exported))
        report = json.loads(_zhenwei(env, "evaluate", str(exported), "--json"))
        assert report["pages"] == 1
        assert report["confusion"]["official"]["official"] == int(before.verdict == "official")
    finally:
        simnet.clear_faults()
        repo.db.close()
