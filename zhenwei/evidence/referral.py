"""What a police referral needs beyond the lead's own evidence: who to ask to take the site
down (the registrar's and the hosting network's abuse contacts), the campaign the site
belongs to, and the custody of earlier exports of this lead (from its audit trail)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.artifacts import ArtifactError
from storage.records import CaptureRecord, LeadDetail, LeadRecord, iso

#: IP → (country, network owner), `core.netpath.geoip.ip_info` in production
IpOwner = Callable[[str], tuple[str | None, str | None]]
EXPORT_ACTION = "export"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ABUSE_EMAIL = re.compile(r"^\s*(?:Registrar\s+)?Abuse\s+Contact\s+Email\s*:\s*(\S+)", re.I | re.M)
_ABUSE_PHONE = re.compile(r"^\s*(?:Registrar\s+)?Abuse\s+Contact\s+Phone\s*:\s*(\S+)", re.I | re.M)
_REGISTRAR = re.compile(r"^\s*(?:Sponsoring\s+)?Registrar\s*:\s*(.+?)\s*$", re.I | re.M)


@dataclass(frozen=True)
class AbuseContact:
    """Where to report the site: its registrar or the network that hosts it."""

    role: str  # registrar | hosting
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    country: str | None = None
    #: where the contact was read, in one Chinese sentence
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "emails": list(self.emails),
            "phones": list(self.phones),
            "country": self.country,
            "source": self.source,
        }


@dataclass(frozen=True)
class Referral:
    contacts: tuple[AbuseContact, ...]
    campaign: dict[str, Any] | None
    #: earlier exports of this lead: {"at", "user", "note", "hash"} from its audit trail
    custody: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "abuse_contacts": [c.to_json() for c in self.contacts],
            "campaign": self.campaign,
            "custody": list(self.custody),
        }


def registrar_contact(whois_text: str, registrar: str | None) -> AbuseContact | None:
    """The registrar's abuse e-mail and phone as the WHOIS answer states them."""
    name = registrar or (m.group(1) if (m := _REGISTRAR.search(whois_text)) else None)
    emails = [m.group(1) for m in _ABUSE_EMAIL.finditer(whois_text)]
    # older and CNNIC-style answers name no abuse field: any abuse@ address in the text
    emails += [e for e in _EMAIL.findall(whois_text) if e.lower().startswith("abuse")]
    phones = [m.group(1) for m in _ABUSE_PHONE.finditer(whois_text)]
    if not name and not emails:
        return None
    return AbuseContact(
        "registrar",
        name or "（WHOIS 未列明注册商）",
        tuple(dict.fromkeys(e.lower() for e in emails)),
        tuple(dict.fromkeys(phones)),
        source="取自该域名的 WHOIS 记录" + ("" if emails else "（记录中没有滥用投诉联系方式）"),
    )


def hosting_contacts(ips: Sequence[str], ip_owner: IpOwner) -> list[AbuseContact]:
    """The networks that host the site's addresses (offline IP → owner data)."""
    owners: dict[str, tuple[str | None, list[str]]] = {}
    for ip in ips:
        try:
            if not ipaddress.ip_address(ip).is_global:
                continue
        except ValueError:
            continue
        country, owner = ip_owner(ip)
        if owner:
            owners.setdefault(owner, (country, []))[1].append(ip)
    return [
        AbuseContact(
            "hosting",
            owner,
            country=country,
            source=f"IP 地址 {'、'.join(addrs)} 所属网络（离线 IP 归属数据）；"
            "请经该网络的 RDAP/WHOIS 记录或官方投诉渠道提交滥用投诉",
        )
        for owner, (country, addrs) in sorted(owners.items())
    ]


def _newest_whois(
    captures: Sequence[CaptureRecord], open_artifact: Callable[[str], bytes]
) -> tuple[str, str | None]:
    for cap in captures:
        sha = cap.artifacts.get("whois")
        if not sha:
            continue
        try:
            text = open_artifact(sha).decode("utf-8", "replace")
        except ArtifactError:
            continue
        registrar = (cap.facts.get("whois") or {}).get("registrar")
        return text, registrar if isinstance(registrar, str) else None
    return "", None


def _ips(captures: Sequence[CaptureRecord]) -> list[str]:
    for cap in captures:
        ips = [str(x) for x in (cap.facts.get("dns") or {}).get("a") or ()]
        if ips:
            return ips
    return []


def referral_facts(
    detail: LeadDetail,
    open_artifact: Callable[[str], bytes],
    *,
    members: Sequence[LeadRecord] = (),
    ip_owner: IpOwner | None = None,
) -> Referral:
    """Abuse contacts, the campaign (members and shared evidence) and the custody trail."""
    from storage.linking import links_from_json, shared_evidence

    contacts: list[AbuseContact] = []
    whois_text, registrar = _newest_whois(detail.captures, open_artifact)
    reg = registrar_contact(whois_text, registrar)
    if reg is not None:
        contacts.append(reg)
    if ip_owner is not None:
        contacts += hosting_contacts(_ips(detail.captures), ip_owner)
    campaign = None
    if detail.campaign is not None:
        c = detail.campaign
        campaign = {
            **c.to_json(),
            "members": [
                {"lead_id": m.id, "host": m.host, "status": m.status, "is_down": m.is_down}
                for m in members
            ],
            "evidence": [
                {**ev.to_json(), "pairs": n} for ev, n in shared_evidence(links_from_json(c.links))
            ],
        }
        campaign.pop("links", None)
    custody = tuple(
        {"at": iso(r.at), "user": r.user, "note": r.note, "hash": r.hash}
        for r in detail.reviews
        if r.action == EXPORT_ACTION
    )
    return Referral(tuple(contacts), campaign, custody)
