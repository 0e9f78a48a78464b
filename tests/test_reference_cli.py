"""`zhenwei reference update | add | list` through the simulated internet (real Chromium)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ZHENWEI = [sys.executable, "-m", "zhenwei.cli"]
MEM_REFERENCES = {
    "https://cx.mem.gov.cn/",
    "https://cx.mem.gov.cn/special?index=0",
    "https://cx.mem.gov.cn/safety?index=1",
}
RESULT_URL = "https://cx.mem.gov.cn/result"


def _zhenwei(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ZHENWEI, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _listed(env: dict[str, str]) -> list[dict]:  # type: ignore[type-arg]
    proc = _zhenwei(["reference", "list", "--json"], env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def env(simnet, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("refdata")
    out = {**os.environ, **simnet.env, "ZHENWEI_DATA_DIR": str(data)}
    out.pop("ZHENWEI_DATABASE_URL", None)
    return out


@pytest.fixture(scope="module")
def first_update(simnet, env):  # type: ignore[no-untyped-def]
    simnet.log.clear()
    proc = _zhenwei(["reference", "update", "--timeout", "30"], env)
    return proc, simnet.log.entries()


def test_update_captures_every_mem_reference_through_the_network_path(first_update, env) -> None:  # type: ignore[no-untyped-def]
    proc, log = first_update
    # other targets' official hosts are not in the simulated world: reported, yet exit 0
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "FAILED" in proc.stderr and "zlaq.mohurd.gov.cn" in proc.stderr
    stored = [ln.split("\t") for ln in proc.stdout.splitlines() if ln.startswith("mem\t")]
    assert {row[4] for row in stored} == MEM_REFERENCES
    assert all(row[1] == "stored" for row in stored)
    # fetched by the browser through the simulated proxy, not read from files
    assert any(e.host == "cx.mem.gov.cn" and e.kind != "dns" for e in log)

    listed = _listed(env)
    assert {r["url"] for r in listed} == MEM_REFERENCES
    for r in listed:
        assert r["target"] == "mem" and r["screenshot_bytes"] > 1000 and r["screenshot_sha256"]
        assert r["captured_at"].endswith("Z")
    kinds = {r["url"]: r["kind"] for r in listed}
    assert kinds["https://cx.mem.gov.cn/"] == "home"
    assert kinds["https://cx.mem.gov.cn/special?index=0"] == "query"
    assert "请输入证件号码" in next(r for r in listed if r["kind"] == "query")["form_fields"]


def test_second_update_does_not_duplicate_unchanged_pages(first_update, env) -> None:  # type: ignore[no-untyped-def]
    before = _listed(env)
    proc = _zhenwei(["-v", "reference", "update", "--target", "mem", "--timeout", "30"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    states = {ln.split("\t")[4]: ln.split("\t")[1] for ln in proc.stdout.splitlines()}
    why = [ln for ln in proc.stderr.splitlines() if "stored a new reference capture" in ln]
    assert states == dict.fromkeys(MEM_REFERENCES, "unchanged"), proc.stdout + "\n".join(why)
    assert _listed(env) == before


def test_add_stores_a_result_page_and_list_shows_it(first_update, env) -> None:  # type: ignore[no-untyped-def]
    proc = _zhenwei(["reference", "add", RESULT_URL, "--kind", "result", "--timeout", "30"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("mem\tstored\tresult\t")
    listed = _listed(env)
    assert [r["kind"] for r in listed if r["url"] == RESULT_URL] == ["result"]
    human = _zhenwei(["reference", "list"], env)
    assert human.returncode == 0 and RESULT_URL in human.stdout and "result" in human.stdout


def test_add_of_an_unreachable_page_fails_and_stores_nothing(first_update, env) -> None:  # type: ignore[no-untyped-def]
    before = _listed(env)
    proc = _zhenwei(["reference", "add", "http://no-such-official.gov.cn/", "--timeout", "20"], env)
    assert proc.returncode == 1
    assert "FAILED" in proc.stderr and "0 of 1" in proc.stderr
    assert _listed(env) == before


def test_add_rejects_unknown_target(env) -> None:  # type: ignore[no-untyped-def]
    proc = _zhenwei(["reference", "add", RESULT_URL, "--target", "nope"], env)
    assert proc.returncode == 2 and "unknown target" in proc.stderr


RETAKE = """
from core.config import Settings
from zhenwei.commands.reference import _pages, _pages_again
jobs = [("mem", "https://cx.mem.gov.cn/", "home")]
settings = Settings.from_env()
first = _pages(jobs, settings, 30)
again = _pages_again(jobs, settings, 30)  # the reactor has run in this process
print(len(first[0].screenshot_png) > 1000, len(again[0].screenshot_png) > 1000)
"""


def test_a_retake_after_the_first_crawl_runs_in_a_fresh_process(env) -> None:  # type: ignore[no-untyped-def]
    # `reference update` photographs a page whose look changed once more; that second crawl
    # cannot run on this process's reactor, which has run the first
    proc = subprocess.run(
        [sys.executable, "-c", RETAKE], env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["True", "True"]
