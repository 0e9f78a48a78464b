"""Evaluate `zhenwei check` on the labelled simulated world (issue 3's "must show").

Runs, against a running SimulatedInternet, `zhenwei reference update` and then ONE
`zhenwei check --json` over every labelled site's entry URL (QR-style sites through --qr
images, as a phone would open them), and measures: confusion matrix verdict × label,
precision/recall, ranking violations, officials, and which counterfeit variants are caught.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.signals import VERDICTS

if TYPE_CHECKING:
    from simworld import SimulatedInternet
    from simworld.world import World

LABELS = ("official", "counterfeit", "seller", "parked", "benign")
#: labels that should be flagged (counterfeit or suspicious): leads for an analyst
LEAD_LABELS = ("counterfeit", "seller", "parked")
ZHENWEI = (sys.executable, "-m", "zhenwei.cli")


#: variants of a counterfeit that serve no content (caught = flagged, not proven)
OFFLINE_VARIANTS = frozenset({"error5xx", "hang"})


@dataclass(frozen=True)
class LabelledSite:
    host: str
    url: str
    label: str
    variants: tuple[str, ...]
    via_qr: bool


@dataclass(frozen=True)
class Outcome:
    site: LabelledSite
    score: int
    verdict: str
    error: str | None
    signals: tuple[Mapping[str, Any], ...]
    categories: tuple[str, ...] = ()

    def brief(self) -> str:
        """The site, its score and its strongest signals: enough to fix a detector from."""
        sigs = "; ".join(
            f"{s['name']} {float(s['score']):.2f} {str(s['reason'])[:90]}" for s in self.signals[:4]
        )
        err = f" error={self.error}" if self.error else ""
        return f"{self.site.host} [{self.site.label}] {self.score} {self.verdict}{err} | {sigs}"


@dataclass(frozen=True)
class WorldRun:
    outcomes: tuple[Outcome, ...]
    check_seconds: float
    check_summary: str
    reference_output: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    run: WorldRun
    confusion: Mapping[str, Mapping[str, int]]
    counterfeit_precision: float
    counterfeit_recall: float
    flagged_precision: float
    flagged_recall: float
    #: (higher-label outcome, benign outcome) pairs where the benign site scored at least as high
    counterfeit_violations: tuple[tuple[Outcome, Outcome], ...]
    seller_violations: tuple[tuple[Outcome, Outcome], ...]
    officials_not_official: tuple[Outcome, ...]
    #: variant → (caught hosts, missed hosts), over counterfeit sites
    variants: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
    thresholds: tuple[int, int] = (70, 30)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def urls_per_minute(self) -> float:
        n = len(self.run.outcomes)
        return 60.0 * n / self.run.check_seconds if self.run.check_seconds else 0.0


def labelled_sites(world: World) -> list[LabelledSite]:
    """Every labelled site (infrastructure skipped), QR-variant sites marked for --qr."""
    out = []
    for site in sorted(world.sites.values(), key=lambda s: (s.label, s.host)):
        if site.label not in LABELS:
            continue
        out.append(
            LabelledSite(site.host, site.url(), site.label, site.variants, "qr" in site.variants)
        )
    return out


def _env(net: SimulatedInternet, data_dir: Path) -> dict[str, str]:
    env = {**os.environ, **net.env, "ZHENWEI_DATA_DIR": str(data_dir)}
    env.pop("ZHENWEI_DATABASE_URL", None)  # a fresh SQLite database in data_dir
    return env


def _qr_png(url: str, path: Path) -> None:
    import qrcode

    qrcode.make(url).save(str(path))


def run_world(
    net: SimulatedInternet,
    workdir: Path,
    *,
    concurrency: int = 4,
    timeout: float = 30.0,
    sites: Sequence[LabelledSite] | None = None,
    update_references: bool = True,
) -> WorldRun:
    """`reference update`, then one `check --json` over every labelled site."""
    sites = list(sites if sites is not None else labelled_sites(net.world))
    workdir.mkdir(parents=True, exist_ok=True)
    env = _env(net, workdir / "data")
    ref_out = ""
    if update_references:
        ref = subprocess.run(
            [*ZHENWEI, "reference", "update", "--timeout", str(timeout)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        ref_out = ref.stdout
        if ref.returncode != 0:
            raise RuntimeError(f"reference update failed ({ref.returncode}): {ref.stderr[-2000:]}")
    urls_file = workdir / "urls.txt"
    urls_file.write_text(
        "# labelled sites of the simulated world\n"
        + "".join(f"{s.url}\n" for s in sites if not s.via_qr),
        "utf-8",
    )
    args = [
        *ZHENWEI,
        "check",
        "--json",
        "--input",
        str(urls_file),
        "--timeout",
        str(timeout),
        "--concurrency",
        str(concurrency),
    ]
    for i, s in enumerate(x for x in sites if x.via_qr):
        png = workdir / f"qr-{i}.png"
        _qr_png(s.url, png)
        args += ["--qr", str(png)]
    started = time.monotonic()
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600, check=False)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"check failed ({proc.returncode}): {proc.stderr[-3000:]}")
    by_url: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            obj = json.loads(line)
            by_url[obj["url"]] = obj
    outcomes, missing = [], []
    for s in sites:
        obj = by_url.get(s.url)
        if obj is None:
            missing.append(s.url)
            continue
        outcomes.append(
            Outcome(s, int(obj["score"]), str(obj["verdict"]), obj["error"],
                    tuple(obj["signals"]), tuple(obj.get("categories") or ()))
        )
    summary = next(
        (ln for ln in reversed(proc.stderr.splitlines()) if ln.startswith("zhenwei check:")), ""
    )
    return WorldRun(tuple(outcomes), seconds, summary, ref_out, tuple(missing))


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def _below(high: Sequence[Outcome], low: Sequence[Outcome]) -> tuple[tuple[Outcome, Outcome], ...]:
    return tuple((h, b) for h in high for b in low if h.score <= b.score)


def evaluate(run: WorldRun, thresholds: tuple[int, int] = (70, 30)) -> Evaluation:
    """`thresholds`: the scoring's (counterfeit, suspicious) cut-offs, for the report only."""
    outs = run.outcomes
    confusion = {lab: {v: 0 for v in VERDICTS} for lab in LABELS}
    for o in outs:
        confusion[o.site.label][o.verdict] = confusion[o.site.label].get(o.verdict, 0) + 1
    by_label = {lab: [o for o in outs if o.site.label == lab] for lab in LABELS}

    pred_cf = [o for o in outs if o.verdict == "counterfeit"]
    true_cf = by_label["counterfeit"]
    tp_cf = sum(1 for o in pred_cf if o.site.label == "counterfeit")
    flagged = [o for o in outs if o.verdict in ("counterfeit", "suspicious")]
    leads = [o for o in outs if o.site.label in LEAD_LABELS]
    tp_fl = sum(1 for o in flagged if o.site.label in LEAD_LABELS)

    variants: dict[str, tuple[list[str], list[str]]] = {}
    for o in true_cf:
        # A counterfeit that is offline (5xx everywhere, hanging) shows no content to prove the
        # imitation: flagging it as a lead (name, WHOIS, CT) is all an honest tool can do.
        offline = bool(OFFLINE_VARIANTS & set(o.site.variants))
        if "compromised-gov" in o.site.variants:
            # a genuine .gov.cn host serving a copy: suspicious, possibly compromised (never
            # "counterfeit" of a government that really owns the name)
            hit = o.verdict == "suspicious" and "possibly-compromised" in o.categories
        elif offline:
            hit = o.verdict in ("counterfeit", "suspicious")
        else:
            hit = o.verdict == "counterfeit"
        for tag in o.site.variants:
            caught, missed = variants.setdefault(tag, ([], []))
            (caught if hit else missed).append(o.site.host)
    return Evaluation(
        run=run,
        confusion=confusion,
        counterfeit_precision=_ratio(tp_cf, len(pred_cf)),
        counterfeit_recall=_ratio(tp_cf, len(true_cf)),
        flagged_precision=_ratio(tp_fl, len(flagged)),
        flagged_recall=_ratio(tp_fl, len(leads)),
        counterfeit_violations=_below(true_cf, by_label["benign"]),
        seller_violations=_below(by_label["seller"], by_label["benign"]),
        officials_not_official=tuple(o for o in by_label["official"] if o.verdict != "official"),
        variants={k: (tuple(c), tuple(m)) for k, (c, m) in sorted(variants.items())},
        thresholds=thresholds,
        extra={"verdicts": dict(Counter(o.verdict for o in outs))},
    )


