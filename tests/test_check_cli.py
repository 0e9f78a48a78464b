"""`zhenwei check` end to end: a subprocess against the simulated internet (real Chromium)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]

COUNTERFEIT = "http://cx-mem-gov.cn/"
SCHOOL = "http://www.zhongan-peixun.com/"
OFFICIAL = "http://cx.mem.gov.cn/"
UNREACHABLE = "http://no-such-host-zhenwei.com/"
MALFORMED = "http://exa mple.com/"
FROM_FILE = "http://tzzycx.com/"
QR_RESULT = "https://zs-cx.top/cert/verify?no=T370102199508182048"

CONTRACT_FIELDS = {
    "url",
    "final_url",
    "title",
    "score",
    "verdict",
    "categories",
    "signals",
    "error",
}


def _env(extra: dict[str, str], data_dir: Path) -> dict[str, str]:
    env = {**os.environ, **extra, "ZHENWEI_DATA_DIR": str(data_dir)}
    env.pop("ZHENWEI_DATABASE_URL", None)
    return env


def _zhenwei(
    args: list[str], env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ZHENWEI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _lines(stdout: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def json_run(simnet, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One `check --json` over URLs, an --input file and a --qr certificate photo."""
    import qrcode

    tmp = tmp_path_factory.mktemp("check")
    urls = tmp / "urls.txt"
    urls.write_text(
        f"# tips from the hotline\n\n  {FROM_FILE}  # a kit clone\n# {SCHOOL}\n", "utf-8"
    )
    qr = tmp / "certificate.png"
    qrcode.make(QR_RESULT).save(str(qr))
    simnet.log.clear()
    scratch = tmp / "scratch"  # the process's TMPDIR: check without --out leaves nothing here
    scratch.mkdir()
    proc = _zhenwei(
        [
            "check",
            "--json",
            "--timeout",
            "30",
            COUNTERFEIT,
            SCHOOL,
            OFFICIAL,
            UNREACHABLE,
            MALFORMED,
            "--input",
            str(urls),
            "--qr",
            str(qr),
        ],
        {**_env(simnet.env, tmp / "data"), "TMPDIR": str(scratch)},
    )
    return proc, simnet.log.entries(), scratch


def test_exit_0_and_one_object_per_input_in_order(json_run) -> None:  # type: ignore[no-untyped-def]
    proc, _, _ = json_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    objs = _lines(proc.stdout)
    assert [o["url"] for o in objs] == [
        COUNTERFEIT,
        SCHOOL,
        OFFICIAL,
        UNREACHABLE,
        MALFORMED,
        FROM_FILE,
        QR_RESULT,
    ]
    for o in objs:
        assert CONTRACT_FIELDS <= o.keys()
        assert isinstance(o["score"], int) and 0 <= o["score"] <= 100
        for sig in o["signals"]:
            assert {"name", "score", "reason", "details", "detector", "version"} <= sig.keys()
            assert 0.0 <= sig["score"] <= 1.0 and sig["reason"]
    # stdout is data only: the throughput line goes to stderr
    assert "URL(s) in" in proc.stderr


def test_nothing_is_left_in_the_temporary_directory(json_run) -> None:  # type: ignore[no-untyped-def]
    proc, _, scratch = json_run
    assert proc.returncode == 0
    assert sorted(p.name for p in scratch.iterdir()) == []


def test_verdicts_of_counterfeit_school_and_official(json_run) -> None:  # type: ignore[no-untyped-def]
    objs = {o["url"]: o for o in _lines(json_run[0].stdout)}
    fake, school, official = objs[COUNTERFEIT], objs[SCHOOL], objs[OFFICIAL]
    assert fake["verdict"] == "counterfeit" and fake["error"] is None
    assert "impersonation" in fake["categories"]
    assert fake["target"] == "mem" and fake["fetched_at"].endswith("Z")
    assert {s["name"] for s in fake["signals"]} >= {"domain", "content"}
    assert school["verdict"] in ("benign", "suspicious") and school["score"] < fake["score"]
    assert official["verdict"] == "official" and official["score"] < school["score"] + 1
    assert official["final_url"].startswith("http://cx.mem.gov.cn/")
    assert official["title"] == "特种作业操作证及安全生产知识和管理能力考核合格信息查询平台"
    assert objs[FROM_FILE]["verdict"] == "counterfeit"


def test_unreachable_and_malformed_are_reported_with_errors(json_run) -> None:  # type: ignore[no-untyped-def]
    proc, log, _ = json_run
    objs = {o["url"]: o for o in _lines(proc.stdout)}
    assert "无法解析" in objs[UNREACHABLE]["error"]
    assert "无效网址" in objs[MALFORMED]["error"]
    assert objs[MALFORMED]["verdict"] is None and objs[MALFORMED]["signals"] == []
    # the malformed URL was never sent anywhere
    assert not [e for e in log if "exa" in e.host]


