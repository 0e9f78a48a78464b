"""Domain detector: official hosts, allowlisted platforms and look-alike host names.

The scoring itself lives in `core.names` (a pure function shared with the bulk
`zhenwei score-domains` feed); this module turns its verdict on a page's hosts into signals.
The index is built from the Reference alone: its target, the other protected targets and
the allowlist.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from core.infrastructure import known_infrastructure
from core.names import DomainIndex, DomainScore, normalise_host
from core.profiles import TargetProfile
from core.signals import GOVERNMENT_HOST, KNOWN_INFRASTRUCTURE, Lookups, Reference, Signal
from core.types import Page

#: Look-alikes at or above this score support the `impersonation` category.
IMPERSONATION_SCORE = 0.45


@lru_cache(maxsize=16)
def index_for(
    target: TargetProfile, profiles: tuple[TargetProfile, ...], allowlist: tuple[str, ...]
) -> DomainIndex:
    """The index of the reference's target first, then the other protected targets."""
    return DomainIndex([target, *(p for p in profiles if p.key != target.key)], allowlist)


class DomainDetector:
    """Scores the page's host names (entry URL and final URL) against the protected targets."""

    name = "domain"
    # 1.1: one platform pinyin word alone weighs less; 1.2: known infrastructure
    version = "1.2"
    description = "根据域名判断网址是否为官方地址，或是否用拼写、拼音、形近字、子域名等手法仿冒受保护平台的域名。"
    weight = 0.60  # a look-alike name alone is a lead, not a counterfeit
    triage = True  # reads the URLs alone

    def detect(self, page: Page, reference: Reference, lookups: Lookups) -> list[Signal]:
        index = index_for(reference.target, reference.profiles, reference.allowlist)
        hosts: list[str] = []
        for url in (page.final_url or page.url, page.url):
            host = normalise_host(urlsplit(url).hostname or "") if url else ""
            if host and host not in hosts:
                hosts.append(host)
        signals: list[Signal] = []
        for position, host in enumerate(hosts):
            result = index.score(host)
            if result is not None:
                signals.append(self._signal(result, reference.target, entry=position > 0))
        infra = known_infrastructure(hosts[0]) if hosts else None
        if infra is not None and not any(s.official for s in signals):
            # never a lead, however it was reached (a crawl follows a fake's footer links here)
            signals.append(
                Signal(
                    self.name,
                    self.version,
                    0.0,
                    f"主机 {infra.host} 是已知的公共基础设施：{infra.reason}。",
                    {"host": infra.host, "infrastructure": infra.category},
                    categories=(KNOWN_INFRASTRUCTURE,),
                )
            )
        return signals

    def _signal(self, r: DomainScore, target: TargetProfile, *, entry: bool) -> Signal:
        details: dict[str, object] = {
            "host": r.host,
            "registered_domain": r.registered_domain,
            "matched_target": r.target,
            "techniques": list(r.techniques),
            "matched": list(r.matched),
            "entry_host": entry,
        }
        details.update(r.details)
        where = "入口网址的" if entry else ""
        if r.official:
            target_host = r.official_kind == "target-host" and r.target == target.key
            own_domain = r.official_kind == "target-domain" and r.target == target.key
            details.update(official_kind=r.official_kind, target_host=target_host)
            # a genuine government host, but not this target's platform: a copy of the
            # target served from it means a compromised or misused site (scoring decides)
            foreign = r.official_kind != "allowlist" and not (target_host or own_domain)
            return Signal(
                self.name,
                self.version,
                0.0,
                f"{where}主机 {_sentence(r.reasons)}",
                details,
                categories=(GOVERNMENT_HOST,) if foreign else (),
                official=True,
            )
        categories = ("impersonation",) if r.score >= IMPERSONATION_SCORE else ()
        return Signal(
            self.name,
            self.version,
            r.score,
            f"{where}域名 {r.host} 疑似仿冒：{_sentence(r.reasons)}",
            details,
            categories=categories,
        )


def _sentence(reasons: tuple[str, ...]) -> str:
    return "；".join(reasons) + "。"


detector = DomainDetector()
