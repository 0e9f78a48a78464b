"""A generated split of gangs for the linking tests and bench/bench_campaigns.py: seeded,
so a test asserts on one seed and the bench reports held-back ones."""

from __future__ import annotations

import random

from storage.linkfeatures import LinkFeatures


def gang_world(
    seed: int, gangs: int = 8
) -> tuple[dict[int, list[LinkFeatures]], dict[int, str | None]]:
    """Independent gangs (own kit, own contact ids, some on a shared hoster) and benign sites
    on the same shared hosting; each gang site shows a random subset of its gang's marks."""
    rnd = random.Random(seed)
    feats: dict[int, list[LinkFeatures]] = {}
    truth: dict[int, str | None] = {}
    hosters = [f"10{h}.20.30" for h in range(3)]
    lid = 0
    for g in range(gangs):
        hoster = rnd.choice(hosters)
        marks = [
            ("wechat", f"g{g}_wx"),
            ("qq", f"{g}9988776"),
            ("baidu_tongji", f"{g:032x}"),
            ("dom", f"kit{g}"),
            ("resource", f"res{g}"),
        ]
        for _ in range(rnd.randint(2, 7)):
            lid += 1
            shown = [m for m in marks if rnd.random() < 0.6] or [marks[3]]
            ip = f"{hoster}.{rnd.randint(1, 4)}"
            pairs = [*shown, ("ip", ip), ("net24", f"{hoster}.0/24"), ("asn", f"AS-{hoster}")]
            feats[lid] = [LinkFeatures(tuple(pairs))]
            truth[lid] = f"gang{g}"
    for _ in range(10):
        lid += 1
        hoster = rnd.choice(hosters)
        pairs = [("ip", f"{hoster}.{rnd.randint(1, 4)}"), ("net24", f"{hoster}.0/24")]
        feats[lid] = [LinkFeatures((*pairs, ("asn", f"AS-{hoster}")))]
        truth[lid] = None
    return feats, truth
