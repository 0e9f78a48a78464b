"""Typed links between leads from their features (storage/linkfeatures.py), and campaigns as
the connected components of the strong links. Pure: no database, no network.

Each shared feature is one piece of evidence with a weight and a Chinese sentence; the
evidence between two leads combines as a noisy-OR (each piece an independent chance that
the pair is run by the same people), and a pair is *strongly* linked at `STRONG` or more.
Hosting alone never reaches it: one IP (0.3), its /24 (0.15) and its network owner (0.1)
together make 0.46, since shared hosting serves unrelated sites. One tracking or contact ID,
one registrant e-mail or one certificate does; so do two kit hashes together.

A value that a benign or official lead also shows (a CDN script, a copied favicon, the
genuine platform's own assets and texts) is no evidence at all and is left out by the caller
through `excluded`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storage.linkfeatures import LinkFeatures

#: pairs whose combined evidence reaches this are in the same campaign
STRONG = 0.8
#: simhashes of texts differing in at most this many of 64 bits are the same text
SIMHASH_BITS = 3
#: perceptual hashes of screenshots differing in at most this many bits look the same
PHASH_BITS = 4
#: a weak value (a shared IP, an ASN) held by more leads than this is too common to tell
#: anything: big hosters serve thousands of sites, and pairing them all would be quadratic
COMMON = 50

#: kind → (weight, sentence with {value}); the weight says how much one shared value proves
KINDS: dict[str, tuple[float, str]] = {
    # shared hosting: weak alone
    "ip": (0.3, "解析到同一 IP 地址 {value}"),
    "net24": (0.15, "IP 地址同属 {value} 网段"),
    "asn": (0.1, "托管于同一网络运营商 {value}"),
    # a name-server set is chosen per account: moderate (big DNS hosts share sets widely)
    "ns": (0.4, "使用同一组域名服务器 {value}"),
    # registration: who registered, and bulk registrations on one day at one registrar
    "registrant_email": (1.0, "注册人邮箱相同：{value}"),
    "registrant": (0.8, "注册人相同：{value}"),
    "registrant_org": (0.8, "注册组织相同：{value}"),
    "registrar_day": (0.5, "同一注册商同日注册：{value}"),
    # one certificate served by two sites
    "tls_serial": (1.0, "使用同一张 TLS 证书（签发者与序列号 {value}）"),
    "tls_sans": (0.9, "TLS 证书包含相同的域名列表 {value}"),
    # kit identity: one hash may be a coincidence of a common template, two are a kit
    "dom": (0.5, "网页结构相同（同一套建站模板，结构哈希 {value}）"),
    "simhash": (0.5, "网页文字几乎相同（文本指纹 {value}）"),
    "resource": (0.6, "加载完全相同的本站资源文件（SHA-256 {value}）"),
    "favicon": (0.4, "网站图标相同（SHA-256 {value}）"),
    "phash": (0.3, "页面截图几乎相同（感知哈希 {value}）"),
    # tracking and contact IDs: whoever owns the account runs the site
    "baidu_tongji": (1.0, "使用同一百度统计账号 {value}"),
    "cnzz": (1.0, "使用同一 CNZZ 统计账号 {value}"),
    "google_analytics": (1.0, "使用同一 Google Analytics 账号 {value}"),
    "wechat": (0.95, "留有同一微信号 {value}"),
    "qq": (0.95, "留有同一 QQ 号 {value}"),
    "phone": (0.9, "留有同一联系电话 {value}"),
    "qr": (0.9, "页面上的二维码内容相同：{value}"),
    # a post on a platform advertising a site: the seller behind the post runs or sells it
    "site": (0.9, "指向同一网站 {value}（平台帖子点名推广该网站）"),
}
#: kinds the analyst may pivot on (everything exact-matched)
PIVOT_KINDS = tuple(k for k in KINDS if k not in ("simhash", "phash"))


@dataclass(frozen=True)
class Evidence:
    kind: str
    value: str
    weight: float
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "value": self.value,
            "weight": self.weight,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Link:
    """Everything two leads share, and what it adds up to."""

    a: int
    b: int
    evidence: tuple[Evidence, ...]

    @property
    def weight(self) -> float:
        return combined(e.weight for e in self.evidence)

    @property
    def strong(self) -> bool:
        return self.weight >= STRONG

    def to_json(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "weight": round(self.weight, 3),
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class Group:
    """One campaign before it has an id: members and the strong links between them."""

    lead_ids: tuple[int, ...]
    links: tuple[Link, ...]


def combined(weights: Iterable[float]) -> float:
    """Noisy-OR of independent pieces of evidence."""
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


def evidence(kind: str, value: str) -> Evidence:
    weight, sentence = KINDS[kind]
    shown = value if len(value) <= 48 else value[:45] + "…"
    return Evidence(kind, value, weight, sentence.format(value=shown))


def _near(values: Mapping[int, set[int]], bits: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Pairs of leads with hashes within `bits` (bands make it near-linear: with 64-bit hashes
    cut into bits+1 bands, two hashes that close agree exactly on at least one band)."""
    bands = bits + 1
    width = 64 // bands
    buckets: dict[tuple[int, int], set[int]] = defaultdict(set)
    for lid, hashes in values.items():
        for h in hashes:
            for i in range(bands):
                buckets[(i, h >> (i * width) & ((1 << width) - 1))].add(lid)
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for ids in buckets.values():
        ordered = sorted(ids)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if (a, b) in out:
                    continue
                for ha in values[a]:
                    hit = next((hb for hb in values[b] if bin(ha ^ hb).count("1") <= bits), None)
                    if hit is not None:
                        out[(a, b)] = (ha, hit)
                        break
    return out


