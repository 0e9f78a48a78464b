"""Throughput of `zhenwei score-domains`: names per minute with 1 and 2 worker processes.

Generates a realistic mix (default 2,000,000 names: pinyin and English words, digits,
hyphens, subdomains, common and Chinese suffixes, and ~0.2 % look-alikes of the protected
targets), writes it to a temporary file and times the same code path the command runs.

    .venv/bin/python bench/bench_score_domains.py [--names 2000000] [--processes 1,2]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from zhenwei.commands.score_domains import open_input, score_lines

PINYIN = (
    "zhong guo bei jing shang hai tian jin chong qing guang zhou shen zhen hang zhou su zhou "
    "nan jing wu han cheng du xi an he fei ji nan qing dao da lian xia men fu zhou kun ming "
    "an quan sheng chan jiao yu pei xun ke ji wang luo xin xi fu wu gong si jian zhu gong cheng "
    "zhi ye ji neng kao shi zheng shu cha xun dian zi shang wu mao yi jin rong tou zi bao xian "
    "yi liao jian kang lv you wen hua chuan mei ying shi you xi dong man che qi fang chan"
).split()
ENGLISH = (
    "the best shop store online cloud data tech web app home life love world global china asia "
    "news media group smart digital pay game play music video photo art design studio market "
    "trade money bank loan crypto coin token nft meta member memory memo memes remember gem "
    "government governor go gold golden green blue red star sun moon sky fast easy free pro"
).split()
SUFFIXES = (
    ("com", 40),
    ("cn", 12),
    ("net", 6),
    ("top", 6),
    ("xyz", 6),
    ("org", 4),
    ("vip", 3),
    ("com.cn", 3),
    ("online", 2),
    ("shop", 2),
    ("site", 2),
    ("info", 2),
    ("cc", 2),
    ("icu", 2),
    ("club", 1),
    ("net.cn", 1),
    ("gov.cn", 1),
    ("edu.cn", 1),
    ("io", 1),
    ("me", 1),
)
LOOKALIKES = (
    "cx-mem-gov.cn",
    "memgov.cn",
    "cx.mem.gov.cn.{r}.top",
    "cxmem-gov.com",
    "cx.rnem-gov.cn",
    "tzzycx.com",
    "aqsc-chaxun.cn",
    "yjglb-zscx.net",
    "mem-gov{n}.xyz",
    "tezhongzuoye{n}.com",
    "xn--vhq0g80ak14h9wh770a.com",
    "zlaq-mohurd-gov.com",
    "osta-zscx{n}.top",
    "samr-gov.vip",
)


def _label(rnd: random.Random) -> str:
    kind = rnd.random()
    if kind < 0.45:
        label = "".join(rnd.choice(PINYIN) for _ in range(rnd.randint(2, 4)))
    elif kind < 0.75:
        label = "".join(rnd.choice(ENGLISH) for _ in range(rnd.randint(1, 3)))
    elif kind < 0.9:
        label = "".join(
            rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rnd.randint(5, 14))
        )
    else:
        label = rnd.choice(PINYIN) + rnd.choice(ENGLISH)
    if rnd.random() < 0.15:
        label += str(rnd.randint(1, 999))
    if rnd.random() < 0.1:
        label = label[: len(label) // 2] + "-" + label[len(label) // 2 :]
    return label.strip("-") or "x"


def generate(n: int, seed: int = 20260915) -> list[str]:
    rnd = random.Random(seed)
    suffixes, weights = zip(*SUFFIXES, strict=True)
    names = []
    for _ in range(n):
        if rnd.random() < 0.002:
            names.append(rnd.choice(LOOKALIKES).format(r=_label(rnd), n=rnd.randint(1, 99)))
            continue
        name = _label(rnd) + "." + rnd.choices(suffixes, weights)[0]
        if rnd.random() < 0.2:
            name = rnd.choice(("www", "m", "api", "mail", "cdn", _label(rnd))) + "." + name
        names.append(name)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=2_000_000)
    parser.add_argument("--processes", default="1,2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "names.txt"
        t0 = time.perf_counter()
        path.write_text("\n".join(generate(args.names)) + "\n", encoding="utf-8")
        print(f"generated {args.names:,} names in {time.perf_counter() - t0:.1f} s")
        for processes in (int(p) for p in args.processes.split(",")):
            t0 = time.perf_counter()
            with open_input(str(path)) as stream:
                run = score_lines(stream, top=1000, processes=processes)
            elapsed = time.perf_counter() - t0
            print(
                f"processes={processes}: {run.lines:,} names in {elapsed:.1f} s = "
                f"{run.lines / elapsed * 60:,.0f} names/minute; {run.candidates:,} scored >= 0.3, "
                f"best: {', '.join(r.host for r in run.top[:3])}"
            )


if __name__ == "__main__":
    main()
