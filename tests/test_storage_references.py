"""`repo.references` against real SQLite and PostgreSQL: dated captures of genuine pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from storage_pages import T0, open_repo, png

from core.signals import ReferenceCapture
from storage.repository import Repository


@pytest.fixture
def repo(database_url: str, tmp_path: Path) -> Iterator[Repository]:
    yield from open_repo(database_url, tmp_path)


def test_references_round_trip(repo: Repository) -> None:
    old = ReferenceCapture(
        url="https://cx.mem.gov.cn/",
        captured_at=T0,
        title="旧首页",
        visible_text="特种作业操作证查询",
        screenshot_png=png(1),
        favicon=png(2),
        asset_hashes=("a" * 64,),
        kind="home",
    )
    new = ReferenceCapture(
        url="https://cx.mem.gov.cn/special?index=0",
        captured_at=T0 + timedelta(days=30),
        title="查询",
        visible_text="请输入证件号码 请输入姓名",
        screenshot_png=png(1),
        viewport_png=png(4),
        image_phashes=("ff00ff00ff00ff00",),
        form_fields=("请选择证件类型", "请输入证件号码"),
        kind="query",
    )
    repo.references.add("mem", old)
    rid = repo.references.add("mem", new)
    assert repo.references.add("mem", new) == rid  # idempotent
    repo.references.add("osta", ReferenceCapture("https://osta.org.cn/", T0, "x", "y"))
    refs = repo.references.list("mem")
    assert refs == [new, old]  # newest first, bytes and tuples back as given
    assert len(repo.references.list()) == 3
