"""Assembling a generated world: counts from `size`, the families in order, the World."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from simworld.generate import counterfeits, genuine, gov, parked, sellers, social
from simworld.generate.context import Ctx
from simworld.generate.gangs import Gang, make_gangs
from simworld.generate.labels import LabelledEntry, domain_entry, site_entries
from simworld.generate.negatives import businesses, defaults, logins, platforms, posts, thirdparty
from simworld.generate.sitekit import Piece
from simworld.world import Domain, World, WorldError

DEFAULT_SIZE = 300
#: positives at the default size; they grow sub-linearly (a big world is mostly benign)
POSITIVE = {
    "vue-clone": 8,
    "jsp-copy": 5,
    "result-qr": 7,
    "wechat-result": 6,
    "relayout": 7,
    "spa-js": 5,
    "redirect-old": 4,
    "seller": 18,
    "post-seller": 8,
    "parked": 12,
    "parked-domain": 6,
    "gangs": 7,
}
#: negatives (sites or pages) at the default size; they grow linearly
NEGATIVE = {
    "gov-ministry": 3,
    "gov-emergency": 5,
    "gov-province": 3,
    "gov-city": 3,
    "gov-department": 2,
    "conac-pages": 12,
    "analytics-pages": 8,
    "login-captcha": 18,
    "lookalike-business": 16,
    "query-platform": 16,
    "training-school": 14,
    "forum-qa": 14,
    "news": 12,
    "social-posts": 12,
    "enterprise-selfcheck": 12,
    "cloud-default": 10,
    "parking-other": 10,
}


def counts_for(size: int) -> dict[str, int]:
    """How many of each family a world of about `size` sites gets (at least one of each)."""
    if size < 1:
        raise ValueError("size must be positive")
    ratio = size / DEFAULT_SIZE
    out = {k: max(1, round(v * ratio**0.75)) for k, v in POSITIVE.items()}
    out["gangs"] = max(2, out["gangs"])
    out |= {k: max(1, round(v * ratio)) for k, v in NEGATIVE.items()}
    return out


@dataclass(frozen=True)
class GeneratedWorld:
    """A world, its labelled set and its gangs (ground truth for campaigns)."""

    seed: int
    split: str
    size: int
    today: date
    world: World
    entries: tuple[LabelledEntry, ...]
    gangs: tuple[Gang, ...]

    def class_counts(self) -> Counter[tuple[str, str]]:
        """(label, class) → labelled pages."""
        return Counter((e.label, e.klass) for e in self.entries)


def generate(
    seed: int, split: str = "tune", size: int = DEFAULT_SIZE, *, today: date | None = None
) -> GeneratedWorld:
    """A world for (seed, split, size), built for `today` (default: the current UTC date).

    The same arguments give the same world, byte for byte; ages (WHOIS, CT) count from `today`.
    """
    ctx = Ctx(seed=seed, split=split, size=size, today=today or datetime.now(UTC).date())
    counts = counts_for(size)
    gangs = make_gangs(ctx, counts["gangs"])
    pieces, registry = genuine.build(ctx)
    for item in gov.build(ctx, counts):
        if isinstance(item, Piece):
            pieces.append(item)
        else:
            g = item.spec
            registry.append((g.bszs_id, g.name, g.org, g.host, g.code, g.conac_js))
    fakes = counterfeits.build(ctx, gangs, counts)
    pieces += fakes
    fake_sites = [p.site for p in fakes]
    pieces += sellers.build(ctx, gangs, fake_sites, counts["seller"])
    sites_so_far = [p.site for p in pieces]
    pieces += social.build(ctx, gangs, sites_so_far, counts["post-seller"], counts["social-posts"])
    parked_pieces, domains = parked.build(ctx, counts["parked"], counts["parked-domain"])
    zones = counterfeits.wildcard_zones(fakes)
    pieces += parked_pieces
    pieces += logins.build(ctx, counts["login-captcha"])
    pieces += platforms.build(ctx, counts["query-platform"])
    pieces += posts.build(ctx, counts, tuple(s.host for s in fake_sites))
    pieces += defaults.build(ctx, gangs, counts["cloud-default"], counts["parking-other"])
    pieces += businesses.build(ctx, gangs, counts["lookalike-business"], 0)
    pieces += thirdparty.filing_sites(ctx)
    pieces += thirdparty.conac_sites(ctx, registry, counts["conac-pages"])
    tongji = [g.tongji for g in gangs]
    pieces += thirdparty.analytics_sites(
        ctx, tongji, [g.cnzz for g in gangs], counts["analytics-pages"]
    )
    # at scale, ordinary company sites fill the world up to `size`
    pieces += businesses.build(ctx, gangs, 0, max(0, size - len(pieces) - len(domains)))
    return GeneratedWorld(
        seed,
        split,
        size,
        ctx.today,
        _world(pieces, [*domains, *zones], ctx.today),
        _entries(pieces, domains),
        gangs,
    )


def _world(pieces: list[Piece], domains: list[Domain], today: date) -> World:
    seen: dict[str, str] = {}
    for p in pieces:
        for h in p.site.hosts:
            if h in seen:
                raise WorldError(f"generated host {h} twice ({seen[h]}, {p.site.klass})")
            seen[h] = p.site.klass
    return World([p.site for p in pieces], domains, today=today)


def _entries(pieces: list[Piece], domains: list[Domain]) -> tuple[LabelledEntry, ...]:
    out = [e for p in pieces for e in site_entries(p.site, p.extra, p.open_as)]
    out += [domain_entry(d) for d in domains]
    return tuple(out)


__all__ = ["DEFAULT_SIZE", "GeneratedWorld", "counts_for", "generate"]
