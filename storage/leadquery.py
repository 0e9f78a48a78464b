"""Listing leads best first at any size: filters, keyset pages and bounded counts.

One order everywhere (the review queue, `zhenwei leads`, every export): score descending,
then most recently seen, then oldest lead first. A page continues from a cursor, the key
of the lead it follows, with a row-value comparison `(score, last_seen) <= cursor` that the
index on `(score, last_seen, id)` serves as a range, whatever the depth: no OFFSET that reads
and drops every row before the page. The index is read backwards; only leads tied on both
score and last-seen time are put in id order, which SQLite ("right part of ORDER BY") and
PostgreSQL (incremental sort) do tie group by tie group, without sorting the list. Each
filter (status, verdict, both) has an index that starts with it and then follows the same
order (storage/models.py); the host search is planned per search (`conditions`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, func, literal, or_, select, text, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.expression import Executable

from storage import sql
from storage.models import Lead, LeadSource, UTCDateTime
from storage.records import LeadRecord

#: Leads an analyst has decided are not leads (dismissed, official): kept, re-checked, and
#: left out of the review queue unless asked for.
CLOSED_STATUSES = ("dismissed", "official")
#: The largest count a listing shows exactly; above it, "more than".
COUNT_CAP = 10_000
#: A host search is matched by trigrams: shorter text is ignored.
MIN_SEARCH = 3
_SEARCH_MAX = 100
#: A host search matching at most this many leads is read from the trigram index as an id
#: list (then sorted); one matching more fills a page quickly by walking the order index.
FEW_HOSTS = 2000


@dataclass(frozen=True)
class LeadFilter:
    """Which leads a listing holds; every part optional."""

    status: tuple[str, ...] = ()
    verdict: tuple[str, ...] = ()
    min_score: int | None = None
    #: part of the host name, any case (`mem-gov`, `.top`)
    host: str = ""
    campaign: int | None = None
    #: statuses left out (the review queue's default hides CLOSED_STATUSES)
    hide: tuple[str, ...] = ()

    def clauses(self, host_ids: Sequence[int] | None = None) -> list[ColumnElement[bool]]:
        """SQL conditions; the host search as `host_ids` when given (see `conditions`)."""
        out: list[ColumnElement[bool]] = []
        if self.status:
            out.append(_one_or_in(Lead.status, self.status))
        if self.verdict:
            out.append(_one_or_in(Lead.verdict, self.verdict))
        if self.hide:
            out.append(Lead.status.not_in(list(self.hide)))
        if self.min_score is not None:
            out.append(Lead.score >= self.min_score)
        needle = search_term(self.host)
        if needle:
            if host_ids is not None:
                out.append(Lead.id.in_(list(host_ids)))
            else:
                out.append(Lead.host.contains(needle, autoescape=True))
        if self.campaign is not None:
            out.append(Lead.campaign_id == self.campaign)
        return out


def conditions(s: Session, where: LeadFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of `where`, with the host search planned for the data at hand.

    A substring search cannot use the order index, and a trigram index cannot give rows in
    order: a rare text is looked up in the trigram index (FTS5 on SQLite, pg_trgm on
    PostgreSQL) and its few leads sorted; a common one walks the order index, where a page
    of matches comes after a few thousand rows at most.
    """
    needle = search_term(where.host)
    if not needle:
        return where.clauses()
    ids = _few_hosts(s, needle)
    return where.clauses(host_ids=ids)


def _few_hosts(s: Session, needle: str) -> list[int] | None:
    """The ids of the leads whose host contains `needle`, or None when there are many."""
    stmt: Executable
    if s.get_bind().dialect.name == "sqlite":
        phrase = '"' + needle.replace('"', '""') + '"'  # a trigram phrase: a substring
        stmt = text(
            "SELECT rowid FROM lead_host_fts WHERE lead_host_fts MATCH :phrase LIMIT :n"
        ).bindparams(phrase=phrase, n=FEW_HOSTS + 1)
    else:
        stmt = (
            select(Lead.id).where(Lead.host.contains(needle, autoescape=True)).limit(FEW_HOSTS + 1)
        )
    ids = list(s.scalars(stmt))
    return ids if len(ids) <= FEW_HOSTS else None


def _one_or_in(column: InstrumentedAttribute[str], values: Sequence[str]) -> ColumnElement[bool]:
    # `status = 'new'` lets the planner walk the (status, score, ...) index in order
    return column == values[0] if len(values) == 1 else column.in_(list(values))


def search_term(text: str) -> str:
    """The host search as matched: trimmed, lower case (hosts are stored so), bounded."""
    term = text.strip().lower()[:_SEARCH_MAX]
    return term if len(term) >= MIN_SEARCH else ""


