"""Hosting, registrars and the DNS/WHOIS/TLS/CT facts of generated sites.

Providers and registrars are real businesses named by their public names only; every address,
ASN block and record below is invented. Gangs pick habits from these pools (gangs.py); benign
sites pick from the domestic ones, and a few sit on the gangs' offshore providers too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from simworld.generate.context import Ctx
from simworld.world import CtSpec, DnsRecords, TlsSpec, WhoisRecord, registrable_domain

PRIVACY = "REDACTED FOR PRIVACY"


@dataclass(frozen=True)
class Hosting:
    """A hosting provider: its address blocks (/24 prefixes), ASN-like id and name servers."""

    key: str
    name: str
    asn: str
    country: str
    blocks: tuple[str, ...]
    name_servers: tuple[tuple[str, ...], ...]
    offshore: bool

    def ip(self, rng: random.Random, block: int | None = None) -> str:
        prefix = self.blocks[rng.randrange(len(self.blocks)) if block is None else block]
        return f"{prefix}.{rng.randint(2, 250)}"


HOSTINGS = {
    h.key: h
    for h in (
        Hosting(
            "ali-hk",
            "Alibaba Cloud (Hong Kong)",
            "AS45102",
            "HK",
            ("47.242.10", "47.242.77", "8.210.33"),
            (("ns1.dnsowl.com", "ns2.dnsowl.com", "ns3.dnsowl.com"),),
            True,
        ),
        Hosting(
            "ctg-hk",
            "CTG Server (Hong Kong)",
            "AS152194",
            "HK",
            ("154.39.88", "154.39.91", "156.241.7"),
            (("dns1.hichina.com", "dns2.hichina.com"),),
            True,
        ),
        Hosting(
            "zenlayer",
            "Zenlayer",
            "AS21859",
            "US",
            ("128.1.42", "128.14.67", "107.150.98"),
            (("ns1.gname-dns.com", "ns2.gname-dns.com"),),
            True,
        ),
        Hosting(
            "cloudflare",
            "Cloudflare",
            "AS13335",
            "US",
            ("104.21.48", "172.67.161"),
            (
                ("kai.ns.cloudflare.com", "rosa.ns.cloudflare.com"),
                ("amy.ns.cloudflare.com", "todd.ns.cloudflare.com"),
            ),
            True,
        ),
        Hosting(
            "tencent-hk",
            "Tencent Cloud (Hong Kong)",
            "AS132203",
            "HK",
            ("43.154.12", "43.129.177"),
            (("ns3.dnsv2.com", "ns4.dnsv2.com"),),
            True,
        ),
        Hosting(
            "vultr-jp",
            "Vultr (Tokyo)",
            "AS20473",
            "JP",
            ("45.77.20", "139.180.201"),
            (("ns1.vultr.com", "ns2.vultr.com"),),
            True,
        ),
        Hosting(
            "psychz",
            "Psychz Networks",
            "AS40676",
            "US",
            ("23.225.141", "23.224.88"),
            (("ns1.domaincontrol.com", "ns2.domaincontrol.com"),),
            True,
        ),
        Hosting(
            "aliyun-hz",
            "Alibaba Cloud (Hangzhou)",
            "AS37963",
            "CN",
            ("120.55.183", "47.96.20", "118.31.44"),
            (("dns9.hichina.com", "dns10.hichina.com"),),
            False,
        ),
        Hosting(
            "tencent-gz",
            "Tencent Cloud (Guangzhou)",
            "AS45090",
            "CN",
            ("119.29.41", "129.204.88", "81.71.14"),
            (("f1g1ns1.dnspod.net", "f1g1ns2.dnspod.net"),),
            False,
        ),
        Hosting(
            "huawei-bj",
            "Huawei Cloud (Beijing)",
            "AS55990",
            "CN",
            ("121.36.95", "124.70.12"),
            (("ns1.huaweicloud-dns.com", "ns1.huaweicloud-dns.cn"),),
            False,
        ),
        Hosting(
            "gov-idc",
            "China Telecom e-government IDC",
            "AS4134",
            "CN",
            ("106.38.196", "59.252.100", "218.60.41"),
            (),
            False,
        ),
        Hosting(
            "cernet", "CERNET", "AS4538", "CN", ("202.112.51", "210.31.88", "219.242.12"), (), False
        ),
    )
}
OFFSHORE = tuple(k for k, h in HOSTINGS.items() if h.offshore)
DOMESTIC = ("aliyun-hz", "tencent-gz", "huawei-bj")


@dataclass(frozen=True)
class Registrar:
    name: str
    cheap: bool  # sells one-year names for a few yuan: bulk registrants' choice
    country: str


REGISTRARS = {
    r.name: r
    for r in (
        Registrar("NameSilo, LLC", True, "US"),
        Registrar("Gname.com Pte. Ltd.", True, "SG"),
        Registrar("Dynadot Inc", True, "US"),
        Registrar("GoDaddy.com, LLC", False, "US"),
        Registrar("NameCheap, Inc.", True, "US"),
        Registrar("阿里云计算有限公司（万网）", False, "CN"),
        Registrar("Alibaba Cloud Computing Ltd. d/b/a HiChina (www.net.cn)", True, "CN"),
        Registrar("成都西维数码科技有限公司", True, "CN"),
        Registrar("厦门三五互联科技股份有限公司", False, "CN"),
        Registrar("北京新网数码信息技术有限公司", False, "CN"),
        Registrar("腾讯云计算（北京）有限责任公司", False, "CN"),
    )
}
GOV_REGISTRAR = "政务和公益机构域名注册管理中心"
CN_REGISTRARS = tuple(n for n, r in REGISTRARS.items() if r.country == "CN")

#: issuing CAs (CN as crt.sh shows them); few on purpose: the proxy makes one root per issuer
LETS_ENCRYPT = ("R10", "R11", "E5")
GOV_ISSUERS = ("GeoTrust CN RSA CA G1", "TrustAsia RSA DV TLS CA G2", "WoTrus DV Server CA")
BUSINESS_ISSUERS = (
    "Encryption Everywhere DV TLS CA - G2",
    "TrustAsia RSA DV TLS CA G2",
    "R11",
    "GlobalSign GCC R6 AlphaSSL CA 2023",
)


def is_cn(domain: str) -> bool:
    return domain.endswith((".cn", ".xn--fiqs8s"))


def dns(
    ips: tuple[str, ...] | list[str],
    ns: tuple[str, ...],
    *,
    wildcard: bool = False,
    mx: tuple[str, ...] = (),
    txt: tuple[str, ...] = (),
) -> DnsRecords:
    return DnsRecords(a=tuple(ips), ns=tuple(ns), mx=mx, txt=txt, wildcard=wildcard)


def whois(
    domain: str,
    *,
    registrar: str,
    created: datetime,
    years: int,
    ns: tuple[str, ...],
    registrant: str = PRIVACY,
    country: str = "",
    org: str = "",
    email: str = "",
    privacy: bool = False,
    today: datetime | None = None,
    status: tuple[str, ...] = ("clientTransferProhibited",),
) -> WhoisRecord:
    """A record whose expiry lies `years` after creation, renewed yearly while still in use."""
    expires, updated = created + timedelta(days=365 * years), created
    while today is not None and expires < today:
        updated, expires = expires - timedelta(days=20), expires + timedelta(days=365)
    return WhoisRecord(
        domain=registrable_domain(domain),
        registrar=registrar,
        created=created,
        updated=updated,
        expires=expires,
        registrant=PRIVACY if privacy else registrant,
        registrant_country=country,
        registrant_org=org,
        registrant_email="" if privacy else email,
        privacy=privacy,
        status=status,
        name_servers=ns,
    )


def gov_whois(ctx: Ctx, domain: str, org: str, age_days: int, ns: tuple[str, ...]) -> WhoisRecord:
    return whois(
        domain,
        registrar=GOV_REGISTRAR,
        created=ctx.days_ago(age_days),
        years=10,
        ns=ns,
        registrant=org,
        org=org,
        country="CN",
        today=ctx.now(),
        status=("ok",),
    )


def business_whois(
    ctx: Ctx, rng: random.Random, domain: str, org: str, ns: tuple[str, ...]
) -> WhoisRecord:
    """An established business: several years old, registered in its own name in China."""
    registrar = (
        rng.choice(CN_REGISTRARS) if is_cn(domain) or rng.random() < 0.7 else "GoDaddy.com, LLC"
    )
    person = org if is_cn(domain) else rng.choice(("张伟", "王芳", "李娜", "刘洋", "陈静"))
    return whois(
        domain,
        registrar=registrar,
        created=ctx.days_ago(rng.randint(700, 6000)),
        years=rng.choice((1, 2, 5)),
        ns=ns,
        registrant=person,
        org=org,
        country="CN",
        email=f"{rng.randint(10**7, 10**10)}@qq.com" if rng.random() < 0.5 else "",
        today=ctx.now(),
    )


def tls(*, issuer: str, valid: bool = True, names: tuple[str, ...] = ()) -> TlsSpec:
    return TlsSpec(valid=valid, expired=False, names=names, issuer=issuer)


def ct_logged(when: datetime, extra: tuple[str, ...] = ()) -> CtSpec:
    return CtSpec(logged=when, extra_names=extra)