def format_report(ev: Evaluation) -> str:
    """The evaluation as compact text (what scripts/evaluate_world.py prints)."""
    lines = [f"thresholds: counterfeit >= {ev.thresholds[0]}, suspicious >= {ev.thresholds[1]}"]
    lines.append("confusion (rows label, columns verdict):")
    lines.append(f"  {'':12}" + "".join(f"{v:>12}" for v in VERDICTS))
    for lab, row in ev.confusion.items():
        lines.append(f"  {lab:12}" + "".join(f"{row.get(v, 0):>12}" for v in VERDICTS))
    lines.append(
        f"counterfeit: precision {ev.counterfeit_precision:.2f} recall {ev.counterfeit_recall:.2f}"
        f" | flagged (counterfeit+suspicious vs {'/'.join(LEAD_LABELS)}): precision "
        f"{ev.flagged_precision:.2f} recall {ev.flagged_recall:.2f}"
    )
    for name, viol in (
        ("counterfeit", ev.counterfeit_violations),
        ("seller", ev.seller_violations),
    ):
        status = "OK" if not viol else f"{len(viol)} VIOLATION(S)"
        lines.append(f"every {name} above every benign: {status}")
        for high, low in viol:
            lines.append(f"  {high.site.host} ({high.score}) <= {low.site.host} ({low.score})")
    lines.append(
        "every official site official: "
        + ("OK" if not ev.officials_not_official else f"{len(ev.officials_not_official)} NOT")
    )
    lines.extend(f"  {o.brief()}" for o in ev.officials_not_official)
    lines.append(
        "counterfeit variants caught (verdict counterfeit; offline sites: flagged as a lead):"
    )
    for tag, (caught, missed) in ev.variants.items():
        miss = f"  missed: {', '.join(missed)}" if missed else ""
        lines.append(f"  {tag:16} {len(caught)}/{len(caught) + len(missed)}{miss}")
    lines.append("per site (label score verdict):")
    for o in sorted(ev.run.outcomes, key=lambda o: -o.score):
        err = "  [error]" if o.error else ""
        lines.append(f"  {o.site.label:11} {o.score:3d} {o.verdict:11} {o.site.url}{err}")
    if ev.run.missing:
        lines.append(f"MISSING from check output: {', '.join(ev.run.missing)}")
    lines.append(
        f"throughput: {len(ev.run.outcomes)} URLs in {ev.run.check_seconds:.1f} s wall "
        f"= {ev.urls_per_minute:.1f} URLs/min ({ev.run.check_summary})"
    )
    return "\n".join(lines)
