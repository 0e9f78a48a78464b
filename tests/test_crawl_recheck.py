"""Re-checks (issue 4): a parked look-alike is captured automatically when it goes live, and a
confirmed counterfeit's lead records when it went down and when it came back.

Real Scrapy + Chromium against the simulated internet; the site is taken down and brought
back with the simulated internet's fault switch, between `zhenwei crawl` runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.timeout(900)
ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
HOST = "cx-mem-gov.cn"


def _crawl(env: dict[str, str], *args: str) -> None:
    out = subprocess.run(
        [*ZHENWEI, "crawl", *args, "--concurrency", "1", "--timeout", "30", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]


def test_parked_goes_live_then_down_then_back(simnet: Any, tmp_path: Path) -> None:
    from core.config import Settings
    from storage.db import Database
    from storage.repository import Repository

    env = {**os.environ, **simnet.env, "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    for key in ("ZHENWEI_DATABASE_URL", "ZHENWEI_WEBHOOK_URL", "ZHENWEI_SMTP_HOST"):
        env.pop(key, None)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"http://{HOST}/\n", "utf-8")
    repo = Repository(Database.from_settings(Settings.from_env(env)))

    def lead() -> Any:
        found = repo.leads.by_host(HOST)
        assert found is not None
        return found

    try:
        # 1. registered, but nothing served yet: a parked look-alike, recorded as down
        simnet.fault(HOST, down=True)
        _crawl(env, "--sources", "seeds", "--seeds", str(seeds))
        first = lead()
        assert first.verdict == "suspicious" and "parked-lookalike" in first.categories
        assert first.is_down

        # 2. the site goes live: the recheck source captures it without anyone asking
        simnet.clear_faults()
        simnet.log.clear()
        _crawl(env, "--sources", "recheck")
        live = lead()
        assert live.id == first.id
        assert live.verdict == "counterfeit" and not live.is_down
        assert "recheck" in live.sources
        assert any(e.host == HOST and e.kind == "http" for e in simnet.log.entries())

        # 3. an analyst confirms it; the site is taken down: the re-check records when
        repo.reviews.add(live.id, user="analyst", action="reviewing", new_status="reviewing")
        repo.reviews.add(
            live.id, user="analyst", action="confirm", note="仿冒查询平台", new_status="confirmed"
        )
        simnet.fault(HOST, down=True)
        _crawl(env, "--sources", "recheck")
        down = lead()
        assert down.is_down and down.down_since is not None
        assert down.status == "confirmed"
        assert down.verdict == "counterfeit" and down.score == live.score  # judgement kept

        # 4. it comes back: recorded too
        simnet.clear_faults()
        _crawl(env, "--sources", "recheck")
        back = lead()
        assert not back.is_down and back.down_since is None
        assert back.last_seen > down.last_seen
        assert len(repo.leads.get(back.id).captures) == 4
    finally:
        simnet.clear_faults()
