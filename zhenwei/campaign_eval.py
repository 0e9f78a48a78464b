"""How well campaigns match the gangs that really run the sites (ground truth of a world).

Pure: campaigns as sets of site keys, and each site's gang (None for a benign site).
- purity: of the sites placed in campaigns, the share that belong to their campaign's
  majority gang (a benign site in a campaign is always impure);
- completeness: of the sites of gangs with two sites or more, the share found in their
  gang's largest single campaign (a gang split in two counts its smaller part as missed);
- benign rate: the share of benign sites that ended up in some campaign.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class CampaignScore:
    purity: float
    completeness: float
    benign_rate: float
    campaigns: int
    gangs: int
    sites_in_campaigns: int
    benign_in_campaigns: int
    benign_sites: int

    def lines(self) -> list[str]:
        return [
            f"campaigns {self.campaigns} over {self.gangs} gangs of 2+ sites",
            f"purity        {self.purity:.3f}  ({self.sites_in_campaigns} sites in campaigns)",
            f"completeness  {self.completeness:.3f}",
            f"benign in campaigns {self.benign_in_campaigns}/{self.benign_sites}"
            f" = {self.benign_rate:.3f}",
        ]


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def score_campaigns(
    campaigns: Sequence[Collection[K]], truth: Mapping[K, str | None]
) -> CampaignScore:
    """Campaigns against ground truth; sites missing from `truth` are ignored."""
    groups = [[k for k in c if k in truth] for c in campaigns]
    groups = [g for g in groups if g]
    placed = sum(len(g) for g in groups)
    pure = 0
    for g in groups:
        gangs = Counter(truth[k] for k in g if truth[k] is not None)
        pure += max(gangs.values(), default=0)
    sizes = Counter(gang for gang in truth.values() if gang is not None)
    real = {gang for gang, n in sizes.items() if n >= 2}
    found = 0
    for gang in real:
        found += max((sum(1 for k in g if truth[k] == gang) for g in groups), default=0)
    benign = [k for k, gang in truth.items() if gang is None]
    in_any = {k for g in groups for k in g}
    benign_in = sum(1 for k in benign if k in in_any)
    return CampaignScore(
        purity=_ratio(pure, placed),
        completeness=_ratio(found, sum(sizes[g] for g in real)),
        benign_rate=_ratio(benign_in, len(benign)) if benign else 0.0,
        campaigns=len(groups),
        gangs=len(real),
        sites_in_campaigns=placed,
        benign_in_campaigns=benign_in,
        benign_sites=len(benign),
    )
