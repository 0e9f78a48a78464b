"""Seed and tip files: analyst lists, 12345 hotline tips (CSV) and QR photos.

One bad line never stops a file: it becomes a `SourceFailure` naming file and line, and
the rest of the file is still read.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from core.qr import QrError, decode_qr
from core.types import Candidate
from core.urls import BadUrl, find_urls, normalise_url
from crawler.sources.base import FailureLog, SourceContext, SourceResult, dedupe

log = logging.getLogger(__name__)

NAME = "seeds"
BEIJING = timezone(timedelta(hours=8))
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"})
TEXT_SUFFIXES = frozenset({".txt", ".list", ".lst", ".urls", ""})
MAX_FILE_BYTES = 20 * 1024 * 1024

# Header names seen in hotline exports and analyst sheets (lower-cased, stripped).
ID_COLS = ("工单编号", "工单号", "编号", "id", "ticket")
TIME_COLS = ("时间", "来电时间", "受理时间", "time", "reported_at")
REPORTER_COLS = ("来电人", "反映人", "举报人", "reporter", "caller")
CONTENT_COLS = ("内容", "来电内容", "诉求内容", "content", "text")
URL_COLS = ("url", "网址", "链接", "域名", "host")
NOTE_COLS = ("note", "备注", "说明")

_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)
_ZH_DATE = re.compile(
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})秒?)?)?"
)


def parse_beijing_time(value: str) -> datetime:
    """A hotline timestamp (Beijing time unless it says otherwise) → aware UTC datetime."""
    text = value.strip()
    m = _ZH_DATE.match(text)
    if m:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
        return datetime(y, mo, d, h, mi, s, tzinfo=BEIJING).astimezone(UTC)
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in _TIME_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(f"unrecognised time {value!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    return parsed.astimezone(UTC)


def _decode(data: bytes) -> str:
    # Excel in China saves CSV as GBK; everything else we get is UTF-8 (maybe with BOM).
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    norm = [h.strip().lower() for h in header]
    for name in names:
        if name in norm:
            return norm.index(name)
    return None


class SeedsSource:
    """Reads every seed path (files or directories) given to the crawl."""

    name = NAME

    async def collect(self, ctx: SourceContext) -> SourceResult:
        flog = FailureLog(self.name)
        out: list[Candidate] = []
        for path in self._files(ctx.seed_paths, flog):
            out.extend(self.read_file(path, ctx, flog))
        kept = []
        for cand in dedupe(out):
            host = (cand.url.split("://", 1)[-1].split("/", 1)[0]).split(":")[0]
            if ctx.is_official(host):
                flog.count("official_skipped")
                continue
            kept.append(cand)
        return flog.result(kept[: ctx.limits.max_candidates])

    @staticmethod
    def _files(paths: tuple[Path, ...], flog: FailureLog) -> Iterator[Path]:
        for path in paths:
            if path.is_dir():
                yield from sorted(
                    p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                )
            elif path.is_file():
                yield path
            else:
                flog.fail("种子文件不存在或无法读取", f"{path}: not found")

    def read_file(self, path: Path, ctx: SourceContext, flog: FailureLog) -> list[Candidate]:
        """Candidates from one file; its problems go to `flog`."""
        flog.count("files")
        suffix = path.suffix.lower()
        if suffix in IMAGE_SUFFIXES:
            return self._read_qr(path, ctx, flog)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                flog.fail("种子文件过大，已跳过", f"{path}: over {MAX_FILE_BYTES} bytes")
                return []
            text = _decode(path.read_bytes())
        except OSError as exc:
            flog.fail("种子文件无法读取", f"{path}: {exc}")
            return []
        if suffix in (".csv", ".tsv"):
            return self._read_csv(path, text, ctx, flog)
        return self._read_text(path, text, ctx, flog)

    # ------------------------------------------------------------------ formats

    def _cand(self, ctx: SourceContext, url: str, context: dict[str, Any]) -> Candidate:
        return Candidate(url=url, source=self.name, found_at=ctx.now, context=context)

    def _read_text(
        self, path: Path, text: str, ctx: SourceContext, flog: FailureLog
    ) -> list[Candidate]:
        out = []
        for lineno, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            # "url  # note": a comment needs whitespace before '#', so fragments survive
            body = re.split(r"\s#", stripped, maxsplit=1)[0].strip()
            where = f"{path}:{lineno}"
            if not any(ch.isspace() for ch in body):
                try:
                    found = [normalise_url(body)]
                except BadUrl as exc:
                    flog.fail(f"种子第{lineno}行网址无效：{exc}", f"{where}: {body[:200]}")
                    continue
            else:
                found = find_urls(body)
                if not found:
                    flog.fail(f"种子第{lineno}行没有可识别的网址或域名", f"{where}: {body[:200]}")
                    continue
            for f in found:
                out.append(
                    self._cand(ctx, f.url, {"file": str(path), "line": lineno, "raw": f.raw})
                )
        flog.count("lines_with_urls", len({c.context["line"] for c in out}))
        return out

    def _read_csv(
        self, path: Path, text: str, ctx: SourceContext, flog: FailureLog
    ) -> list[Candidate]:
        dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
        try:
            rows = list(csv.reader(io.StringIO(text), dialect=dialect))
        except csv.Error as exc:
            flog.fail("CSV 文件格式错误，无法解析", f"{path}: {exc}")
            return []
        if not rows:
            return []
        header = rows[0]
        content = _column(header, CONTENT_COLS)
        url_col = _column(header, URL_COLS)
        if content is None and url_col is None:
            flog.fail(
                "CSV 表头中没有网址列（url/网址）或举报内容列（内容/content）",
                f"{path}:1: header {header!r}",
            )
            return []
        out: list[Candidate] = []
        for lineno, row in enumerate(rows[1:], 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                flog.fail(
                    f"CSV 第{lineno}行列数为{len(row)}，表头为{len(header)}列，已跳过",
                    f"{path}:{lineno}: {row!r}"[:300],
                )
                continue
            if content is not None:
                out.extend(self._tip(path, lineno, header, row, content, url_col, ctx, flog))
            else:
                assert url_col is not None
                out.extend(self._url_row(path, lineno, header, row, url_col, ctx, flog))
        return out

    def _url_row(
        self,
        path: Path,
        lineno: int,
        header: list[str],
        row: list[str],
        url_col: int,
        ctx: SourceContext,
        flog: FailureLog,
    ) -> list[Candidate]:
        raw = row[url_col].strip()
        try:
            found = normalise_url(raw)
        except BadUrl as exc:
            flog.fail(f"CSV 第{lineno}行网址无效：{exc}", f"{path}:{lineno}: {raw[:200]}")
            return []
        context: dict[str, Any] = {"file": str(path), "line": lineno, "raw": raw}
        note = _column(header, NOTE_COLS)
        if note is not None and row[note].strip():
            context["note"] = row[note].strip()
        return [self._cand(ctx, found.url, context)]

    def _tip(
        self,
        path: Path,
        lineno: int,
        header: list[str],
        row: list[str],
        content: int,
        url_col: int | None,
        ctx: SourceContext,
        flog: FailureLog,
    ) -> list[Candidate]:
        """One 12345 hotline tip: URLs from the URL column and from the free text."""
        where = f"{path}:{lineno}"
        flog.count("tips")
        context: dict[str, Any] = {"file": str(path), "line": lineno, "kind": "tip"}
        idc, timec, repc = (_column(header, c) for c in (ID_COLS, TIME_COLS, REPORTER_COLS))
        if idc is not None:
            context["tip_id"] = row[idc].strip()
        if repc is not None and row[repc].strip():
            context["reporter"] = row[repc].strip()
        if timec is not None and row[timec].strip():
            try:
                context["reported_at"] = parse_beijing_time(row[timec]).isoformat()
            except ValueError:
                flog.fail(f"举报第{lineno}行时间「{row[timec].strip()}」无法识别", where)
        tip = context.get("tip_id") or f"第{lineno}行"
        text = " ".join(filter(None, (row[url_col] if url_col is not None else "", row[content])))
        found = find_urls(text)
        if not found:
            flog.fail(
                f"举报 {tip} 的内容中没有可识别的网址或域名", f"{where}: {row[content][:200]}"
            )
            return []
        context["content"] = row[content].strip()[:500]
        return [self._cand(ctx, f.url, {**context, "raw": f.raw}) for f in found]

    def _read_qr(self, path: Path, ctx: SourceContext, flog: FailureLog) -> list[Candidate]:
        try:
            texts = decode_qr(path)
        except QrError as exc:
            flog.fail("二维码图片无法读取", str(exc))
            return []
        if not texts:
            flog.fail("图片中没有识别到二维码", str(path))
            return []
        flog.count("qr_codes", len(texts))
        out = []
        for i, text in enumerate(texts):
            try:
                found = normalise_url(text)
            except BadUrl as exc:
                flog.fail(f"二维码内容不是可访问的网址：{exc}", f"{path}#{i}: {text[:200]}")
                continue
            out.append(self._cand(ctx, found.url, {"file": str(path), "qr_index": i, "raw": text}))
        return out
