"""Evaluation of verdicts against a labelled set (issue 8, item 8): pure functions.

A labelled set is JSON Lines, one page per line: `url`, `label` (official | counterfeit | seller
| parked | benign), and optionally `host`, `class`, `variants`, `gang`, `open_as` (`qr`: open as a
phone scanning a certificate), `target`. Results are `zhenwei check --json` objects, joined on
`url`. Leads are counterfeit, seller and parked pages: a lead is caught when it is flagged
(verdict counterfeit or suspicious); official and benign pages are negatives, and a flagged
negative is a false positive. The headline recall is over counterfeits and sellers, as issue 8
states its target; parked look-alikes are reported beside it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

LABELS = ("official", "counterfeit", "seller", "parked", "benign")
LEAD_LABELS = ("counterfeit", "seller", "parked")
HEADLINE_LABELS = ("counterfeit", "seller")
NEGATIVE_LABELS = ("official", "benign")
FLAGGED = ("counterfeit", "suspicious")
VERDICT_COLUMNS = ("official", "counterfeit", "suspicious", "benign", "error")
THRESHOLDS = (10, 20, 30, 40, 50, 60, 70, 80, 90)


class LabelledSetError(ValueError):
    """A labelled set or a results file that cannot be read."""


@dataclass(frozen=True)
class Labelled:
    url: str
    label: str
    host: str = ""
    klass: str = ""
    variants: tuple[str, ...] = ()
    gang: str = ""
    open_as: str = "link"
    target: str = ""


@dataclass(frozen=True)
class Judged:
    """A labelled page and what `check` said about it (verdict None: it could not be judged)."""

    item: Labelled
    score: int
    verdict: str | None
    error: str | None = None
    categories: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return self.verdict in FLAGGED

    @property
    def column(self) -> str:
        return self.verdict if self.verdict in VERDICT_COLUMNS else "error"


# ---------------------------------------------------------------- reading


def parse_labelled(lines: Iterable[str], source: str = "<labelled set>") -> list[Labelled]:
    """The pages of a labelled set with a URL (registered domains without one are skipped)."""
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledSetError(f"{source}:{n}: not JSON: {exc.msg}") from None
        if not isinstance(obj, dict) or obj.get("label") not in LABELS:
            raise LabelledSetError(f"{source}:{n}: needs a label in {LABELS}")
        url = obj.get("url")
        if url is None:
            continue
        if not isinstance(url, str) or not url:
            raise LabelledSetError(f"{source}:{n}: url must be a non-empty string or null")
        variants = obj.get("variants") or ()
        if isinstance(variants, str):
            variants = (variants,)
        out.append(
            Labelled(
                url,
                obj["label"],
                str(obj.get("host") or ""),
                str(obj.get("class") or ""),
                tuple(str(v) for v in variants),
                str(obj.get("gang") or ""),
                "qr" if obj.get("open_as") == "qr" else "link",
                str(obj.get("target") or ""),
            )
        )
    return out


def parse_results(lines: Iterable[str], source: str = "<results>") -> dict[str, Mapping[str, Any]]:
    """`check --json` objects by their `url` (the last one wins when a URL repeats)."""
    out: dict[str, Mapping[str, Any]] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledSetError(f"{source}:{n}: not JSON: {exc.msg}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("url"), str):
            raise LabelledSetError(f"{source}:{n}: a check result needs a url")
        out[obj["url"]] = obj
    return out


def join(
    labelled: Sequence[Labelled], results: Mapping[str, Mapping[str, Any]]
) -> tuple[list[Judged], list[Labelled]]:
    """(judged pages, labelled pages without a result)."""
    judged, missing = [], []
    for item in labelled:
        obj = results.get(item.url)
        if obj is None:
            missing.append(item)
            continue
        verdict = obj.get("verdict")
        judged.append(
            Judged(
                item,
                int(obj.get("score") or 0),
                verdict if isinstance(verdict, str) else None,
                obj.get("error"),
                tuple(obj.get("categories") or ()),
            )
        )
    return judged, missing


# ---------------------------------------------------------------- metrics


def ratio(num: int, den: int) -> float:
    return num / den if den else math.nan


def confusion(judged: Iterable[Judged]) -> dict[str, dict[str, int]]:
    """label → verdict column → pages."""
    out = {lab: dict.fromkeys(VERDICT_COLUMNS, 0) for lab in LABELS}
    for j in judged:
        out[j.item.label][j.column] += 1
    return out


def precision_recall(
    judged: Sequence[Judged], positives: Sequence[str] = LEAD_LABELS
) -> tuple[float, float]:
    """Precision of the flagged pages, recall of the pages labelled `positives`."""
    flagged = [j for j in judged if j.flagged]
    tp = sum(1 for j in flagged if j.item.label in positives)
    return ratio(tp, len(flagged)), ratio(tp, sum(1 for j in judged if j.item.label in positives))


def average_precision(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """AP of a ranking by score: Σ (R_k − R_{k−1}) · P_k over the distinct score thresholds,
    ties taken together (a tie between a positive and a negative is not credited as a win)."""
    if len(scores) != len(positive):
        raise ValueError("scores and labels differ in length")
    total = sum(positive)
    if not total:
        return math.nan
    pairs = sorted(zip(scores, positive, strict=True), key=lambda p: -p[0])
    ap, tp, seen, prev_recall, i = 0.0, 0, 0, 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            tp += pairs[j][1]
            j += 1
        seen += j - i
        recall = tp / total
        ap += (recall - prev_recall) * (tp / seen)
        prev_recall, i = recall, j
    return ap


def rates_by(judged: Iterable[Judged], key: str) -> dict[str, tuple[int, int]]:
    """group → (flagged, pages); `key` is `class` or `variant` (a page counts once per variant)."""
    out: dict[str, list[int]] = {}
    for j in judged:
        groups = (j.item.klass or j.item.label,) if key == "class" else (j.item.variants or ("-",))
        for g in groups:
            cell = out.setdefault(g, [0, 0])
            cell[0] += j.flagged
            cell[1] += 1
    return {g: (f, n) for g, (f, n) in sorted(out.items())}


@dataclass(frozen=True)
class PrRow:
    threshold: int
    flagged: int
    precision: float
    recall: float
    fpr: float


def pr_table(judged: Sequence[Judged], thresholds: Sequence[int] = THRESHOLDS) -> list[PrRow]:
    """Precision, headline recall and FPR if `score >= t` were what flags a page."""
    rows = []
    for t in thresholds:
        hit = [j for j in judged if j.verdict is not None and j.score >= t]
        tp = sum(1 for j in hit if j.item.label in LEAD_LABELS)
        head = sum(1 for j in hit if j.item.label in HEADLINE_LABELS)
        neg = sum(1 for j in hit if j.item.label in NEGATIVE_LABELS)
        rows.append(
            PrRow(
                t,
                len(hit),
                ratio(tp, len(hit)),
                ratio(head, sum(1 for j in judged if j.item.label in HEADLINE_LABELS)),
                ratio(neg, sum(1 for j in judged if j.item.label in NEGATIVE_LABELS)),
            )
        )
    return rows


@dataclass(frozen=True)
class Report:
    pages: int
    missing: tuple[str, ...]
    confusion: Mapping[str, Mapping[str, int]]
    precision: float
    recall: float  # counterfeits + sellers flagged
    lead_recall: float  # counterfeits + sellers + parked flagged
    average_precision: float
    fpr: float
    negatives_by_class: Mapping[str, tuple[int, int]]
    leads_by_class: Mapping[str, tuple[int, int]]
    leads_by_variant: Mapping[str, tuple[int, int]]
    officials: tuple[int, int]  # (judged official, official pages)
    pr: tuple[PrRow, ...]
    #: pages whose check reported an error (fetch, TLS, timeout): a run with many is suspect
    errors: int = 0
    #: negatives flagged and leads missed, worst first: what to read next
    false_positives: tuple[Judged, ...] = field(default=())
    false_negatives: tuple[Judged, ...] = field(default=())


def evaluate(
    judged: Sequence[Judged],
    missing: Sequence[Labelled] = (),
    thresholds: Sequence[int] = THRESHOLDS,
) -> Report:
    negatives = [j for j in judged if j.item.label in NEGATIVE_LABELS]
    leads = [j for j in judged if j.item.label in LEAD_LABELS]
    officials = [j for j in judged if j.item.label == "official"]
    precision, _ = precision_recall(judged, LEAD_LABELS)
    _, recall = precision_recall(judged, HEADLINE_LABELS)
    _, lead_recall = precision_recall(judged, LEAD_LABELS)
    return Report(
        pages=len(judged),
        missing=tuple(m.url for m in missing),
        confusion=confusion(judged),
        precision=precision,
        recall=recall,
        lead_recall=lead_recall,
        average_precision=average_precision(
            [j.score for j in judged], [j.item.label in LEAD_LABELS for j in judged]
        ),
        fpr=ratio(sum(j.flagged for j in negatives), len(negatives)),
        negatives_by_class=rates_by(negatives, "class"),
        leads_by_class=rates_by(leads, "class"),
        leads_by_variant=rates_by(leads, "variant"),
        officials=(sum(1 for j in officials if j.verdict == "official"), len(officials)),
        pr=tuple(pr_table(judged, thresholds)),
        errors=sum(1 for j in judged if j.error),
        false_positives=tuple(sorted((j for j in negatives if j.flagged), key=lambda j: -j.score)),
        false_negatives=tuple(sorted((j for j in leads if not j.flagged), key=lambda j: j.score)),
    )


def _num(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 4)


def report_json(r: Report) -> dict[str, Any]:
    """The report as one JSON-safe object (NaN → null)."""

    def rates(m: Mapping[str, tuple[int, int]]) -> dict[str, dict[str, Any]]:
        return {k: {"flagged": f, "pages": n, "rate": _num(ratio(f, n))} for k, (f, n) in m.items()}

    return {
        "pages": r.pages,
        "errors": r.errors,
        "missing": list(r.missing),
        "confusion": r.confusion,
        "precision": _num(r.precision),
        "recall": _num(r.recall),
        "lead_recall": _num(r.lead_recall),
        "average_precision": _num(r.average_precision),
        "fpr": _num(r.fpr),
        "fpr_by_class": rates(r.negatives_by_class),
        "recall_by_class": rates(r.leads_by_class),
        "recall_by_variant": rates(r.leads_by_variant),
        "officials_official": {"official": r.officials[0], "pages": r.officials[1]},
        "pr_table": [
            {
                "threshold": p.threshold,
                "flagged": p.flagged,
                "precision": _num(p.precision),
                "recall": _num(p.recall),
                "fpr": _num(p.fpr),
            }
            for p in r.pr
        ],
        "false_positives": [_brief(j) for j in r.false_positives],
        "false_negatives": [_brief(j) for j in r.false_negatives],
    }


def _brief(j: Judged) -> dict[str, Any]:
    return {
        "url": j.item.url,
        "label": j.item.label,
        "class": j.item.klass,
        "score": j.score,
        "verdict": j.verdict,
        "error": j.error,
    }
