"""Per-source persistent state: a small JSON file per source, written atomically.

The CT source keeps its cursor here; after a failed run the cursor is not advanced, so
the next run backfills what the outage hid.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class SourceState:
    """JSON documents under `<data_dir>/state/<source>.json`."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def under(cls, data_dir: Path) -> SourceState:
        return cls(Path(data_dir) / "state")

    def path(self, source: str) -> Path:
        if not source or "/" in source or source.startswith("."):
            raise ValueError(f"bad source name for state: {source!r}")
        return self.directory / f"{source}.json"

    def load(self, source: str) -> dict[str, Any]:
        path = self.path(source)
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # A damaged state file means one full backfill, not a crash.
            log.warning("state file %s unreadable (%s); starting from scratch", path, exc)
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, source: str, data: dict[str, Any]) -> None:
        path = self.path(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{source}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
