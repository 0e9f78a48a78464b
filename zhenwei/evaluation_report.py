"""The evaluation as text tables (what `zhenwei evaluate` prints)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from zhenwei.evaluation import LABELS, VERDICT_COLUMNS, Judged, Report, ratio


def _pct(x: float) -> str:
    return "   -" if math.isnan(x) else f"{x:.2f}"


def _rates(title: str, rates: Mapping[str, tuple[int, int]], what: str) -> list[str]:
    lines = [title]
    for key, (f, n) in rates.items():
        lines.append(f"  {key:24} {what} {f:4d}/{n:<4d} {_pct(ratio(f, n))}")
    return lines


def _brief(j: Judged) -> str:
    err = f"  错误: {j.error[:60]}" if j.error else ""
    return f"  {j.score:3d} {j.verdict or 'error':11} {j.item.label:11} {j.item.klass:22} {j.item.url}{err}"


def format_report(r: Report, *, worst: int = 15) -> str:
    lines = [
        f"评估页面 {r.pages} 个"
        + (f"，{len(r.missing)} 个没有结果" if r.missing else "")
        + (f"，{r.errors} 个抓取出错（见“错误”）" if r.errors else "")
    ]
    lines.append("混淆矩阵（行：标注 label，列：判定 verdict）")
    lines.append(f"  {'':12}" + "".join(f"{v:>12}" for v in VERDICT_COLUMNS))
    for lab in LABELS:
        row = r.confusion.get(lab, {})
        if sum(row.values()):
            lines.append(f"  {lab:12}" + "".join(f"{row.get(v, 0):>12}" for v in VERDICT_COLUMNS))
    lines.append(
        f"精确率 precision {_pct(r.precision)}  召回率 recall（仿冒+售假）{_pct(r.recall)}"
        f"  含停放 leads recall {_pct(r.lead_recall)}  平均精确率 AP {_pct(r.average_precision)}"
        f"  误报率 FPR {_pct(r.fpr)}"
    )
    lines.append(f"官方网站判为 official：{r.officials[0]}/{r.officials[1]}")
    lines += _rates("误报率 FPR（按负类 class）", r.negatives_by_class, "flagged")
    lines += _rates("召回率（按正类 class）", r.leads_by_class, "caught ")
    lines += _rates("召回率（按变体 variant）", r.leads_by_variant, "caught ")
    lines.append("精确率—召回率表（score ≥ 阈值即判为线索）")
    lines.append(f"  {'阈值':>6}{'flagged':>9}{'precision':>11}{'recall':>8}{'FPR':>7}")
    for p in r.pr:
        lines.append(
            f"  {p.threshold:>6d}{p.flagged:>9d}{_pct(p.precision):>11}{_pct(p.recall):>8}{_pct(p.fpr):>7}"
        )
    if r.false_positives:
        lines.append(f"误报（最高分在前，共 {len(r.false_positives)} 个）")
        lines += [_brief(j) for j in r.false_positives[:worst]]
    if r.false_negatives:
        lines.append(f"漏报（最低分在前，共 {len(r.false_negatives)} 个）")
        lines += [_brief(j) for j in r.false_negatives[:worst]]
    if r.missing:
        lines.append("没有结果的页面：" + ", ".join(r.missing[:worst]))
    return "\n".join(lines)


def _cell(x: object) -> str:
    return "   -" if not isinstance(x, int | float) else f"{x:.2f}"


def _rate_rows(
    title: str, before: Mapping[str, Any], after: Mapping[str, Any], what: str
) -> list[str]:
    lines = [title]
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key) or {}, after.get(key) or {}
        lines.append(
            f"  {key:24} {what} {b.get('flagged', '-')!s:>4}/{b.get('pages', '-')!s:<4}"
            f" {_cell(b.get('rate'))} → {a.get('flagged', '-')!s:>4}/{a.get('pages', '-')!s:<4}"
            f" {_cell(a.get('rate'))}"
        )
    return lines


def format_comparison(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """Two `evaluate --json` reports side by side (before → after): the headline figures, the
    FPR of each negative class and the recall of each positive class and variant."""
    lines = ["对比（之前 → 现在）"]
    for key, name in (
        ("precision", "精确率 precision"),
        ("recall", "召回率 recall（仿冒+售假）"),
        ("lead_recall", "含停放 leads recall"),
        ("average_precision", "平均精确率 AP"),
        ("fpr", "误报率 FPR"),
    ):
        # values first: Chinese names do not pad to a column
        lines.append(f"  {_cell(before.get(key))} → {_cell(after.get(key))}  {name}")
    ob, oa = before.get("officials_official") or {}, after.get("officials_official") or {}
    lines.append(
        f"  {ob.get('official', '-')}/{ob.get('pages', '-')}"
        f" → {oa.get('official', '-')}/{oa.get('pages', '-')}  官方网站判为 official"
    )
    for key, title, what in (
        ("fpr_by_class", "误报率 FPR（按负类 class）", "flagged"),
        ("recall_by_class", "召回率（按正类 class）", "caught "),
        ("recall_by_variant", "召回率（按变体 variant）", "caught "),
    ):
        lines += _rate_rows(title, before.get(key) or {}, after.get(key) or {}, what)
    return "\n".join(lines)
