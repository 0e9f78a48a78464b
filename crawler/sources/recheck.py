"""Re-check known leads: are confirmed/referred sites down yet, have parked look-alikes gone live,
has a dismissed site turned into a counterfeit (it then comes back for review), has a watched
name (a look-alike name serving unrelated live content) started imitating the platform?

The storage records when a site went down or came back after the fetch; this source only
says which leads to fetch again and why.
"""

from __future__ import annotations

from core.signals import WATCHED_NAME
from core.types import Candidate
from core.urls import BadUrl, normalise_url
from crawler.sources.base import FailureLog, KnownLead, SourceContext, SourceResult

NAME = "recheck"
TAKEDOWN_STATUSES = frozenset({"confirmed", "referred", "taken_down"})
PARKED_CATEGORIES = frozenset({"parked-lookalike", "parked"})
#: look-alike names whose live content is unrelated today: below `suspicious`, fetched nightly
WATCHED_CATEGORIES = frozenset({WATCHED_NAME})


def recheck_kind(lead: KnownLead) -> str | None:
    """'takedown', 'parked', 'dismissed', 'watched' or None (not re-checked)."""
    if lead.status in TAKEDOWN_STATUSES:
        return "takedown"  # taken_down too: we record when one comes back
    if lead.status == "dismissed":
        return "dismissed"  # an analyst's "unrelated" holds only while the content does
    if lead.status == "official":
        return None
    if PARKED_CATEGORIES & set(lead.categories):
        return "parked"
    if WATCHED_CATEGORIES & set(lead.categories):
        return "watched"
    return None


class RecheckSource:
    """Emits one candidate per lead worth fetching again."""

    name = NAME

    async def collect(self, ctx: SourceContext) -> SourceResult:
        flog = FailureLog(self.name)
        out: list[Candidate] = []
        seen: set[str] = set()
        for lead in ctx.known_leads():
            kind = recheck_kind(lead)
            if kind is None:
                flog.count("skipped")
                continue
            try:
                url = normalise_url(lead.url).url
            except BadUrl as exc:
                flog.fail(f"线索 {lead.id} 的网址无效，无法复查：{exc}", lead.url[:200])
                continue
            if url in seen:
                continue
            seen.add(url)
            flog.count(kind)
            out.append(
                Candidate(
                    url=url,
                    source=self.name,
                    found_at=ctx.now,
                    target=lead.target,
                    context={"recheck": kind, "lead_id": lead.id, "status": lead.status},
                )
            )
        return flog.result(out)
