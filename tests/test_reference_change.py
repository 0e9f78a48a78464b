"""When `zhenwei reference update` stores a new capture of a genuine page, and when it keeps
the stored one: a real change is stored with its reason; a capture whose text or screenshot
step timed out never replaces a complete one."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

from PIL import Image, ImageDraw

from core.failures import Failure, FailureKind
from core.signals import ReferenceCapture
from core.types import Page
from zhenwei.commands.reference import _change, difference

NOW = datetime(2026, 12, 5, tzinfo=UTC)


def _png(boxes: int) -> bytes:
    img = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(img)
    for i in range(boxes):
        draw.rectangle((20 + 60 * i, 40, 60 + 60 * i, 260), fill="navy")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


STORED = ReferenceCapture(
    url="https://cx.mem.gov.cn/special?index=0",
    captured_at=NOW,
    title="特种作业操作证查询",
    visible_text="证件类型 证件号码 姓名 验证码 查询",
    screenshot_png=_png(5),
    form_fields=("请输入证件号码", "请输入姓名"),
    kind="query",
)


def _page(*problems: str) -> Page:
    failures = tuple(Failure.of(FailureKind.RENDER, p) for p in problems)
    return Page(STORED.url, STORED.url, 200, NOW, "ua", problems=failures)


def test_an_identical_capture_is_no_change() -> None:
    assert difference(replace(STORED, captured_at=NOW), STORED) is None
    assert _change(_page(), replace(STORED), STORED) is None


def test_a_changed_text_or_look_is_stored_and_says_why() -> None:
    assert _change(
        _page(), replace(STORED, visible_text="新的通知 " + STORED.visible_text), STORED
    ) == ("visible text changed")
    why = difference(replace(STORED, screenshot_png=_png(1)), STORED)
    assert why is not None and why.startswith("screenshot differs by")
    assert _change(_page(), STORED, None) == "first capture"


def test_a_capture_whose_text_step_timed_out_keeps_the_stored_reference() -> None:
    partial = replace(STORED, visible_text="")
    page = _page("favicon: timeout; visible text: Timeout 4500ms exceeded")
    assert _change(page, partial, STORED) is None
    # a failed favicon alone does not make a capture incomplete
    assert _change(_page("favicon: timeout"), partial, STORED) == "visible text changed"


class _References:
    def __init__(self, stored: ReferenceCapture) -> None:
        self.stored = [stored]

    def list(self, target: str) -> list[ReferenceCapture]:
        return list(reversed(self.stored))

    def add(self, target: str, capture: ReferenceCapture) -> None:
        self.stored.append(capture)


def _shot(png: bytes) -> Page:
    return replace(
        _page(),
        title=STORED.title,
        visible_text=STORED.visible_text,
        screenshot_png=png,
        rendered_html="<input placeholder='请输入证件号码'><input placeholder='请输入姓名'>",
    )


def _update(monkeypatch, takes: list[bytes]) -> tuple[bool, int, _References]:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from zhenwei.commands import reference

    refs = _References(STORED)
    calls = []

    def pages(jobs, settings, timeout):  # type: ignore[no-untyped-def]
        calls.append(len(jobs))
        return [_shot(takes[len(calls) - 1])]

    monkeypatch.setattr(reference, "_repository", lambda: (None, SimpleNamespace(references=refs)))
    monkeypatch.setattr(reference, "_pages", pages)
    monkeypatch.setattr(reference, "_pages_again", pages)
    [outcome] = reference._capture_all([("mem", STORED.url, "query")], timeout=30)
    return outcome.stored, len(calls), refs


def test_a_look_changed_once_is_photographed_again_and_kept(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stored, calls, refs = _update(monkeypatch, [_png(1), _png(5)])
    assert (stored, calls, len(refs.stored)) == (False, 2, 1)


def test_a_look_changed_twice_is_stored(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stored, calls, refs = _update(monkeypatch, [_png(1), _png(1)])
    assert (stored, calls, len(refs.stored)) == (True, 2, 2)


def test_an_unchanged_page_is_photographed_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stored, calls, refs = _update(monkeypatch, [_png(5)])
    assert (stored, calls, len(refs.stored)) == (False, 1, 1)
