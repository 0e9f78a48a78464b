"""Peak memory of `zhenwei check` over the hostile world (issue 9, finding 8).

    .venv/bin/python bench/bench_hostile_memory.py [--interval 0.25] [--timeout 30]

Serves simworld/hostile/ (gzip and brotli bombs of 1 GiB, a 60 MB body with and without a
length, a byte-a-second drip, an endless redirect loop, a popup storm, a 400,000-node DOM, an
alert loop, a busy loop and a heap hog) on the simulated internet, runs one `zhenwei check`
over all of them, and samples the resident memory of the whole process tree (zhenwei, the
Playwright driver, every Chromium process): the RSS sum and, less often, the PSS sum (shared
pages counted once). Prints the peaks and each page's outcome; exits 1 when a page has neither
a verdict nor a typed failure, or the check crashed. Target: PSS peak under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from treememory import Sampler  # noqa: E402

from simworld import SimulatedInternet  # noqa: E402
from simworld.handlers.hostile import PATHS, warm_up  # noqa: E402
from simworld.loader import load_world  # noqa: E402

HOST = "hostile-mem.cn"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--timeout", type=float, default=30.0, help="zhenwei check --timeout")
    parser.add_argument("--concurrency", type=int, default=4, help="zhenwei check --concurrency")
    parser.add_argument(
        "--only", action="append", default=[], help="check only the paths containing this"
    )
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zhenwei-hostile-"))
    world = load_world(ROOT / "simworld" / "hostile")
    paths = [p for p in PATHS if not opts.only or any(o in p for o in opts.only)]
    urls = [f"http://{HOST}{path}" for path in paths]
    warm_up()  # the bombs are built before the clock starts: served at once, as a server would
    with SimulatedInternet(world, workdir=work / "simnet") as net:
        env = {
            **os.environ,
            **net.env,
            "ZHENWEI_DATA_DIR": str(work / "data"),
            "ZHENWEI_ALLOW_NETWORKS": f"{net.dns_address[0]}/32",
        }
        env.pop("ZHENWEI_DATABASE_URL", None)
        started = time.monotonic()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zhenwei.cli",
                "check",
                "--json",
                "--timeout",
                str(opts.timeout),
                "--concurrency",
                str(opts.concurrency),
                *urls,
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        sampler = Sampler(proc.pid, opts.interval, pss_every=4)
        sampler.start()
        out, err = proc.communicate(timeout=3600)
        sampler.stop()
        seconds = time.monotonic() - started
    bad = 0
    results = [json.loads(line) for line in out.splitlines() if line.strip().startswith("{")]
    for result in results:
        verdict, error = result.get("verdict"), result.get("error")
        ok = bool(verdict) or bool(error)
        bad += not ok
        print(
            f"  {result['url']}: verdict={verdict} score={result.get('score')} "
            f"status={result.get('status')} error={(error or '-')[:160]}"
        )
    if len(results) != len(urls):
        print(f"  only {len(results)} of {len(urls)} results; stderr tail:\n{err[-2000:]}")
        bad += len(urls) - len(results)
    print(
        f"zhenwei check --concurrency {opts.concurrency} over {len(urls)} hostile pages: "
        f"exit {proc.returncode}, {seconds:.0f} s"
    )
    print(
        f"peak memory of the process tree: RSS sum {sampler.peak_rss / 2**20:.0f} MiB, "
        f"PSS sum {sampler.peak_pss / 2**20:.0f} MiB ({sampler.peak_procs} processes at most, "
        f"{sampler.samples} samples every {opts.interval} s)"
    )
    for line in sampler.kind_lines():
        print(line)
    return 1 if bad or proc.returncode not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main())
