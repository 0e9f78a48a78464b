"""A STIX 2.1 bundle for one lead: who reports, what was seen (domain, URLs, IPs), the verdict."""

from __future__ import annotations

import ipaddress
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import stix2

from core.labels import verdict_label
from core.platforms import is_post_key
from storage.records import LeadDetail

#: tool identity; a fixed id so bundles from every export name the same producer
IDENTITY_ID = f"identity--{uuid.uuid5(uuid.NAMESPACE_URL, 'https://github.com/zhenwei/identity')}"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _quote(value: str) -> str:
    """A string literal for a STIX pattern."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _ipv4s(detail: LeadDetail) -> list[str]:
    ips: set[str] = set()
    for cap in detail.captures:
        for value in (cap.facts.get("dns") or {}).get("a") or ():
            try:
                ips.add(str(ipaddress.IPv4Address(str(value))))
            except ValueError:
                continue
    return sorted(ips)


def build_bundle(detail: LeadDetail, *, tool_version: str, created: datetime) -> stix2.Bundle:
    """Identity, observed-data (domain-name, url, ipv4-addr), an indicator and a verdict note."""
    lead = detail.lead
    created = _utc(created)
    identity = stix2.Identity(
        id=IDENTITY_ID,
        name="zhenwei 真伪",
        identity_class="system",
        description=f"zhenwei {tool_version}: counterfeit government query site finder",
        created=datetime(2025, 1, 1, tzinfo=UTC),
        modified=datetime(2025, 1, 1, tzinfo=UTC),
    )
    post = is_post_key(lead.host)
    # a post's observable is its URL: the platform's domain and addresses are not the seller's
    domain = stix2.URL(value=lead.url) if post else stix2.DomainName(value=lead.host)
    urls = sorted(
        {
            lead.url,
            *(c.url for c in detail.captures),
            *(c.final_url for c in detail.captures if c.final_url),
        }
    )
    url_objs = [stix2.URL(value=u) for u in urls if u and not (post and u == lead.url)]
    ip_objs = [] if post else [stix2.IPv4Address(value=ip) for ip in _ipv4s(detail)]
    observables: list[Any] = [domain, *url_objs, *ip_objs]
    first = _utc(lead.first_seen)
    last = max(_utc(lead.last_seen), first)
    observed = stix2.ObservedData(
        created_by_ref=identity.id,
        created=created,
        modified=created,
        first_observed=first,
        last_observed=last,
        number_observed=max(1, len(detail.captures)),
        object_refs=[o.id for o in observables],
    )
    indicator = stix2.Indicator(
        created_by_ref=identity.id,
        created=created,
        modified=created,
        name=f"{verdict_label(lead.verdict)}{'帖子' if post else '站点'} {lead.host}",
        pattern=f"[url:value = {_quote(lead.url)}]"
        if post
        else f"[domain-name:value = {_quote(lead.host)}]",
        pattern_type="stix",
        valid_from=first,
        indicator_types=["malicious-activity"]
        if lead.verdict == "counterfeit"
        else ["anomalous-activity"],
        labels=list(lead.categories) or None,
    )
    reasons = [f"- {s.reason}（{s.detector} {s.version}，{s.score:.2f}）" for s in detail.signals]
    note = stix2.Note(
        created_by_ref=identity.id,
        created=created,
        modified=created,
        abstract=f"判定：{verdict_label(lead.verdict)}（{lead.verdict}），评分 {lead.score}",
        content="\n".join(
            [f"线索 {lead.id}：{lead.host}，状态 {lead.status}", "判定理由：", *reasons]
        ),
        object_refs=[observed.id, indicator.id, domain.id],
    )
    return stix2.Bundle(identity, *observables, observed, indicator, note, allow_custom=False)


def bundle_json(bundle: stix2.Bundle) -> bytes:
    """The bundle as UTF-8 JSON with Chinese kept readable."""
    data = json.loads(bundle.serialize())
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
