"""Evaluate `zhenwei` on a simulated world, end to end, as an analyst would rerun it.

Against a running SimulatedInternet: write the world's labelled set, run `zhenwei reference
update`, then `zhenwei evaluate LABELS --save-results …` (which checks every labelled page
through the normal `check` path). The metrics themselves live in `zhenwei.evaluation`; this
module only drives the commands and hands back their JSON report and text tables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simworld.generate.labels import LabelledEntry, site_entries, write_jsonl

if TYPE_CHECKING:
    from simworld import SimulatedInternet
    from simworld.world import World

ZHENWEI = (sys.executable, "-m", "zhenwei.cli")


@dataclass(frozen=True)
class WorldEvaluation:
    report: dict[str, Any]  # `zhenwei evaluate --json`
    text: str  # `zhenwei evaluate` tables
    reference_output: str
    seconds: float
    results: Path  # the `check --json` lines, for `zhenwei evaluate --results`
    labels: Path


def labelled_entries(world: World) -> list[LabelledEntry]:
    """Labelled pages of any world (the hand-written one too): entry URL per labelled site,
    QR-variant sites opened as a phone would."""
    out = []
    for site in sorted(world.sites.values(), key=lambda s: (s.label, s.host)):
        out += site_entries(site, (), "qr" if "qr" in site.variants else "link")
    return out


def _env(net: SimulatedInternet, data_dir: Path) -> dict[str, str]:
    env = {**os.environ, **net.env, "ZHENWEI_DATA_DIR": str(data_dir)}
    env.pop("ZHENWEI_DATABASE_URL", None)  # a fresh SQLite database in data_dir
    return env


def _run(
    args: Sequence[str], env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*ZHENWEI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"zhenwei {args[0]} failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return proc


def run_evaluation(
    net: SimulatedInternet,
    workdir: Path,
    *,
    entries: Sequence[LabelledEntry] | None = None,
    timeout: float = 30.0,
    concurrency: int = 4,
    update_references: bool = True,
) -> WorldEvaluation:
    """`reference update` then `evaluate` over `entries` (default: every labelled site)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = _env(net, workdir / "data")
    labels = workdir / "labels.jsonl"
    write_jsonl(entries if entries is not None else labelled_entries(net.world), labels)
    ref_out = ""
    if update_references:
        ref_out = _run(["reference", "update", "--timeout", str(timeout)], env, 900).stdout
    results = workdir / "check.jsonl"
    started = time.monotonic()
    proc = _run(
        [
            "evaluate",
            str(labels),
            "--json",
            "--save-results",
            str(results),
            "--timeout",
            str(timeout),
            "--concurrency",
            str(concurrency),
        ],
        env,
        4 * 3600,
    )
    seconds = time.monotonic() - started
    text = _run(
        ["evaluate", str(labels), "--results", str(results), "--worst", "40"], env, 600
    ).stdout
    return WorldEvaluation(json.loads(proc.stdout), text, ref_out, seconds, results, labels)


# ---------------------------------------------------------------- raw check runs (bench_check)


@dataclass(frozen=True)
class Outcome:
    entry: LabelledEntry
    score: int
    verdict: str | None
    error: str | None


@dataclass(frozen=True)
class WorldRun:
    outcomes: tuple[Outcome, ...]
    check_seconds: float
    check_summary: str  # the `zhenwei check:` line of stderr (throughput, browser contexts)
    reference_output: str
    missing: tuple[str, ...] = ()


def _qr_png(url: str, path: Path) -> None:
    import qrcode

    qrcode.make(url).save(str(path))


def run_world(
    net: SimulatedInternet,
    workdir: Path,
    *,
    concurrency: int = 4,
    timeout: float = 30.0,
    entries: Sequence[LabelledEntry] | None = None,
    update_references: bool = True,
) -> WorldRun:
    """`reference update`, then ONE `check --json` over every labelled page (QR pages through
    --qr images): what bench/bench_check.py times."""
    entries = list(entries if entries is not None else labelled_entries(net.world))
    workdir.mkdir(parents=True, exist_ok=True)
    env = _env(net, workdir / "data")
    ref_out = (
        _run(["reference", "update", "--timeout", str(timeout)], env, 900).stdout
        if update_references
        else ""
    )
    urls = workdir / "urls.txt"
    urls.write_text("".join(f"{e.url}\n" for e in entries if e.url and e.open_as != "qr"), "utf-8")
    args = [
        "check",
        "--json",
        "--input",
        str(urls),
        "--timeout",
        str(timeout),
        "--concurrency",
        str(concurrency),
    ]
    for i, e in enumerate(x for x in entries if x.url and x.open_as == "qr"):
        png = workdir / f"qr-{i}.png"
        _qr_png(str(e.url), png)
        args += ["--qr", str(png)]
    started = time.monotonic()
    proc = _run(args, env, 4 * 3600)
    seconds = time.monotonic() - started
    by_url = {o["url"]: o for o in map(json.loads, filter(str.strip, proc.stdout.splitlines()))}
    outcomes, missing = [], []
    for e in entries:
        obj = by_url.get(e.url or "")
        if obj is None:
            missing.append(str(e.url))
            continue
        outcomes.append(Outcome(e, int(obj["score"]), obj["verdict"], obj["error"]))
    summary = next(
        (ln for ln in reversed(proc.stderr.splitlines()) if ln.startswith("zhenwei check:")), ""
    )
    return WorldRun(tuple(outcomes), seconds, summary, ref_out, tuple(missing))
