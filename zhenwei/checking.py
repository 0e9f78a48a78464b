"""The reusable part of `zhenwei check`: inputs → candidates → scored pages → JSON objects.

`check_inputs` runs one crawl (Scrapy + scrapy-playwright, once per process) with the scoring
pipeline, and returns one `CheckResult` per input, in input order, whatever happened to it:
a malformed URL or an unreachable site is a result with `error` set, never an exception.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config import Settings
from core.signals import ScoredPage, Signal
from core.types import Candidate, Page
from core.urls import BadUrl, normalise_url
from crawler.context import Relabel, RunContext, Scorer

logger = logging.getLogger(__name__)


class InputError(ValueError):
    """An --input or --qr file that cannot be read (a usage error: exit 2)."""


@dataclass(frozen=True)
class CheckInput:
    """One thing to check: the text exactly as given, and where it came from."""

    raw: str
    source: str = "cli"  # cli | input | qr
    #: the QR image (or input file) the URL was read from
    origin: str | None = None
    #: set when the input cannot even be fetched (malformed URL, QR text that is no URL)
    error: str | None = None


@dataclass(frozen=True)
class CheckResult:
    """What `check` reports for one input."""

    input: CheckInput
    scored: ScoredPage | None
    page: Page | None
    error: str | None


@dataclass(frozen=True)
class CheckRun:
    results: tuple[CheckResult, ...]
    seconds: float
    #: Scrapy / scrapy-playwright stats of the crawl (contexts, pages, responses ...)
    stats: Mapping[str, Any] = field(default_factory=dict)

    @property
    def urls_per_minute(self) -> float:
        return 60.0 * len(self.results) / self.seconds if self.seconds > 0 else 0.0


# ------------------------------------------------------------------------- reading inputs


def read_input_file(path: Path) -> list[CheckInput]:
    """One URL per line; blank lines and `#` comments (whole line or after a space) skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"cannot read --input {str(path)!r}: {reason}") from None
    out = []
    for line in text.splitlines():
        line = re.split(r"\s#", line, maxsplit=1)[0].strip()
        if line and not line.startswith("#"):
            out.append(CheckInput(raw=line, source="input", origin=str(path)))
    return out


_URLISH = re.compile(
    r"^(https?://\S+|[A-Za-z0-9\u00a1-\uffff.-]+\.[A-Za-z\u00a1-\uffff-]{2,}(/\S*)?)$"
)


def read_qr_image(path: Path) -> list[CheckInput]:
    """The URLs in the QR codes of a certificate photo; texts that are no URL become errors."""
    from core.qr import QrError, decode_qr

    try:
        texts = decode_qr(path)
    except QrError as exc:
        raise InputError(f"cannot read --qr image: {exc}") from None
    out = []
    for text in texts:
        error = None if _URLISH.match(text.strip()) else "二维码内容不是网址，无法查验"
        out.append(CheckInput(raw=text, source="qr", origin=str(path), error=error))
    return out


def validate(item: CheckInput) -> CheckInput:
    """Mark a malformed URL as an error now, so it is reported without a fetch."""
    if item.error is not None:
        return item
    try:
        normalise_url(item.raw)
    except BadUrl as exc:
        return CheckInput(item.raw, item.source, item.origin, f"无效网址：{exc}")
    return item


# ------------------------------------------------------------------------- crawling


def candidate_for(item: CheckInput, now: datetime) -> Candidate:
    context: dict[str, Any] = {"origin": item.origin} if item.origin else {}
    return Candidate(url=item.raw, source=item.source, found_at=now, context=context)


def check_inputs(
    inputs: Sequence[CheckInput],
    settings: Settings,
    *,
    analyzer: Scorer,
    labels: Relabel | None = None,
    timeout: float = 60.0,
    concurrency: int = 4,
    out_root: Path | None = None,
) -> CheckRun:
    """Fetch, render and score every valid input (one crawl); one result per input, in order."""
    from crawler.runner import RunOptions, page_of, run
    from pipelines import chain

    checked = [validate(i) for i in inputs]
    todo = [i for i in checked if i.error is None]
    now = datetime.now(UTC)
    candidates = [candidate_for(i, now) for i in todo]
    options = RunOptions(
        timeout=timeout,
        concurrency=concurrency,
        out_root=out_root,
        pipelines=chain("capture", "scoring") if out_root is not None else chain("scoring"),
    )
    result = run(
        candidates, settings, options=options, context=RunContext(scorer=analyzer, labels=labels)
    )
    items = result.for_candidates(candidates, settings)
    by_input = dict(zip((id(i) for i in todo), items, strict=True))
    results = []
    for item in checked:
        if item.error is not None:
            results.append(CheckResult(item, None, None, item.error))
            continue
        out = by_input[id(item)]
        page = page_of(out)
        # A page that never came back from the pipeline is still reported, with its error.
        scored = out if isinstance(out, ScoredPage) else None
        results.append(CheckResult(item, scored, page, page.error))
    return CheckRun(tuple(results), result.seconds, dict(result.stats))


# ------------------------------------------------------------------------- output


def _json_safe(value: Any) -> Any:
    """Details come from detectors: keep them JSON, turning anything exotic into text."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def signal_json(sig: Signal) -> dict[str, Any]:
    return {
        "name": sig.detector,
        "detector": sig.detector,
        "version": sig.version,
        "score": round(sig.score, 4),
        "reason": sig.reason,
        "details": _json_safe(dict(sig.details)),
        "categories": list(sig.categories),
        "official": sig.official,
    }


def result_json(result: CheckResult, *, with_capture_dir: bool = False) -> dict[str, Any]:
    """The `check --json` object (ARCHITECTURE §5) for one input."""
    page, scored = result.page, result.scored
    obj: dict[str, Any] = {
        "url": result.input.raw,
        "final_url": (page.final_url if page is not None else None) or None,
        "title": page.title if page is not None else "",
        "score": scored.score if scored is not None else 0,
        "verdict": scored.verdict if scored is not None else None,
        "categories": list(scored.categories) if scored is not None else [],
        "signals": [signal_json(s) for s in scored.signals] if scored is not None else [],
        "error": result.error,
        "target": scored.target if scored is not None else None,
        "status": page.status if page is not None else None,
        "fetched_at": _iso(page.fetched_at) if page is not None else None,
        "user_agent": page.user_agent if page is not None else None,
        "source": result.input.source,
        "detector_errors": list(scored.errors) if scored is not None else [],
    }
    if result.input.origin and result.input.source == "qr":
        obj["qr_image"] = result.input.origin
    if with_capture_dir:
        obj["capture_dir"] = page.capture_dir if page is not None else None
    return obj


def top_reasons(result: CheckResult, limit: int = 6) -> list[Signal]:
    """The signals worth showing a human first: strongest first, zero-score ones left out."""
    if result.scored is None:
        return []
    return [s for s in result.scored.signals if s.score > 0][:limit]


def iter_json_lines(
    results: Iterable[CheckResult], *, with_capture_dir: bool = False
) -> Iterable[str]:
    for r in results:
        yield json.dumps(result_json(r, with_capture_dir=with_capture_dir), ensure_ascii=False)
