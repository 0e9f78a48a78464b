"""The evaluator's metrics (pure functions) and `zhenwei evaluate --results` (no network).

A planted wrong verdict must move the numbers it should: these tests are the evaluator's own
evidence that it can fail."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhenwei.cli import main
from zhenwei.evaluation import (
    Judged,
    Labelled,
    LabelledSetError,
    average_precision,
    confusion,
    evaluate,
    join,
    parse_labelled,
    parse_results,
    pr_table,
    precision_recall,
    report_json,
)

WORLD = [
    # (label, class, variants, score, verdict)
    ("counterfeit", "vue-clone", ("clone", "https"), 98, "counterfeit"),
    ("counterfeit", "result-qr", ("result-only", "qr"), 90, "counterfeit"),
    ("counterfeit", "jsp-copy", ("jsp", "gbk"), 85, "counterfeit"),
    ("seller", "seller-landing", ("landing",), 70, "suspicious"),
    ("parked", "parked-lander", ("lander",), 40, "suspicious"),
    ("official", "genuine-platform", (), 0, "official"),
    ("official", "gov-emergency", (), 5, "official"),
    ("benign", "login-captcha", ("vpn",), 12, "benign"),
    ("benign", "login-captcha", ("oa",), 8, "benign"),
    ("benign", "news", (), 20, "benign"),
    ("benign", "conac-verify", (), 25, "benign"),
]


def judged(rows=WORLD) -> list[Judged]:  # type: ignore[no-untyped-def]
    return [
        Judged(Labelled(f"http://site{i}.example/", label, klass=k, variants=v), score, verdict)
        for i, (label, k, v, score, verdict) in enumerate(rows)
    ]


def plant(rows, index: int, score: int, verdict: str | None):  # type: ignore[no-untyped-def]
    out = list(rows)
    label, k, v, _, _ = out[index]
    out[index] = (label, k, v, score, verdict)
    return out


def test_clean_world_scores_perfectly() -> None:
    r = evaluate(judged())
    assert (r.precision, r.recall, r.lead_recall, r.fpr) == (1.0, 1.0, 1.0, 0.0)
    assert r.average_precision == 1.0
    assert r.officials == (2, 2)
    assert not r.false_positives and not r.false_negatives


def test_a_planted_false_positive_fails_precision_fpr_and_its_class() -> None:
    r = evaluate(judged(plant(WORLD, 7, 75, "counterfeit")))  # a VPN login judged counterfeit
    assert r.precision < 1.0 and r.fpr == pytest.approx(1 / 6)
    assert r.negatives_by_class["login-captcha"] == (1, 2)
    assert r.negatives_by_class["news"] == (0, 1)
    assert r.average_precision < 1.0
    assert [j.item.klass for j in r.false_positives] == ["login-captcha"]


def test_a_planted_miss_fails_recall_and_its_variants() -> None:
    r = evaluate(judged(plant(WORLD, 2, 15, "benign")))  # the GBK JSP copy missed
    assert r.recall == pytest.approx(3 / 4) and r.precision == 1.0
    assert r.leads_by_variant["gbk"] == (0, 1) and r.leads_by_variant["clone"] == (1, 1)
    assert r.leads_by_class["jsp-copy"] == (0, 1)
    assert r.false_negatives[0].item.klass == "jsp-copy"


def test_an_official_site_judged_suspicious_is_reported() -> None:
    r = evaluate(judged(plant(WORLD, 6, 80, "suspicious")))
    assert r.officials == (1, 2) and r.negatives_by_class["gov-emergency"] == (1, 1)


def test_a_page_that_could_not_be_judged_is_an_error_not_a_catch() -> None:
    rows = judged(plant(WORLD, 0, 0, None))
    assert confusion(rows)["counterfeit"]["error"] == 1
    assert precision_recall(rows, ("counterfeit",))[1] == pytest.approx(2 / 3)
    failed = Judged(Labelled("http://x.example/", "benign"), 63, "suspicious", "TLS 连接失败")
    report = evaluate([*judged(), failed])
    assert report.errors == 1 and report_json(report)["errors"] == 1


def test_average_precision_orders() -> None:
    assert average_precision([9, 8, 7, 1, 0], [True, True, True, False, False]) == 1.0
    assert average_precision([0, 1, 7, 8, 9], [True, True, True, False, False]) < 0.5
    # a tie between every page is no better than the share of positives
    assert average_precision([5, 5, 5, 5], [True, False, False, False]) == pytest.approx(0.25)
    assert math.isnan(average_precision([1, 2], [False, False]))
    with pytest.raises(ValueError):
        average_precision([1], [True, False])


def test_pr_table_is_monotone_in_flagged_pages() -> None:
    rows = pr_table(judged(), (10, 30, 50, 70, 90))
    assert [r.flagged for r in rows] == sorted((r.flagged for r in rows), reverse=True)
    assert rows[-1].precision == 1.0 and rows[0].recall == 1.0
    assert rows[0].fpr == pytest.approx(3 / 6)  # scores 12, 20, 25 are at or above 10


def test_reading_labelled_sets_and_results() -> None:
    items = parse_labelled(
        [
            json.dumps(
                {
                    "url": "http://a.example/",
                    "label": "counterfeit",
                    "class": "vue-clone",
                    "variants": ["clone"],
                    "open_as": "qr",
                    "gang": "g1",
                }
            ),
            "",
            json.dumps({"url": None, "label": "parked", "host": "b.example"}),
        ]
    )
    assert len(items) == 1 and items[0].open_as == "qr" and items[0].variants == ("clone",)
    with pytest.raises(LabelledSetError, match="label"):
        parse_labelled(['{"url": "http://x/", "label": "evil"}'])
    with pytest.raises(LabelledSetError, match="not JSON"):
        parse_labelled(["{"])
    with pytest.raises(LabelledSetError, match="url"):
        parse_results(['{"score": 3}'])
    results = parse_results(['{"url": "http://a.example/", "score": 97, "verdict": "counterfeit"}'])
    got, missing = join([*items, Labelled("http://c.example/", "benign")], results)
    assert got[0].flagged and [m.url for m in missing] == ["http://c.example/"]


def _write(tmp_path: Path, rows=WORLD) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    labels, results = tmp_path / "labels.jsonl", tmp_path / "check.jsonl"
    labels.write_text(
        "".join(
            json.dumps(
                {"url": f"http://site{i}.example/", "label": lab, "class": k, "variants": list(v)}
            )
            + "\n"
            for i, (lab, k, v, _, _) in enumerate(rows)
        ),
        "utf-8",
    )
    results.write_text(
        "".join(
            json.dumps(
                {"url": f"http://site{i}.example/", "score": s, "verdict": vd, "error": None}
            )
            + "\n"
            for i, (_, _, _, s, vd) in enumerate(rows[:-1])
        ),
        "utf-8",
    )
    return labels, results


def test_cli_reads_check_output_and_prints_tables(tmp_path: Path) -> None:
    labels, results = _write(tmp_path, plant(WORLD, 9, 72, "counterfeit"))
    out = CliRunner().invoke(main, ["evaluate", str(labels), "--results", str(results)])
    assert out.exit_code == 0, out.output
    assert "混淆矩阵" in out.output and "news" in out.output and "精确率—召回率表" in out.output
    assert "1 个没有结果" in out.output  # the last labelled page has no result

    out = CliRunner().invoke(main, ["evaluate", str(labels), "--results", str(results), "--json"])
    report = json.loads(out.stdout)
    assert report["fpr_by_class"]["news"] == {"flagged": 1, "pages": 1, "rate": 1.0}
    assert report["recall"] == 1.0 and report["missing"] == ["http://site10.example/"]
    assert report == report_json(
        evaluate(
            *join(
                parse_labelled(labels.read_text().splitlines()),
                parse_results(results.read_text().splitlines()),
            )
        )
    )


def test_cli_refuses_a_broken_labelled_set(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"url": "http://x/", "label": "maybe"}\n', "utf-8")
    out = CliRunner().invoke(main, ["evaluate", str(bad), "--results", str(bad)])
    assert out.exit_code == 2 and "label" in out.output


def test_cli_compares_with_an_earlier_report(tmp_path: Path) -> None:
    labels, results = _write(tmp_path)
    runner = CliRunner()
    before = runner.invoke(main, ["evaluate", str(labels), "--results", str(results), "--json"])
    (tmp_path / "before.json").write_text(before.stdout, "utf-8")
    # a later run flags the news page: its class must show the change, the others none
    _, worse = _write(tmp_path, plant(WORLD, 9, 72, "counterfeit"))
    out = runner.invoke(
        main,
        [
            "evaluate",
            str(labels),
            "--results",
            str(worse),
            "--compare",
            str(tmp_path / "before.json"),
        ],
    )
    assert out.exit_code == 0, out.output
    compared = out.output.split("对比（之前 → 现在）", 1)[1]
    news = next(line for line in compared.splitlines() if line.strip().startswith("news "))
    assert "0/1    0.00 →    1/1    1.00" in news
    login_row = next(ln for ln in compared.splitlines() if ln.strip().startswith("login-captcha"))
    assert login_row.count("0/2") == 2
    fpr = next(ln for ln in compared.splitlines() if "误报率 FPR" in ln and "→" in ln)
    assert fpr.split()[:3] == ["0.00", "→", "0.20"]  # 1 of the 5 judged negatives

    (tmp_path / "junk.json").write_text("[1, 2]", "utf-8")
    bad = runner.invoke(
        main,
        [
            "evaluate",
            str(labels),
            "--results",
            str(worse),
            "--compare",
            str(tmp_path / "junk.json"),
        ],
    )
    assert bad.exit_code == 2 and "not a `zhenwei evaluate --json` report" in bad.output
