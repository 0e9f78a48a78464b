"""Analysts' labels (`repo.labels`): decisions about a host or a whole registrable domain.

An admin's "official", an analyst's confirmation or dismissal ("unrelated", "false positive")
is kept as a label beside the lead, with who, when and why, and the lead's score and verdict
at that moment. Labels are append-only: the newest decision covering a host (its own, or its
registrable domain's) is its label, and a `withdrawn` row ends one. They count in later runs
(an official label makes the host official; a host labelled benign is not queued again as a
new lead, and comes back for review only when it turns counterfeit) and are exported as a
labelled set for `zhenwei evaluate`. A new label also takes effect at once on the leads it
covers (dismissed, official), each change an audited event, so the queue follows the decision
before the next crawl fetches the host again. The rows themselves: storage/labelrows.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import labels as words
from storage import pagedata, sql
from storage.labelrows import (
    LABELS,
    REASONS,
    SCOPES,
    SYSTEM_USER,
    WITHDRAWN,
    LabelError,
    LabelIndex,
    LabelRecord,
    add_label,
    check,
    covering,
    label_for_lead,
)
from storage.models import HostLabel, Lead
from storage.records import LeadRecord
from storage.reviews import append_event

__all__ = [
    "LABELS",
    "REASONS",
    "SCOPES",
    "SYSTEM_USER",
    "WITHDRAWN",
    "HostLabels",
    "LabelError",
    "LabelIndex",
    "LabelRecord",
    "apply_now",
    "apply_to_lead",
    "label_for_lead",
]


def _add_audited(
    s: Session,
    host: str,
    label: str,
    user: str,
    reason: str,
    note: str,
    scope: str,
    url: str,
    klass: str,
) -> HostLabel:
    """A decision taken outside the review UI (CLI, import): the label row, applied at once to
    the leads it covers (`apply_now`)."""
    host = host.strip().lower().rstrip(".")
    lead = s.scalars(select(Lead).where(Lead.host == host).with_for_update()).one_or_none()
    row = add_label(
        s,
        host,
        label,
        user=user,
        reason=reason,
        note=note,
        scope=scope,
        lead=lead,
        url=url,
        klass=klass,
    )
    apply_now(s, row, own=lead.id if lead is not None else None)
    return row


def apply_now(
    s: Session, row: HostLabel, *, own: int | None = None, skip: int | None = None
) -> None:
    """A new label takes effect at once on the leads it covers (the host's, or every lead of
    the domain whose newest decision it is), each change an audited event: a benign label
    dismisses new leads, an official one makes them official. The lead `own` the decision
    was taken on gets a `label` event even when its status stays; `skip` is left alone (the
    review action that made the label has written its own event)."""
    col = Lead.registered_domain if row.scope == "domain" else Lead.host
    leads = s.scalars(select(Lead).where(col == row.name).order_by(Lead.id).with_for_update())
    where = f"注册域名 {row.name}" if row.scope == "domain" else row.name
    said = f"按 {row.user} 的标注「{words.host_label(row.label)}」（{where}，{words.label_reason(row.reason)}）"
    note = f"{said}；{row.note}" if row.note else said
    for lead in leads.all():
        current = covering(s, lead.host)
        if lead.id == skip or current is None or current.id != row.id:
            continue
        if row.label == "benign" and lead.status == "new":
            append_event(
                s, lead, user=row.user, action="dismiss", note=note, new_status="dismissed"
            )
        elif row.label == "official" and lead.status != "official":
            append_event(
                s, lead, user=row.user, action="official", note=note, new_status="official"
            )
        elif lead.id == own:
            append_event(s, lead, user=row.user, action="label", note=note)


class HostLabels(sql.Store):
    """Append, resolve, list and export analysts' labels."""

    def add(
        self,
        host: str,
        label: str,
        *,
        user: str,
        reason: str,
        note: str = "",
        scope: str = "host",
        url: str = "",
    ) -> LabelRecord:
        """Record a decision about a host or its registrable domain (CLI, import); it is tied
        to the host's lead when there is one."""
        check(label, scope, reason)

        def run(s: Session) -> LabelRecord:
            row = _add_audited(s, host, label, user, reason, note, scope, url, "")
            return sql.to_record(LabelRecord, row)

        return sql.write(self.db, run)

    def add_many(self, items: Sequence[dict[str, str]], *, user: str) -> int:
        """Record many decisions in one transaction (all or nothing): `host`, `label`,
        `reason`, and optionally `note`, `scope`, `url`, `user`."""
        for item in items:
            check(item["label"], item.get("scope", "host"), item["reason"])

        def run(s: Session) -> int:
            for item in items:
                _add_audited(
                    s,
                    item["host"],
                    item["label"],
                    item.get("user") or user,
                    item["reason"],
                    item.get("note", ""),
                    item.get("scope", "host"),
                    item.get("url", ""),
                    item.get("class", ""),
                )
            return len(items)

        return sql.write(self.db, run)

    def decide(
        self,
        lead_id: int,
        *,
        user: str,
        action: str,
        note: str = "",
        new_status: str | None,
        label: str | None,
        reason: str,
        scope: str = "host",
        role: str | None = None,
    ) -> LabelRecord | None:
        """A review action that is also a decision, in one transaction: the audited review
        event (its note names the label) and the label row (`label` None: the action
        withdraws the lead's label, if it has one)."""
        if label is not None:
            check(label, scope, reason)

        def run(s: Session) -> LabelRecord | None:
            lead = sql.locked(s, Lead, lead_id)
            current = covering(s, lead.host)
            if label is None:
                said = "撤销标注" if current is not None else ""
                text = "；".join(x for x in (said, note) if x)
                append_event(
                    s, lead, user=user, action=action, note=text, new_status=new_status, role=role
                )
                if current is None:
                    return None
                row = add_label(
                    s, lead.host, WITHDRAWN, user=user, reason=reason, note=note, lead=lead
                )
                return sql.to_record(LabelRecord, row)
            where = lead.registered_domain if scope == "domain" else lead.host
            said = f"标注为「{words.host_label(label)}」（{where}，{words.label_reason(reason)}）"
            append_event(
                s,
                lead,
                user=user,
                action=action,
                note=f"{said}；{note}" if note else said,
                new_status=new_status,
                role=role,
            )
            row = add_label(
                s, lead.host, label, user=user, reason=reason, note=note, scope=scope, lead=lead
            )
            if scope == "domain":  # the domain's other leads follow at once
                apply_now(s, row, skip=lead.id)
            return sql.to_record(LabelRecord, row)

        return sql.write(self.db, run)

    def for_host(self, host: str) -> LabelRecord | None:
        """The label covering `host` now (its own or its registrable domain's)."""
        with self.db.session() as s:
            row = covering(s, host)
            return sql.to_record(LabelRecord, row) if row is not None else None

    def history(self, host: str) -> list[LabelRecord]:
        """Every decision about `host` and its registrable domain, oldest first."""
        host = host.lower()
        with self.db.session() as s:
            rows = s.scalars(
                select(HostLabel)
                .where(
                    ((HostLabel.name == host) & (HostLabel.scope == "host"))
                    | (
                        (HostLabel.name == pagedata.registered_domain(host))
                        & (HostLabel.scope == "domain")
                    )
                )
                .order_by(HostLabel.at, HostLabel.id)
            )
            return [sql.to_record(LabelRecord, r) for r in rows]

    def index(self) -> LabelIndex:
        """The newest decision of every name (withdrawals included: they end a label)."""
        newest: dict[tuple[str, str], LabelRecord] = {}
        with self.db.session() as s:
            for row in s.scalars(select(HostLabel).order_by(HostLabel.id)):
                newest[(row.name, row.scope)] = sql.to_record(LabelRecord, row)
        return LabelIndex(newest)

    def current(self) -> list[LabelRecord]:
        """Every label in force, newest first."""
        live = [r for r in self.index().newest.values() if r.label != WITHDRAWN]
        return sorted(live, key=lambda r: (r.at, r.id), reverse=True)

    def labelled_leads(self) -> Iterator[tuple[LabelRecord, LeadRecord | None]]:
        """Each label in force with every lead it covers now (a host label covering no lead
        is given once with None; a domain label covering none is left out, as no page of it
        was judged): the rows of the exported labelled set."""
        from storage.leadquery import lead_records

        index = self.index()
        with self.db.session() as s:
            for rec in self.current():
                col = Lead.registered_domain if rec.scope == "domain" else Lead.host
                rows = s.scalars(select(Lead).where(col == rec.name).order_by(Lead.id)).all()
                covered = [r for r in rows if index.for_host(r.host) == rec]
                if not rows and rec.scope == "host":
                    yield rec, None
                for lead in lead_records(s, covered):
                    yield rec, lead