def link_leads(
    features: Mapping[int, Sequence[LinkFeatures]],
    *,
    excluded: frozenset[tuple[str, str]] = frozenset(),
    excluded_texts: frozenset[str] = frozenset(),
) -> list[Link]:
    """Every pair of leads sharing at least one feature, with all they share.

    `features` maps a lead to the features of its captures; `excluded` are (kind, value)
    pairs that prove nothing (seen on benign or official sites); `excluded_texts` are
    simhashes of such sites' texts (a faithful copy of the genuine page is no kit of a gang).
    """
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    simhashes: dict[int, set[int]] = defaultdict(set)
    phashes: dict[int, set[int]] = defaultdict(set)
    banned_texts = {int(h, 16) for h in excluded_texts}
    for lid, caps in features.items():
        for f in caps:
            for kind, value in f.features:
                if kind in KINDS and (kind, value) not in excluded:
                    holders[(kind, value)].add(lid)
            if f.simhash:
                h = int(f.simhash, 16)
                if not any(bin(h ^ x).count("1") <= SIMHASH_BITS for x in banned_texts):
                    simhashes[lid].add(h)
            if f.phash:
                phashes[lid].add(int(f.phash, 16))
    shared: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
    for (kind, value), ids in sorted(holders.items()):
        if len(ids) < 2:
            continue
        ev = evidence(kind, value)
        ordered = sorted(ids)
        if ev.weight >= STRONG:
            # enough alone: a star from the first holder links them all in linear size
            for b in ordered[1:]:
                shared[(ordered[0], b)].append(ev)
            continue
        if len(ordered) > COMMON:
            continue
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                shared[(a, b)].append(ev)
    for kind, values, bits in (
        ("simhash", simhashes, SIMHASH_BITS),
        ("phash", phashes, PHASH_BITS),
    ):
        for pair, (ha, _hb) in _near(values, bits).items():
            shared[pair].append(evidence(kind, f"{ha:016x}"))
    return [Link(a, b, tuple(ev)) for (a, b), ev in sorted(shared.items())]


def campaigns(lead_ids: Iterable[int], links: Sequence[Link]) -> list[Group]:
    """Connected components (two leads or more) of the strong links, smallest member first."""
    import networkx as nx  # 20 MiB: imported by the crawl (storage) only when grouping

    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from(lead_ids)
    strong = [link for link in links if link.strong]
    graph.add_edges_from((link.a, link.b) for link in strong)
    groups = []
    for component in nx.connected_components(graph):
        if len(component) < 2:
            continue
        members = tuple(sorted(component))
        inside = tuple(link for link in strong if link.a in component)
        groups.append(Group(members, inside))
    return sorted(groups, key=lambda g: g.lead_ids[0])


def assign_ids(
    groups: Sequence[Group], previous: Mapping[int, frozenset[int]]
) -> list[tuple[int | None, Group]]:
    """Stable campaign ids: each previous campaign's id goes to the new group holding most of
    its old members (ties: the older campaign first); a group with none is new (None).

    So a campaign that grows keeps its id, two that merge keep the older one's, and of one
    that splits the largest part keeps it."""
    overlaps = []
    for gi, group in enumerate(groups):
        members = set(group.lead_ids)
        for cid, old in previous.items():
            n = len(members & old)
            if n:
                overlaps.append((-n, cid, gi))
    taken_ids: set[int] = set()
    given: dict[int, int] = {}
    for _n, cid, gi in sorted(overlaps):
        if cid in taken_ids or gi in given:
            continue
        taken_ids.add(cid)
        given[gi] = cid
    return [(given.get(gi), group) for gi, group in enumerate(groups)]


def links_from_json(data: Iterable[Mapping[str, Any]]) -> list[Link]:
    """Links as `Link.to_json` stored them (a campaign's `links`)."""
    return [
        Link(
            int(x["a"]),
            int(x["b"]),
            tuple(
                Evidence(str(e["kind"]), str(e["value"]), float(e["weight"]), str(e["reason"]))
                for e in x.get("evidence") or ()
            ),
        )
        for x in data
    ]


def shared_evidence(links: Sequence[Link]) -> list[tuple[Evidence, int]]:
    """The campaign's evidence, each piece once, with the number of member pairs it links;
    strongest first (what the campaign page and the referral report list)."""
    count: dict[tuple[str, str], int] = defaultdict(int)
    first: dict[tuple[str, str], Evidence] = {}
    for link in links:
        for ev in link.evidence:
            key = (ev.kind, ev.value)
            count[key] += 1
            first.setdefault(key, ev)
    return sorted(
        ((first[k], n) for k, n in count.items()),
        key=lambda item: (-item[0].weight, -item[1], item[0].kind, item[0].value),
    )
