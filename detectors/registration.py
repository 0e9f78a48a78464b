"""Registration and hosting: WHOIS age/term/privacy, IP country and ASN, TLS certificate,
and a "government" page without ICP filing.

Each fact alone is weak (many honest small sites are young, privacy-protected and hosted in
Hong Kong). They are strengthened here, not in scoring, when the page claims a government
identity (detectors._identity.claim_of, the same test content uses), because that claim is
what makes foreign hosting or a missing ICP filing implausible.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from core.netpath.domains import registrable_domain
from core.signals import Lookups, Reference, Signal
from core.types import DnsFacts, Page, WhoisFacts
from detectors._dom import parse
from detectors._footer import page_marks
from detectors._identity import Claim, claim_of, is_gov_host, is_official_host

log = logging.getLogger(__name__)

NAME = "registration"
VERSION = "1.0"
CATEGORY = ("hosting-risk",)

YOUNG_DAYS = 90
ONE_YEAR_DAYS = 370
_MAX_IPS = 4
_LOOKUP_ERRORS = (OSError, ValueError, TimeoutError, LookupError)


def registered_domain(host: str) -> str:
    """Registrable domain (offline public suffix list, IDN-safe), as WHOIS knows it."""
    return registrable_domain(host)


def _strengthen(score: float, claim: Claim, cap: float) -> float:
    return min(cap, score * 1.8 + 0.1) if claim.government else score


def _claim_text(claim: Claim) -> str:
    if not claim.government:
        return ""
    return f"；而页面自称政府机构（{'；'.join(claim.gov_evidence[:2])}），此类事实因此更可疑"


class RegistrationDetector:
    name = NAME
    version = VERSION
    description = "检查域名注册时间、注册期限与隐私保护、服务器所在国家与ASN、TLS证书，以及自称政府网站却境外托管或无ICP备案。"
    weight = 0.40  # young, privacy-registered, hosted abroad: weak alone
    triage = False  # needs WHOIS, DNS and TLS facts

    def detect(self, page: Page, reference: Reference, lookups: Lookups) -> list[Signal]:
        host = page.host
        if not host or is_official_host(host, reference) or is_gov_host(host):
            return []
        dom = parse(
            page.rendered_html or page.raw_html,
            page.final_url or page.url,
            page.visible_text,
            page.title,
        )
        marks = page_marks(dom)
        claim = claim_of(dom, reference, host, marks.government)
        found = [
            self._whois(page, host, claim, lookups),
            self._hosting(page, host, claim, lookups),
            self._tls(page, host, claim),
        ]
        if claim.government and not marks.icp:
            found.append(
                Signal(
                    NAME,
                    VERSION,
                    0.5,
                    f"页面自称政府机构（{'；'.join(claim.gov_evidence[:2])}），但页面上没有有效的ICP备案号，而境内政府网站必须备案。",
                    {"gov_evidence": list(claim.gov_evidence), "bad_icp": list(marks.bad_icp)},
                    CATEGORY + ("impersonation",),
                )
            )
        return [s for s in found if s is not None]

    def _whois(self, page: Page, host: str, claim: Claim, lookups: Lookups) -> Signal | None:
        domain = registered_domain(host)
        facts: WhoisFacts | None = page.whois
        if facts is None and lookups.whois is not None:
            try:
                facts = lookups.whois(domain)
            except _LOOKUP_ERRORS as exc:
                log.info("whois lookup for %s failed: %s", domain, exc)
        if facts is None or facts.error:
            return None
        notes: list[str] = []
        score = 0.0
        details: dict[str, Any] = {
            "domain": facts.domain or domain,
            "registrar": facts.registrar,
            "created": _iso(facts.created),
            "expires": _iso(facts.expires),
            "privacy": facts.privacy,
            "registrant_country": facts.registrant_country,
        }
        if facts.created is not None:
            age = (_aware(page.fetched_at) - _aware(facts.created)).days
            details["age_days"] = age
            if age < YOUNG_DAYS:
                score += 0.3 if age < 30 else 0.25
                notes.append(f"注册于{max(age, 0)}天前（{facts.created:%Y-%m-%d}）")
            if facts.expires is not None:
                term = (_aware(facts.expires) - _aware(facts.created)).days
                details["term_days"] = term
                if term <= ONE_YEAR_DAYS:
                    score += 0.1
                    notes.append("注册期限仅一年")
        if facts.privacy:
            score += 0.1
            notes.append("注册人信息被隐私保护隐藏")
        if not notes:
            return None
        score = _strengthen(min(score, 0.45), claim, 0.8)
        registrar = f"（注册商{facts.registrar}）" if facts.registrar else ""
        return Signal(
            NAME,
            VERSION,
            round(score, 3),
            f"域名{domain}{registrar}{'，'.join(notes)}{_claim_text(claim)}。",
            details,
            CATEGORY,
        )

    def _hosting(self, page: Page, host: str, claim: Claim, lookups: Lookups) -> Signal | None:
        dns: DnsFacts | None = page.dns
        if dns is None and lookups.dns is not None:
            try:
                dns = lookups.dns(host)
            except _LOOKUP_ERRORS as exc:
                log.info("dns lookup for %s failed: %s", host, exc)
        if dns is None or not dns.a or lookups.geoip is None:
            return None
        located: list[dict[str, Any]] = []
        for ip in dns.a[:_MAX_IPS]:
            try:
                country, asn = lookups.geoip(ip)
            except _LOOKUP_ERRORS as exc:
                log.info("geoip lookup for %s failed: %s", ip, exc)
                continue
            located.append({"ip": ip, "country": country, "asn": asn})
        abroad = [x for x in located if x["country"] and str(x["country"]).upper() != "CN"]
        details = {"ips": located, "ns": list(dns.ns), "mx": list(dns.mx)}
        if not abroad:
            return None
        first = abroad[0]
        details["hosting_country"] = first["country"]  # read by the evidence report
        asn = f"，{first['asn']}" if first["asn"] else ""
        score = _strengthen(0.2, claim, 0.7)
        return Signal(
            NAME,
            VERSION,
            round(score, 3),
            f"网站服务器IP {first['ip']} 位于境外（{first['country']}{asn}）{_claim_text(claim)}。",
            details,
            CATEGORY,
        )

    def _tls(self, page: Page, host: str, claim: Claim) -> Signal | None:
        tls = page.tls
        if tls is None:
            return None
        notes: list[str] = []
        score = 0.0
        if not tls.verified:
            score += 0.15
            notes.append(f"证书未通过验证（{tls.error or '原因未知'}）")
        if tls.not_after is not None and _aware(tls.not_after) < _aware(page.fetched_at):
            score += 0.05
            notes.append(f"证书已于{tls.not_after:%Y-%m-%d}过期")
        others = sorted(
            {registered_domain(s.lstrip("*.")) for s in tls.sans} - {registered_domain(host)}
        )
        if len(others) >= 3:
            score += 0.1
            notes.append(f"同一证书还覆盖{len(others)}个其他域名（如{'、'.join(others[:3])}）")
        if not notes:
            return None
        score = _strengthen(score, claim, 0.6)
        return Signal(
            NAME,
            VERSION,
            round(min(score, 1.0), 3),
            f"{host}的TLS证书（签发者{tls.issuer or '未知'}）：{'；'.join(notes)}{_claim_text(claim)}。",
            {
                "issuer": tls.issuer,
                "verified": tls.verified,
                "error": tls.error,
                "not_before": _iso(tls.not_before),
                "not_after": _iso(tls.not_after),
                "sans": list(tls.sans[:50]),
                "other_domains": others[:50],
            },
            CATEGORY,
        )


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return _aware(value).isoformat() if value is not None else None


detector = RegistrationDetector()