def test_qr_url_is_checked_as_wechat_would_open_it(json_run) -> None:  # type: ignore[no-untyped-def]
    proc, log, _ = json_run
    obj = {o["url"]: o for o in _lines(proc.stdout)}[QR_RESULT]
    assert obj["source"] == "qr" and obj["qr_image"].endswith("certificate.png")
    assert "MicroMessenger" in obj["user_agent"]
    assert obj["verdict"] == "counterfeit" and "fake-verification" in obj["categories"]
    assert any("MicroMessenger" in e.user_agent for e in log if e.host == "zs-cx.top")


# ------------------------------------------------------------------ usage errors (exit 2)


def test_no_urls_is_a_usage_error(tmp_path: Path) -> None:
    proc = _zhenwei(["check", "--json"], _env({}, tmp_path), timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "no URL to check" in proc.stderr


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    proc = _zhenwei(
        ["check", "--input", str(tmp_path / "missing.txt")], _env({}, tmp_path), timeout=60
    )
    assert proc.returncode == 2 and "cannot read --input" in proc.stderr


def test_unreadable_qr_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "photo.png"
    bad.write_text("not an image", "utf-8")
    proc = _zhenwei(["check", "--qr", str(bad)], _env({}, tmp_path), timeout=60)
    assert proc.returncode == 2 and "cannot read --qr" in proc.stderr


def test_empty_input_file_is_a_usage_error(tmp_path: Path) -> None:
    empty = tmp_path / "urls.txt"
    empty.write_text("# nothing yet\n\n", "utf-8")
    proc = _zhenwei(["check", "--input", str(empty)], _env({}, tmp_path), timeout=60)
    assert proc.returncode == 2 and "no URL to check" in proc.stderr


# ------------------------------------------------------------------ exact titles, human output

# Titles with markup characters: JSON must carry the text, never the entities; rich must not
# read "[...]" as markup. The default world has no such title, so this world adds one.
TITLE_SITE = """
host = "cx-mem-title.com"
label = "counterfeit"
categories = ["impersonation"]
target = "mem"
[dns]
a = ["47.242.10.99"]
[[routes]]
path = "/"
file = "index.html"
"""
TITLE_HTML = """<!doctype html><html><head><meta charset="utf-8">
<title>特种作业操作证查询 &amp; 验证 &lt;官方&gt; [red]证书[/red]</title></head>
<body><h1>特种作业操作证及安全生产知识和管理能力考核合格信息查询平台</h1>
<form><select><option>请选择证件类型</option><option>身份证</option></select>
<input placeholder="请输入证件号码"><input placeholder="请输入姓名">
<input placeholder="请输入验证码"><button>查询</button></form>
<p>主办单位：中华人民共和国应急管理部</p></body></html>"""
EXPECTED_TITLE = "特种作业操作证查询 & 验证 <官方> [red]证书[/red]"


@pytest.fixture(scope="module")
def title_net(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from simworld import SimulatedInternet
    from simworld.loader import load_world

    root = tmp_path_factory.mktemp("title-world")
    site = root / "sites" / "cx-mem-title.com"
    (site / "files").mkdir(parents=True)
    (site / "site.toml").write_text(TITLE_SITE, "utf-8")
    (site / "files" / "index.html").write_text(TITLE_HTML, "utf-8")
    (root / "domains.toml").write_text("", "utf-8")
    with SimulatedInternet(load_world(root), workdir=root / "net") as net:
        yield net


def test_title_is_exact_text(title_net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = _zhenwei(["check", "--json", "cx-mem-title.com"], _env(title_net.env, tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    (obj,) = _lines(proc.stdout)
    assert obj["url"] == "cx-mem-title.com"  # exactly as given, not normalised
    assert obj["final_url"] == "http://cx-mem-title.com/"
    assert obj["title"] == EXPECTED_TITLE


def test_human_output_shows_verdict_score_and_reasons(title_net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    proc = _zhenwei(
        ["check", "http://cx-mem-title.com/", "http://gone.cx-mem-title.org/"],
        _env(title_net.env, tmp_path),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "counterfeit" in out or "suspicious" in out
    assert "/100" in out
    assert EXPECTED_TITLE in out  # rich markup characters printed, not interpreted
    assert "•" in out and "content:" in out  # at least one reason with its detector
    assert "错误" in out and "gone.cx-mem-title.org" in out
