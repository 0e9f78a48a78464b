"""What the route modules beside `app.py` share: the repository, settings, the page renderer
(base template, user, CSRF, flash) and how a tip check is started in the background."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.config import Settings
from storage.repository import Repository

log = logging.getLogger(__name__)

Render = Callable[[Request, str, dict[str, Any], int], Response]


@dataclass(frozen=True)
class WebContext:
    repo: Repository
    settings: Settings
    render: Render
    #: starts checking one tip without waiting for it
    launch_tip_check: Callable[[int], None]


def tip_check_process(settings: Settings) -> Callable[[int], None]:
    """`zhenwei tips check --id N` as a detached process: Scrapy runs once per process, and
    the check must go through the crawl's own network path and egress policy (the server's
    environment: proxy, DNS, ZHENWEI_ALLOW_NETWORKS), against the server's database."""

    def launch(tip_id: int) -> None:
        env = {
            **os.environ,
            "ZHENWEI_DATA_DIR": str(settings.data_dir),
            "ZHENWEI_DATABASE_URL": settings.database_url,
        }
        log_path = settings.data_dir / "tips" / f"tip-{tip_id}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as out:
            subprocess.Popen(
                [sys.executable, "-m", "zhenwei.cli", "tips", "check", "--id", str(tip_id)],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        log.info("tip %d: check started (log %s)", tip_id, log_path)

    return launch
