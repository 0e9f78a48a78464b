"""Group leads that share infrastructure into campaigns (union-find over shared features)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: two screenshots whose perceptual hashes differ in at most this many bits share a template
PHASH_DISTANCE = 4


@dataclass(frozen=True)
class Group:
    lead_ids: tuple[int, ...]
    #: the features that tied the group together: {"kind": "ip", "value": "..."}
    links: tuple[tuple[str, str], ...]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _features(infra: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for ip in infra.get("ips") or ():
        yield ("ip", str(ip))
    ns = infra.get("ns") or ()
    if ns:
        # the whole set: one shared name server of a big DNS host proves little
        yield ("ns", ",".join(sorted(str(n) for n in ns)))
    for kind in ("registrant", "favicon"):
        if infra.get(kind):
            yield (kind, str(infra[kind]))


def group_leads(infra_by_lead: Mapping[int, Iterable[Mapping[str, Any]]]) -> list[Group]:
    """Connected components (two leads or more) of leads sharing any feature."""
    uf = _UnionFind()
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    phashes: dict[int, set[int]] = defaultdict(set)
    for lead_id, infras in infra_by_lead.items():
        uf.find(lead_id)
        for infra in infras:
            for feature in _features(infra):
                holders[feature].add(lead_id)
            if infra.get("phash"):
                phashes[lead_id].add(int(str(infra["phash"]), 16))
    shared = {f: ids for f, ids in holders.items() if len(ids) > 1}
    for ids in shared.values():
        first, *rest = sorted(ids)
        for other in rest:
            uf.union(first, other)
    template_links: list[tuple[int, int]] = []
    items = sorted(phashes.items())
    for i, (a, ha) in enumerate(items):
        for b, hb in items[i + 1 :]:
            if any(bin(x ^ y).count("1") <= PHASH_DISTANCE for x in ha for y in hb):
                uf.union(a, b)
                template_links.append((a, b))
    members: dict[int, list[int]] = defaultdict(list)
    for lead_id in infra_by_lead:
        members[uf.find(lead_id)].append(lead_id)
    groups = []
    for member_ids in members.values():
        if len(member_ids) < 2:
            continue
        idset = set(member_ids)
        links = {f for f, holders_ in shared.items() if holders_ & idset}
        if any(a in idset for a, _ in template_links):
            links.add(("template", "phash"))
        groups.append(Group(tuple(sorted(idset)), tuple(sorted(links))))
    return sorted(groups, key=lambda g: g.lead_ids[0])
