"""`zhenwei score-domains`: bulk ranking of host names from a file, a .gz file or stdin."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from zhenwei.cli import main
from zhenwei.commands.score_domains import host_of, score_lines

LOOKALIKES = ["cx.mem.gov.cn.evil.top", "cx-mem-gov.cn", "tzzycx.com", "zlaq-mohurd-gov.com"]
OFFICIAL = ["cx.mem.gov.cn", "www.chsi.com.cn", "yjt.zj.gov.cn"]
NOISE = [f"shop{i}.example.com" for i in range(3000)] + [
    "memchip.com",
    "chinamemory.com",
    "baidu.com",
]


def _lines() -> list[str]:
    # CT-dump style: wildcard names, trailing columns, comments and blank lines
    names = NOISE[:1500] + LOOKALIKES + OFFICIAL + NOISE[1500:]
    return (
        ["# newly registered domains", ""]
        + [f"*.{n},2026-09-14" if i % 7 == 0 else n for i, n in enumerate(names)]
        + ["cx-mem-gov.cn"]
    )


def test_host_of_takes_the_first_field() -> None:
    assert host_of("*.cx-mem-gov.cn,2026-09-14,R11\n") == "*.cx-mem-gov.cn"
    assert host_of("memgov.cn\t1\n") == "memgov.cn"
    assert host_of("# comment") == "" and host_of("   ") == ""


def test_file_ranked_best_first_as_tsv(tmp_path: Path) -> None:
    src = tmp_path / "names.txt"
    src.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score-domains", str(src), "--top", "3", "-j", "1"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()]
    assert len(rows) == 3
    assert rows[0][0] == "cx.mem.gov.cn.evil.top"
    assert {r[0] for r in rows} <= set(LOOKALIKES)
    scores = [float(r[1]) for r in rows]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert rows[0][2] == "mem" and "subdomain-abuse" in rows[0][3] and "子域名" in rows[0][4]


def test_gzip_json_two_processes_and_out_file(tmp_path: Path) -> None:
    src = tmp_path / "names.txt.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(_lines() * 4) + "\n")
    out = tmp_path / "top.jsonl"
    result = CliRunner().invoke(
        main, ["score-domains", str(src), "--json", "--out", str(out), "-j", "2"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    domains = [r["domain"] for r in rows]
    assert sorted(domains) == sorted(LOOKALIKES)  # each once, despite repeats; no officials
    assert all(r["reasons"] and r["techniques"] and 0 < r["score"] <= 1 for r in rows)
    assert rows[0]["domain"] == "cx.mem.gov.cn.evil.top"


def test_stdin_and_min_score(tmp_path: Path) -> None:
    text = "\n".join(_lines()) + "\n"
    result = CliRunner().invoke(
        main, ["score-domains", "-", "--min-score", "0.9", "-j", "1"], input=text
    )
    assert result.exit_code == 0, result.output
    hosts = [line.split("\t")[0] for line in result.output.splitlines()]
    assert "cx.mem.gov.cn.evil.top" in hosts and "tzzycx.com" not in hosts


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["score-domains", str(tmp_path / "none.txt")])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_score_lines_counts_and_agrees_across_process_counts() -> None:
    one = score_lines(_lines(), top=10, processes=1)
    two = score_lines(_lines(), top=10, processes=2)
    assert one.lines == two.lines == len(_lines())
    assert [r.host for r in one.top] == [r.host for r in two.top]
    assert one.candidates == two.candidates >= len(LOOKALIKES)
