"""The DNS budget learns from what exists: the words and TLDs of registered look-alikes move the
names that share them forward, in the same night (rounds) and the next (the queue's leads)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from core.config import Settings
from core.profiles import default_profile
from core.types import Candidate
from crawler.sources.adaptive import AdaptivePlan, OutsideFindings, known_lookalikes, rounds
from crawler.sources.base import KnownLead, RunFindings, SourceContext, SourceLimits
from crawler.sources.lookalikes import DEFAULT_TLDS, registrable
from crawler.sources.namefit import fit_vocabulary
from crawler.sources.operators import GOV_TOKENS
from crawler.sources.permutations import PermutationsSource
from crawler.sources.state import SourceState
from simworld import SimulatedInternet
from simworld.loader import load_world

MEM = default_profile()
OFFICIAL = {"cx.mem.gov.cn", "mem.gov.cn"}


def plan() -> AdaptivePlan:
    return AdaptivePlan(MEM, DEFAULT_TLDS, lambda d: registrable(d, OFFICIAL))


def position(p: AdaptivePlan, domain: str, upto: int = 3_000_000) -> int | None:
    for i, g in enumerate(p.take(upto)):
        if g.domain == domain:
            return i
    return None


def test_a_registered_word_moves_its_names_forward_and_says_why() -> None:
    target = "anquan-cxpt.top"  # a pinyin pair: far down the prior order
    before = position(plan(), target)
    learned = plan()
    learned.learn_hosts(["cxpt-mem.xyz", "anquanmem.top"])
    assert learned.learned.words == {"cxpt": 1, "anquan": 1}  # brands (mem) are not words
    after = position(learned, target)
    assert before is not None and after is not None
    assert after < before / 10, (before, after)
    again = plan()
    again.learn_hosts(["cxpt-mem.xyz", "anquanmem.top"])
    (g,) = [g for g in again.take(after + 1) if g.domain == target]
    assert "cxpt" in g.reason and "anquan" in g.reason and "优先查询" in g.reason


def test_nothing_is_handed_out_twice_and_learning_changes_only_the_rest() -> None:
    p = plan()
    first = p.take(500)
    p.learn_hosts(["zhengshu-mem.vip"])
    second = p.take(500)
    assert len({g.domain for g in first + second}) == 1000
    assert p.learned.tlds == {"vip": 1}
    # the prior alone would not have put these names here
    prior = {g.domain for g in plan().take(1000)}
    assert {g.domain for g in second} - prior


def test_an_idn_hit_teaches_its_tld_but_no_words() -> None:
    p = plan()
    p.learn_hosts(["xn--fiqr2az59amxegney74ewga.xn--fiqs8s"])
    assert p.learned.words == {} and p.learned.tlds == {"xn--fiqs8s": 1}


def test_only_imitating_leads_of_the_target_teach() -> None:
    leads = [
        KnownLead(1, "http://tzzy-mem.top/", "new", "suspicious", ("parked-lookalike",), "mem"),
        KnownLead(2, "https://cxpt-gov.cn/q", "confirmed", "counterfeit", (), None),
        KnownLead(3, "http://aqsc-company.com/", "dismissed", "suspicious", (), "mem"),
        KnownLead(4, "http://zlaq-gov.com/", "new", "counterfeit", (), "mohurd"),
        KnownLead(5, "http://school.example.cn/", "new", "benign", (), "mem"),
        KnownLead(6, "http://cx.mem.gov.cn/", "official", "official", (), "mem"),
        KnownLead(7, "http://[::1/", "new", "counterfeit", (), "mem"),  # malformed: skipped
    ]
    hosts = known_lookalikes(leads, MEM, lambda h: h.endswith("mem.gov.cn"))
    assert hosts == ["tzzy-mem.top", "cxpt-gov.cn"]


def test_rounds_spend_exactly_the_budget() -> None:
    for budget in (1, 7, 25, 20_000):
        sizes = rounds(budget)
        assert sum(sizes) == budget and sizes[0] >= budget // 2
    assert rounds(0) == []


def _world(root: Path, hosts: list[str]) -> None:
    for host in hosts:
        (root / "sites" / host / "files").mkdir(parents=True)
        (root / "sites" / host / "site.toml").write_text(
            f'host = "{host}"\nlabel = "counterfeit"\n[dns]\na = ["47.242.10.21"]\n', "utf-8"
        )


def test_the_permutations_source_finds_a_gang_name_beyond_the_prior_budget(
    tmp_path: Path,
) -> None:
    budget = 6000
    prior = [g.domain for g in plan().take(budget)]
    probe = plan()
    # a registered name of the first round that carries a pinyin word (not only brand and gov)
    seedling = next(
        d
        for d in prior[: rounds(budget)[0]]
        if set(probe._words(d.split(".")[0])) - set(GOV_TOKENS)
    )
    (word, *_) = set(probe._words(seedling.split(".")[0])) - set(GOV_TOKENS)
    # a name with the same word that the prior order leaves outside the budget
    learned = plan()
    learned.learn_hosts([seedling])
    later = [g.domain for g in learned.take(budget)]
    hidden = next(d for d in later if word in d and d not in prior and d != seedling)
    _world(tmp_path / "world", [seedling, hidden])
    now = datetime(2026, 5, 1, tzinfo=UTC)
    with SimulatedInternet(load_world(tmp_path / "world"), workdir=tmp_path / "net") as net:
        found = {}
        for adapt in (False, True):
            ctx = SourceContext(
                settings=net.settings(),
                profiles=(MEM,),
                state=SourceState.under(tmp_path / str(adapt)),
                now=now,
                limits=SourceLimits(dns_rate_per_second=0, dns_concurrency=40),
                options={"permutations": {"limit": budget, "adapt": adapt}},
            )
            result = asyncio.run(PermutationsSource().collect(ctx))
            found[adapt] = {c.url.split("/")[2] for c in result.candidates}
    assert found[False] == {seedling}
    assert found[True] == {seedling, hidden}


def test_hosts_other_sources_found_tonight_teach_only_when_they_look_alike() -> None:
    findings = RunFindings()
    ctx = SourceContext(
        settings=Settings(),
        profiles=(MEM,),
        state=SourceState(Path("/nonexistent")),
        findings=findings,
    )
    outside = OutsideFindings(ctx, MEM, "permutations", fit_vocabulary(MEM))
    assert outside.new() == []

    def cand(url: str, source: str) -> Candidate:
        return Candidate(url=url, source=source, found_at=ctx.now)

    findings.add("ct", [cand("https://cxpt-zf.icu/", "ct"), cand("https://cx.mem.gov.cn/", "ct")])
    findings.add("search", [cand("http://peixun-school.com/a", "search")])  # teaches nothing
    findings.add("permutations", [cand("http://tzzy-mem.top/", "permutations")])  # its own
    assert outside.new() == ["cxpt-zf.icu"]
    assert outside.new() == []  # each host once
    findings.add("search", [cand("http://[::1", "search"), cand("http://aqsc-gov.vip/", "search")])
    assert outside.new() == ["aqsc-gov.vip"]


def test_the_crawl_shares_each_finished_source_with_the_ones_still_running() -> None:
    from crawler.sources.base import SourceResult
    from zhenwei.crawljob import collect

    class Fast:
        name = "ct"

        async def collect(self, ctx: SourceContext) -> SourceResult:
            return SourceResult(self.name, (Candidate("https://cxpt-zf.icu/", "ct", ctx.now),))

    class Slow:
        name = "permutations"
        seen: list[str] = []

        async def collect(self, ctx: SourceContext) -> SourceResult:
            await asyncio.sleep(0.2)
            Slow.seen = ctx.findings.hosts(besides=self.name)
            return SourceResult(self.name, ())

    ctx = SourceContext(settings=Settings(), profiles=(MEM,), state=SourceState(Path("/x")))
    asyncio.run(collect([Slow(), Fast()], ctx))
    assert Slow.seen == ["cxpt-zf.icu"]


def test_a_learned_tld_costs_no_more_than_com_and_joins_when_the_list_lacks_it() -> None:
    p = plan()
    p.take(200)
    p.learn_hosts(["tzzy-mem.buzz", "zscx-mem.buzz"])  # .buzz is not in DEFAULT_TLDS
    assert "buzz" not in DEFAULT_TLDS and p.learned.tlds == {"buzz": 2}
    nxt = [g.domain for g in p.take(400)]
    # the prior's shapes on the gang's TLD come out of the hedge too (memgov.buzz: no word)
    assert "memgov.buzz" in nxt and "cx-mem-gov.buzz" in nxt


def test_a_registered_label_is_tried_under_the_other_tlds() -> None:
    p = plan()
    p.take(100)
    p.learn_hosts(["xn--fiqr2az59amxegney74ewga.com"])  # an IDN hit: its label, other TLDs
    nxt = {g.domain for g in p.take(60)}
    assert {"xn--fiqr2az59amxegney74ewga.cn", "xn--fiqr2az59amxegney74ewga.xn--fiqs8s"} <= nxt


def test_tlds_no_hit_used_cost_more_the_more_the_hits_agree() -> None:
    few = plan()
    few.learn_hosts([f"tzzy{i}-mem.top" for i in range(3)])
    assert few._unseen_tld_penalty() == 0.0  # too little evidence
    one_tld = plan()
    one_tld.learn_hosts([f"tzzy{i}-mem.top" for i in range(10)])
    spread = plan()
    tlds = ["top", "xyz", "vip", "icu", "shop", "cc", "site", "cyou", "online", "info"]
    spread.learn_hosts([f"tzzy-mem.{t}" for t in tlds])
    assert one_tld._unseen_tld_penalty() > 0.0 == spread._unseen_tld_penalty()


def test_a_suffix_nobody_can_register_teaches_no_tld() -> None:
    p = plan()
    p.learn_hosts(["yjglb.hebei.gov.cn"])
    assert "gov.cn" not in p.learned.tlds
