"""A MISP event for one lead, built with pymisp's object model (no MISP server needed): the
domain and its addresses, the URLs seen, the campaign's shared IDs, and why it was judged."""

from __future__ import annotations

import ipaddress
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from core.labels import category_label, verdict_label
from core.platforms import is_post_key
from storage.records import LeadDetail

#: event ids are derived from the lead and the export time, so one export has one event
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/zhenwei/misp")
#: campaign evidence kinds that MISP has an attribute type for
_ATTRIBUTE_TYPES = {
    "registrant_email": "whois-registrant-email",
    "registrant": "whois-registrant-name",
    "registrant_org": "whois-registrant-org",
    "ip": "ip-dst",
    "baidu_tongji": "text",
    "cnzz": "text",
    "google_analytics": "text",
    "wechat": "text",
    "qq": "text",
    "phone": "phone-number",
    "qr": "text",
    "favicon": "sha256",
    "resource": "sha256",
}


def _ips(detail: LeadDetail) -> list[str]:
    out: set[str] = set()
    for cap in detail.captures:
        for value in (cap.facts.get("dns") or {}).get("a") or ():
            try:
                out.add(str(ipaddress.ip_address(str(value))))
            except ValueError:
                continue
    return sorted(out)


def build_event(
    detail: LeadDetail, *, created: datetime, campaign: dict[str, Any] | None = None
) -> Any:
    """A `pymisp.MISPEvent`: TLP:AMBER, distribution "your organisation only"."""
    from pymisp import MISPEvent, MISPObject

    lead = detail.lead
    event = MISPEvent()
    event.uuid = str(uuid.uuid5(_NAMESPACE, f"{lead.id}/{created.isoformat()}"))
    event.info = (
        f"仿冒政府查询平台：{lead.host}（{verdict_label(lead.verdict)}，评分 {lead.score}）"
    )
    event.date = created.astimezone(UTC).date()
    event.distribution = 0
    event.threat_level_id = 2
    event.analysis = 2 if lead.status in ("confirmed", "referred", "taken_down") else 1
    event.add_tag("tlp:amber")
    for cat in lead.categories:
        event.add_tag(f'zhenwei:category="{cat}"')
    if not is_post_key(lead.host):  # a post's platform domain and addresses are not the seller's
        domain_ip = MISPObject("domain-ip")
        domain_ip.add_attribute("domain", value=lead.host)
        for ip in _ips(detail):
            domain_ip.add_attribute("ip", value=ip)
        domain_ip.first_seen = lead.first_seen
        domain_ip.last_seen = max(lead.last_seen, lead.first_seen)
        event.add_object(domain_ip)
    urls = sorted({lead.url, *(c.final_url or c.url for c in detail.captures)} - {""})
    for url in urls:
        obj = MISPObject("url")
        obj.add_attribute("url", value=url)
        event.add_object(obj)
    reasons = [f"{s.reason}（{s.detector} {s.version}）" for s in detail.signals if s.score > 0]
    event.add_attribute(
        "comment",
        "判定理由：\n" + "\n".join(reasons or ["—"]),
        comment=f"类别：{'、'.join(category_label(c) for c in lead.categories) or '—'}",
        to_ids=False,
    )
    if campaign is not None:
        event.add_tag(f'zhenwei:campaign="{campaign["key"]}"')
        for ev in campaign.get("evidence") or ():
            kind = str(ev["kind"])
            if kind not in _ATTRIBUTE_TYPES:
                continue
            event.add_attribute(
                _ATTRIBUTE_TYPES[kind],
                str(ev["value"]),
                comment=f"团伙 #{campaign['id']} 共同证据：{ev['reason']}",
                to_ids=False,
            )
    return event


def event_json(event: Any) -> bytes:
    """The event as MISP's JSON ({"Event": ...}), UTF-8, Chinese kept readable."""
    data = json.loads(event.to_json())
    return json.dumps({"Event": data}, ensure_ascii=False, indent=2, sort_keys=True).encode()
