"""How well campaigns match the gangs behind the simulated world's sites: purity,
completeness and benign sites in campaigns.

    .venv/bin/python bench/bench_campaigns.py [--timeout 30]

World: the file world of simworld/world (the seeded generator is not on main yet). Truth:
each counterfeit or seller site belongs to the gang of its `template` (its kit); a site
without a template is a gang of its own; benign, parked and official sites belong to none.
Every labelled site is fetched once through the simulated internet as a tip list
(`zhenwei tips import`: the crawl's runner, capture, scoring and storage pipelines, every URL
rendered fully, then campaign linking); the campaigns are read back from the database. Also prints the held-back seeds of the generated
split (tests/gangs.py; the tests assert on seed 11).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "netguard"))
sys.path.insert(0, str(ROOT / "tests"))
import sitecustomize  # noqa: E402,F401  (benches stay on loopback too)

from core.config import Settings  # noqa: E402
from simworld import SimulatedInternet  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.repository import Repository  # noqa: E402
from zhenwei.campaign_eval import score_campaigns  # noqa: E402

GANG_LABELS = ("counterfeit", "seller")
CLEAN_LABELS = ("benign", "parked", "official")


def world_truth(net: SimulatedInternet) -> tuple[dict[str, str | None], list[str]]:
    """host → gang (None for sites no gang runs), and the URLs to crawl."""
    truth: dict[str, str | None] = {}
    urls = []
    for site in sorted(net.world.sites.values(), key=lambda s: s.host):
        if site.label in GANG_LABELS:
            truth[site.host] = site.template or f"solo:{site.host}"
        elif site.label in CLEAN_LABELS:
            truth[site.host] = None
        else:
            continue
        urls.append(site.url())
    return truth, urls


def crawl(net: SimulatedInternet, urls: list[str], work: Path, args: argparse.Namespace) -> float:
    seeds = work / "sites.csv"
    seeds.write_text("编号,网址\n" + "".join(f"{i},{u}\n" for i, u in enumerate(urls)), "utf-8")
    env = {**os.environ, **net.env, "ZHENWEI_DATA_DIR": str(work / "data")}
    env.pop("ZHENWEI_DATABASE_URL", None)
    cmd = [
        sys.executable, "-m", "zhenwei.cli", "tips", "import", str(seeds),
        "--channel", "bench", "--timeout", str(args.timeout),
    ]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"tips import failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="zhenwei-campaigns-") as tmp:
        work = Path(tmp)
        with SimulatedInternet(workdir=work / "net") as net:
            truth, urls = world_truth(net)
            seconds = crawl(net, urls, work, args)
        db = Database.from_settings(Settings.from_env({"ZHENWEI_DATA_DIR": str(work / "data")}))
        repo = Repository(db)
        leads = {lead.id: lead.host for lead in repo.leads.find()}
        campaigns = repo.campaigns.list()
        groups = [{leads[i] for i in c.lead_ids} for c in campaigns]
        stored = {h: truth[h] for h in leads.values() if h in truth}
        print(f"file world: {len(truth)} labelled sites, {len(stored)} stored as leads, "
              f"crawl {seconds:.0f} s")  # fmt: skip
        for line in score_campaigns(groups, stored).lines():
            print("  " + line)
        for c in campaigns:
            gangs = sorted({str(stored.get(leads[i])) for i in c.lead_ids})
            top = c.links[0]["evidence"][0]["reason"] if c.links else ""
            print(f"  campaign #{c.id}: {c.members} sites, gangs {gangs}; e.g. {top}")
        db.close()

    from gangs import gang_world

    from storage import linking

    print("generated split (held back: seeds 100-119; the tests assert on seed 11):")
    totals = [0.0, 0.0, 0.0]
    for seed in range(100, 120):
        feats, gtruth = gang_world(seed)
        found = linking.campaigns(feats, linking.link_leads(feats))
        s = score_campaigns([g.lead_ids for g in found], gtruth)
        totals = [totals[0] + s.purity, totals[1] + s.completeness, totals[2] + s.benign_rate]
    print(f"  mean purity {totals[0] / 20:.3f}, completeness {totals[1] / 20:.3f}, "
          f"benign rate {totals[2] / 20:.3f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
