"""Tip files (CSV or xlsx from the 12345 hotline or an analyst) and certificate photos →
`NewTip`s with their provenance. One bad row never stops a file: it is reported by line."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.urls import BadUrl, find_urls, normalise_url
from crawler.sources.seeds import (
    CONTENT_COLS,
    ID_COLS,
    REPORTER_COLS,
    TIME_COLS,
    URL_COLS,
    parse_beijing_time,
)
from storage.tips import NewTip

CHANNEL_COLS = ("渠道", "来源", "举报渠道", "channel")
REFERENCE_COLS = ("举报人编号", "反映人编号", "reporter_ref", "reference")
MAX_BYTES = 20 * 1024 * 1024


class TipFileError(ValueError):
    """The file as a whole cannot be read (the reason is in Chinese)."""


@dataclass(frozen=True)
class TipRows:
    tips: tuple[NewTip, ...]
    #: (line, reason) of each row left out
    problems: tuple[tuple[int, str], ...]


def _decode(data: bytes) -> str:
    # Excel in China saves CSV as GBK; everything else is UTF-8 (maybe with a BOM).
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _rows_csv(data: bytes) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(_decode(data))))
    except csv.Error as exc:
        raise TipFileError(f"CSV 文件格式错误：{exc}") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip()


def _rows_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise TipFileError(f"无法读取 Excel 文件：{exc}") from None
    try:
        sheet = wb.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        wb.close()


def _column(header: Sequence[str], names: Iterable[str]) -> int | None:
    norm = [h.strip().lower() for h in header]
    for name in names:
        if name in norm:
            return norm.index(name)
    return None


def urls_in(text: str) -> tuple[str, ...]:
    """Every URL or host in free text, normalised, once each."""
    out: list[str] = []
    for part in text.split():
        try:
            out.append(normalise_url(part).url)
            continue
        except BadUrl:
            pass
        out.extend(f.url for f in find_urls(part))
    return tuple(dict.fromkeys(out))


def read_tip_file(path: Path, *, channel: str = "12345") -> TipRows:
    """Tips of a CSV or xlsx file: a URL column and/or a free-text column, and optionally
    the ticket number, channel, reporter reference and received time (Beijing time)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TipFileError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise TipFileError(f"无法读取文件：{exc.strerror or exc}") from None
    rows = _rows_xlsx(data) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(data)
    if not rows:
        return TipRows((), ())
    header = [str(h) for h in rows[0]]
    col = {
        name: _column(header, names)
        for name, names in (
            ("url", URL_COLS),
            ("text", CONTENT_COLS),
            ("id", ID_COLS),
            ("time", TIME_COLS),
            ("reporter", REPORTER_COLS),
            ("channel", CHANNEL_COLS),
            ("ref", REFERENCE_COLS),
        )
    }
    if col["url"] is None and col["text"] is None:
        raise TipFileError("表头中没有网址列（url/网址）或举报内容列（内容/content）")
    digest = hashlib.sha256(data).hexdigest()
    tips: list[NewTip] = []
    problems: list[tuple[int, str]] = []
    now = datetime.now(UTC)
    for line, row in enumerate(rows[1:], 2):
        cells = [_cell(c) for c in row] + [""] * (len(header) - len(row))

        def get(name: str, cells: list[str] = cells) -> str:
            i = col[name]
            return cells[i] if i is not None else ""

        if not any(cells):
            continue
        text = " ".join(filter(None, (get("url"), get("text"))))
        received = now
        if get("time"):
            try:
                received = parse_beijing_time(get("time"))
            except ValueError:
                problems.append((line, f"时间「{get('time')}」无法识别，按导入时间记录"))
        # the ticket number names the tip; without one, the row's own text does
        reference = get("id") or get("ref") or hashlib.sha256(text.encode()).hexdigest()[:16]
        origin = {
            "file": path.name,
            "file_sha256": digest,
            "line": line,
            "reporter": get("reporter") or None,
            "reporter_ref": get("ref") or None,
        }
        urls = urls_in(text)
        if not urls:
            problems.append((line, "内容中没有可识别的网址或域名（已记录，未查验）"))
        tips.append(NewTip(get("channel") or channel, reference, received, text, urls, origin))
    return TipRows(tuple(tips), tuple(problems))


def tip_from_photo(
    data: bytes, *, channel: str, reference: str, received_at: datetime, origin: dict[str, Any]
) -> NewTip:
    """A tip from a certificate photo: the URLs its QR codes hold (core.qr)."""
    from core.qr import decode_qr

    texts = decode_qr(data)
    urls: list[str] = []
    for text in texts:
        try:
            urls.append(normalise_url(text.strip()).url)
        except BadUrl:
            continue
    photo = hashlib.sha256(data).hexdigest()
    return NewTip(
        channel,
        reference or f"photo-{photo[:16]}",
        received_at,
        "证书照片二维码：" + "；".join(texts) if texts else "证书照片中没有识别到二维码",
        tuple(dict.fromkeys(urls)),
        {**origin, "photo_sha256": photo, "qr_texts": texts},
    )
