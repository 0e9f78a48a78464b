"""`zhenwei reference update | add URL | list`: dated captures of the genuine sites (§3)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import multiprocessing
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NoReturn

import click

from core.signals import ReferenceCapture
from core.types import Candidate, Page

if TYPE_CHECKING:
    from core.config import Settings
    from storage.repository import Repository

logger = logging.getLogger(__name__)

KINDS = ("home", "query", "result", "other")
#: full-page screenshots whose perceptual hashes differ by at most this many bits look the same
#: (the genuine query pages draw a fresh captcha at every load)
SAME_LOOK_BITS = 4


@dataclass(frozen=True)
class Outcome:
    target: str
    url: str
    capture: ReferenceCapture | None
    stored: bool
    error: str | None


def _profile_keys() -> list[str]:
    from core.profiles import load_profiles

    return [p.key for p in load_profiles()]


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"zhenwei reference: {message}", err=True)
    sys.exit(code)


def _repository() -> tuple[Settings, Repository]:
    """(Settings, Repository), or exit 1 with a readable reason."""
    from sqlalchemy.exc import SQLAlchemyError

    from core.config import ConfigError, Settings
    from storage.db import Database
    from storage.repository import Repository

    try:
        settings = Settings.from_env()
        return settings, Repository(Database.from_settings(settings))
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")
    except (SQLAlchemyError, OSError) as exc:
        _fail(f"cannot open the database: {exc}")


def _phash(png: bytes) -> object | None:
    if not png:
        return None
    import imagehash
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as img:
            return imagehash.phash(img.convert("RGB"))
    except (UnidentifiedImageError, OSError):
        return None


def _words(text: str) -> str:
    # layout whitespace varies with rendering timing; the words are what matter
    return " ".join(text.split())


def difference(new: ReferenceCapture, old: ReferenceCapture) -> str | None:
    """What changed between two captures of a genuine page, or None when it is unchanged:
    same title, texts, form and kind, and a screenshot that looks the same."""
    fields: tuple[tuple[str, object, object], ...] = (
        ("title", new.title, old.title),
        ("visible text", _words(new.visible_text), _words(old.visible_text)),
        ("form fields", new.form_fields, old.form_fields),
        ("kind", new.kind, old.kind),
        ("url", new.url, old.url),
    )
    for what, mine, theirs in fields:
        if mine != theirs:
            return f"{what} changed"
    if new.screenshot_png == old.screenshot_png:
        return None
    a, b = _phash(new.screenshot_png), _phash(old.screenshot_png)
    if a is None or b is None:
        return "screenshot unreadable"
    bits = int(a - b)  # type: ignore[operator]
    return None if bits <= SAME_LOOK_BITS else f"screenshot differs by {bits} bits"


#: render steps whose failure leaves a capture without what `difference` compares
_CAPTURE_STEPS = ("visible text", "title", "rendered DOM", "screenshot", "viewport screenshot")


def _incomplete(page: Page) -> str:
    """The failed render steps that a reference capture is made of ("" when none failed)."""
    steps = (part.strip() for p in page.problems for part in p.detail.split(";"))
    return "; ".join(step for step in steps if step.startswith(_CAPTURE_STEPS))


def _change(page: Page, capture: ReferenceCapture, newest: ReferenceCapture | None) -> str | None:
    """Why `capture` is stored as a new reference, or None when `newest` stays."""
    if newest is None:
        return "first capture"
    changed = difference(capture, newest)
    incomplete = _incomplete(page)
    if changed is not None and incomplete:
        # a step that timed out on a busy machine is not a change of the genuine page
        logger.warning(
            "%s: capture incomplete (%s); the stored reference stays", page.url, incomplete
        )
        return None
    return changed


def page_problem(page: Page) -> str | None:
    """Why a fetched page cannot serve as a reference, or None."""
    if page.error:
        return page.error
    if page.status is None or page.status >= 400:
        return f"官方网站返回 HTTP {page.status}，不能作为参照"
    if not page.screenshot_png:
        return "没有截图，不能作为参照"
    return None


def _pages(
    jobs: Sequence[tuple[str, str, str | None]], settings: Settings, timeout: float
) -> list[Page]:
    from crawler.runner import RunOptions, page_of, run

    now = datetime.now(UTC)
    candidates = [
        Candidate(url=url, source="reference", found_at=now, target=target)
        for target, url, _ in jobs
    ]
    # A reference is ground truth: let late scripts and images (the 找错 widget, the badges)
    # finish, or a busy machine photographs a half-drawn page and stores it as a change.
    extra = {"ZHENWEI_SETTLE_SECONDS": timeout * 0.25}
    result = run(
        candidates, settings, options=RunOptions(timeout=timeout, variants=False, extra=extra)
    )
    return [page_of(item) for item in result.for_candidates(candidates, settings)]


def _pages_again(
    jobs: Sequence[tuple[str, str, str | None]], settings: Settings, timeout: float
) -> list[Page]:
    """`_pages` once more, in a fresh process: Twisted's reactor runs once per process, and
    this one has run the first crawl (a second `run` here raised ReactorNotRestartable)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_pages, list(jobs), settings, timeout).result()