def apply_to_lead(s: Session, lead: Lead) -> None:
    """What a benign label does to a lead just judged again (inside the recording transaction):
    a new lead is dismissed at once, citing the decision; a dismissed one that now reads as a
    counterfeit — when it was not one at the time of the decision — is reopened for review and
    the label withdrawn, so a site that changes its content is not hidden by an old decision."""
    current = covering(s, lead.host)
    if current is None or current.label != "benign":
        return
    when = current.at.strftime("%Y-%m-%d")
    where = f"注册域名 {current.name}" if current.scope == "domain" else current.name
    if lead.status == "new":
        note = f"按 {current.user} 于 {when} 对 {where} 的标注（{current.reason}）自动排除"
        append_event(s, lead, user=SYSTEM_USER, action="dismiss", note=note, new_status="dismissed")
    elif (
        lead.status == "dismissed"
        and lead.verdict == "counterfeit"
        and current.verdict != "counterfeit"
    ):
        note = (
            f"{current.user} 于 {when} 将 {where} 标注为无关（{current.reason}），"
            f"现判定为仿冒（{lead.score} 分）：重新审核"
        )
        append_event(
            s, lead, user=SYSTEM_USER, action="reviewing", note=note, new_status="reviewing"
        )
        add_label(
            s, lead.host, WITHDRAWN, user=SYSTEM_USER, reason="resurfaced", note=note, lead=lead
        )