@dataclass(frozen=True)
class Cursor:
    """A position in the best-first order: the key of the lead a page ends (or starts) at."""

    score: int
    last_seen: datetime
    id: int

    @classmethod
    def of(cls, score: int, last_seen: datetime, lead_id: int) -> Cursor:
        return cls(score, last_seen.astimezone(UTC), lead_id)

    def token(self) -> str:
        """Opaque for the URL; exact to the microsecond, so no tie is skipped or repeated."""
        raw = f"{self.score}|{self.last_seen.astimezone(UTC).isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor of a token; None for a missing or malformed one (the first page)."""
        if not token or len(token) > 200:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            score, seen, lead_id = raw.split("|")
            at = datetime.fromisoformat(seen)
            if at.tzinfo is None:
                return None
            return cls(int(score), at.astimezone(UTC), int(lead_id))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class LeadPage:
    """One page of a listing and the cursors of its neighbours (None at either end); when
    counted, how many leads the listing holds (`capped`: more than `total`)."""

    leads: tuple[LeadRecord, ...]
    next: Cursor | None
    prev: Cursor | None
    total: int | None = None
    capped: bool = False


def _key() -> ColumnElement[tuple[int, datetime]]:
    return tuple_(Lead.score, Lead.last_seen)


def _value(c: Cursor) -> ColumnElement[tuple[int, datetime]]:
    return tuple_(literal(c.score), literal(c.last_seen, UTCDateTime()))


def best_first(
    where: Sequence[ColumnElement[bool]], *, after: Cursor | None = None
) -> Select[Lead]:
    """Leads meeting `where` (`conditions`), best first, strictly after `after`."""
    stmt = select(Lead).where(*where)
    if after is not None:
        # the range the index serves, less the cursor's own tie group up to the cursor
        stmt = stmt.where(_key() <= _value(after), or_(_key() < _value(after), Lead.id > after.id))
    return stmt.order_by(Lead.score.desc(), Lead.last_seen.desc(), Lead.id)


def worst_first_before(where: Sequence[ColumnElement[bool]], before: Cursor) -> Select[Lead]:
    """Leads meeting `where` strictly before `before` in the best-first order, nearest
    first (a previous page, read backwards)."""
    stmt = select(Lead).where(
        *where, _key() >= _value(before), or_(_key() > _value(before), Lead.id < before.id)
    )
    return stmt.order_by(Lead.score, Lead.last_seen, Lead.id.desc())


def bounded_count(where: Sequence[ColumnElement[bool]], cap: int = COUNT_CAP) -> Select[int]:
    """How many leads meet `where`, reading at most `cap` + 1 of them."""
    inner = select(Lead.id).where(*where).limit(cap + 1).subquery()
    return select(func.count()).select_from(inner)


def count(
    s: Session, where: Sequence[ColumnElement[bool]], cap: int = COUNT_CAP
) -> tuple[int, bool]:
    """(leads meeting `where`, whether there are more than `cap`)."""
    n = int(s.scalar(bounded_count(where, cap)) or 0)
    return min(n, cap), n > cap


def read_page(
    s: Session,
    where: LeadFilter,
    after: Cursor | None,
    before: Cursor | None,
    size: int,
    counted: bool,
) -> LeadPage:
    """One page after `after` (or before `before`), read in one session."""
    conds = conditions(s, where)
    if before is not None:
        rows = list(s.scalars(worst_first_before(conds, before).limit(size + 1)))
        if len(rows) <= size:  # back at the start: the first page, full
            return read_page(s, where, None, None, size, counted)
        rows = rows[:size][::-1]
        more_before = more_after = True
    else:
        rows = list(s.scalars(best_first(conds, after=after).limit(size + 1)))
        more_after = len(rows) > size
        rows = rows[:size]
        more_before = after is not None
    leads = tuple(lead_records(s, rows))
    total, capped = count(s, conds) if counted else (None, False)
    if not leads:
        return LeadPage((), None, None, total, capped)
    first, last = leads[0], leads[-1]
    return LeadPage(
        leads,
        next=Cursor.of(last.score, last.last_seen, last.id) if more_after else None,
        prev=Cursor.of(first.score, first.last_seen, first.id) if more_before else None,
        total=total,
        capped=capped,
    )


def source_names(s: Session, lead_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The sources of every lead of a page, in one query (never one per lead)."""
    if not lead_ids:
        return {}
    out: dict[int, list[str]] = {}
    for lid, src in s.execute(
        select(LeadSource.lead_id, LeadSource.source)
        .where(LeadSource.lead_id.in_(list(lead_ids)))
        .order_by(LeadSource.lead_id, LeadSource.first_found, LeadSource.source)
    ).tuples():
        out.setdefault(lid, []).append(src)
    return {k: tuple(v) for k, v in out.items()}


def lead_records(s: Session, rows: Sequence[Lead]) -> list[LeadRecord]:
    """Frozen records of lead rows, with their sources."""
    names = source_names(s, [r.id for r in rows])
    return [sql.to_record(LeadRecord, r, sources=names.get(r.id, ())) for r in rows]