def _capture_all(jobs: Sequence[tuple[str, str, str | None]], *, timeout: float) -> list[Outcome]:
    """Fetch (target, url, kind) jobs in one crawl; store each new capture. A page whose look
    alone changed is photographed once more: a half-drawn page on a busy machine looks
    changed once, a restyled genuine page twice."""
    from detectors.reference import capture_from_page

    settings, repo = _repository()
    newest: dict[tuple[str, str], ReferenceCapture] = {}
    for target in {t for t, _, _ in jobs}:  # each target's captures (and images) read once
        for c in repo.references.list(target):  # newest first
            newest.setdefault((target, c.url), c)

    def judged(target: str, kind: str | None, page: Page) -> tuple[ReferenceCapture, str | None]:
        capture = capture_from_page(page, kind=kind)
        return capture, _change(page, capture, newest.get((target, capture.url)))

    pages = _pages(jobs, settings, timeout)
    verdicts = [
        None if page_problem(page) else judged(target, kind, page)
        for (target, _, kind), page in zip(jobs, pages, strict=True)
    ]
    retake = [
        i for i, v in enumerate(verdicts) if v and (v[1] or "").startswith("screenshot differs")
    ]
    if retake:
        again = _pages_again([jobs[i] for i in retake], settings, timeout)
        for i, page in zip(retake, again, strict=True):
            if page_problem(page) is None:
                verdicts[i] = judged(jobs[i][0], jobs[i][2], page)
    done = []
    for (target, url, _), page, verdict in zip(jobs, pages, verdicts, strict=True):
        if verdict is None:
            done.append(Outcome(target, url, None, False, page_problem(page)))
            continue
        capture, changed = verdict
        stored = newest.get((target, capture.url))
        if changed is None and stored is not None:
            done.append(Outcome(target, url, stored, False, None))
            continue
        logger.info("%s: stored a new reference capture (%s)", url, changed)
        repo.references.add(target, capture)
        done.append(Outcome(target, url, capture, True, None))
    return done


def _report(outcomes: Sequence[Outcome]) -> None:
    for o in outcomes:
        if o.capture is None:
            click.echo(f"{o.target}\tFAILED\t{o.url}\t{o.error}", err=True)
            continue
        state = "stored" if o.stored else "unchanged"
        at = o.capture.captured_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        click.echo(
            f"{o.target}\t{state}\t{o.capture.kind}\t{at}\t{o.capture.url}\t"
            f"{len(o.capture.screenshot_png)} B screenshot\t{o.capture.title}"
        )
    ok = sum(1 for o in outcomes if o.capture is not None)
    click.echo(f"{ok} of {len(outcomes)} reference page(s) captured", err=True)
    if outcomes and not ok:
        sys.exit(1)


@click.group(name="reference")
def command() -> None:
    """Capture and list references: what the genuine sites look like."""


@command.command(name="update")
@click.option("--target", "targets", multiple=True, help="Only this target (profile key).")
@click.option("--timeout", type=click.FloatRange(min=1.0), default=60.0, show_default=True)
def update(targets: tuple[str, ...], timeout: float) -> None:
    """Capture every target's reference URLs from the live official sites."""
    from core.profiles import load_profiles

    profiles = [p for p in load_profiles() if not targets or p.key in targets]
    unknown = set(targets) - {p.key for p in profiles}
    if unknown:
        raise click.UsageError(f"unknown target(s): {', '.join(sorted(unknown))}")
    jobs = [(p.key, url, None) for p in profiles for url in p.reference_urls]
    if not jobs:
        _fail("no reference URLs in the target profiles")
    _report(_capture_all(jobs, timeout=timeout))


@command.command(name="add")
@click.argument("url")
@click.option("--target", default="mem", show_default=True, help="Target profile key.")
@click.option(
    "--kind", type=click.Choice(KINDS), default=None, help="Default: guessed from the URL."
)
@click.option("--timeout", type=click.FloatRange(min=1.0), default=60.0, show_default=True)
def add(url: str, target: str, kind: str | None, timeout: float) -> None:
    """Capture one genuine page (e.g. a result page) as a reference."""
    from core.urls import BadUrl, normalise_url

    if target not in _profile_keys():
        raise click.UsageError(f"unknown target {target!r} (known: {', '.join(_profile_keys())})")
    try:
        normalise_url(url)
    except BadUrl as exc:
        raise click.UsageError(f"{url!r}: {exc}") from None
    _report(_capture_all([(target, url, kind)], timeout=timeout))


def _capture_json(target: str, c: ReferenceCapture) -> dict[str, object]:
    return {
        "target": target,
        "url": c.url,
        "kind": c.kind,
        "captured_at": c.captured_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "title": c.title,
        "screenshot_sha256": hashlib.sha256(c.screenshot_png).hexdigest()
        if c.screenshot_png
        else None,
        "screenshot_bytes": len(c.screenshot_png),
        "favicon_bytes": len(c.favicon),
        "form_fields": list(c.form_fields),
        "asset_hashes": len(c.asset_hashes),
        "image_phashes": len(c.image_phashes),
    }


@command.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one capture per line.")
@click.option("--target", "targets", multiple=True, help="Only this target (profile key).")
def list_(as_json: bool, targets: tuple[str, ...]) -> None:
    """Stored reference captures, newest first per target."""
    from sqlalchemy.exc import SQLAlchemyError

    _, repo = _repository()
    rows: list[dict[str, object]] = []
    try:
        for key in _profile_keys():
            if not targets or key in targets:
                rows.extend(_capture_json(key, c) for c in repo.references.list(key))
    except SQLAlchemyError as exc:
        _fail(f"database error: {exc}")
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo("no stored references: the shipped text-only fallback is used", err=True)
        return
    for row in rows:
        click.echo(
            f"{row['target']}\t{row['kind']}\t{row['captured_at']}\t{row['url']}\t"
            f"{row['screenshot_bytes']} B screenshot\t{row['title']}"
        )
