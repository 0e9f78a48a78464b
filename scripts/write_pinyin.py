"""Rewrite core/profiles/pinyin.json from the shipped profiles (run after editing names_zh).

.venv/bin/python scripts/write_pinyin.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.profiles import PROFILES_DIR  # noqa: E402
from core.profiles._pinyin import KNOWN_FILE, write_known  # noqa: E402

if __name__ == "__main__":
    print(f"{write_known(PROFILES_DIR)} terms written to {KNOWN_FILE}")
