"""Gangs (issue 11): who runs the counterfeits and the sellers, with their habits.

Each gang has its own kit(s), hosting (provider, /24 block, name servers), registrar and
registrant habits, a registration burst, and contact/tracking IDs that its sites share. Some
gangs share a provider (not a block); `shared_block_ip` puts a few benign sites there too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from simworld.generate import infra, vocab
from simworld.generate.context import Ctx
from simworld.world import DnsRecords, TlsSpec, WhoisRecord

KITS = ("vue-clone", "jsp-copy", "result-qr", "wechat-result", "relayout", "spa-js")


@dataclass(frozen=True)
class Gang:
    id: str
    kits: tuple[str, ...]
    hosting: str
    block: int
    ns: tuple[str, ...]
    registrar: str
    privacy: bool
    registrant: str
    registrant_email: str
    country: str
    #: days before `today` when the gang registered its current names (a burst within a week)
    burst: int
    wechat: str
    qq: str
    phone: str
    tongji: str  # Baidu Tongji site id (hm.js?<id>)
    cnzz: str
    shapes: tuple[str, ...]
    https: str  # none | letsencrypt | selfsigned
    marks: str  # copied | forged | none (what the kit does to the footer marks)
    style: int  # cosmetic variant within a kit (colours, wording)

    def ip(self, rng: random.Random) -> str:
        return infra.HOSTINGS[self.hosting].ip(rng, self.block)

    def dns(self, rng: random.Random, *, wildcard: bool = False) -> DnsRecords:
        return infra.dns((self.ip(rng),), self.ns, wildcard=wildcard)

    def registered(self, ctx: Ctx, rng: random.Random) -> datetime:
        return ctx.days_ago(self.burst + rng.random() * 6)

    def whois(
        self, ctx: Ctx, rng: random.Random, host: str, *, created: datetime | None = None
    ) -> WhoisRecord:
        return infra.whois(
            host,
            registrar=self.registrar,
            created=created or self.registered(ctx, rng),
            years=1,
            ns=self.ns,
            registrant=self.registrant,
            country=self.country,
            email=self.registrant_email,
            privacy=self.privacy,
            today=ctx.now(),
        )

    def tls(self, host: str) -> TlsSpec | None:
        if self.https == "none":
            return None
        if self.https == "selfsigned":
            return infra.tls(issuer=host, valid=False)
        return infra.tls(issuer=infra.LETS_ENCRYPT[self.style % len(infra.LETS_ENCRYPT)])


SHAPE_HABITS = (
    ("hyphenated", "typo", "homoglyph"),
    ("pinyin", "keyword-mem"),
    ("gov-token", "agency-gov", "hyphenated"),
    ("random", "subdomain-trick"),
    ("idn", "pinyin"),
    ("keyword-mem", "gov-token", "homoglyph"),
)


def make_gangs(ctx: Ctx, count: int) -> tuple[Gang, ...]:
    """`count` gangs; every kit is run by at least one of them."""
    rng = ctx.rng("gangs")
    providers = list(infra.OFFSHORE)
    rng.shuffle(providers)
    cheap = [n for n, r in infra.REGISTRARS.items() if r.cheap]
    gangs = []
    for i in range(count):
        kits = [KITS[i % len(KITS)]]
        if rng.random() < 0.45:
            kits.append(rng.choice([k for k in KITS if k not in kits]))
        # neighbours share a provider now and then: campaigns must not merge on it alone
        hosting = providers[(i // 2 if i % 3 == 0 else i) % len(providers)]
        host = infra.HOSTINGS[hosting]
        registrar = rng.choice(cheap)
        privacy = rng.random() < 0.6 or not infra.REGISTRARS[registrar].country == "CN"
        person = vocab.person(rng)
        gangs.append(
            Gang(
                id=f"gang-{ctx.split[0]}{i + 1:02d}",
                kits=tuple(kits),
                hosting=hosting,
                block=rng.randrange(len(host.blocks)),
                ns=rng.choice(host.name_servers),
                registrar=registrar,
                privacy=privacy,
                registrant=person,
                registrant_email=f"{vocab.qq(rng)}@qq.com",
                country=rng.choice(("CN", "HK", "US")),
                burst=rng.randint(12, 240),
                wechat=vocab.wechat_id(rng),
                qq=vocab.qq(rng),
                phone=vocab.phone(rng),
                tongji="".join(rng.choice("0123456789abcdef") for _ in range(32)),
                cnzz=str(rng.randint(10**9, 2 * 10**9)),
                shapes=SHAPE_HABITS[rng.randrange(len(SHAPE_HABITS))],
                https=rng.choice(("none", "letsencrypt", "letsencrypt", "selfsigned")),
                marks=rng.choice(("copied", "forged", "forged", "none")),
                style=rng.randrange(4),
            )
        )
    return tuple(gangs)


def shared_block_ip(gangs: tuple[Gang, ...], rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """(ip, name servers) on a gang's shared hosting block: for the few benign neighbours."""
    gang = rng.choice(gangs)
    return gang.ip(rng), infra.HOSTINGS[gang.hosting].name_servers[0]
