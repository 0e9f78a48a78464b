"""Exports as the referral workflow needs them: one lead with its abuse contacts, campaign
and custody trail, recorded in the lead's audit trail; or a batch (a campaign, or every lead
confirmed in a month) as one package per lead plus an index of their hashes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pipelines.capture import sha256_file
from storage.records import iso
from storage.repository import Repository
from zhenwei.evidence.package import ExportError, ExportResult, build_package
from zhenwei.evidence.referral import EXPORT_ACTION, referral_facts


class AuditBrokenError(ExportError):
    """The lead's audit trail does not verify; exporting it needs `force`."""


@dataclass(frozen=True)
class Exported:
    lead_id: int
    result: ExportResult
    sha256: str
    #: the review hash chain as checked before the export (empty: intact)
    audit_problem: str = ""


def export_lead(
    repo: Repository,
    lead_id: int,
    out: Path,
    *,
    user: str,
    signing_key: Ed25519PrivateKey | None = None,
    chromium: str | None = None,
    batch: str = "",
    force: bool = False,
) -> Exported:
    """Write one lead's package and record the export (file, hash) in its audit trail; the
    next package of the lead lists it under custody. A broken audit trail refuses the export
    (AuditBrokenError) unless `force`: the package then says so and `verify` fails it."""
    from core.netpath.geoip import ip_info

    detail = repo.leads.get(lead_id)
    members = [repo.leads.get(i).lead for i in detail.campaign.lead_ids] if detail.campaign else []
    referral = referral_facts(detail, repo.db.artifacts.open, members=members, ip_owner=ip_info)
    audit = repo.reviews.verify_chain(lead_id)
    if not audit.ok and not force:
        raise AuditBrokenError(
            f"lead {lead_id}: the review audit trail is broken ({audit.reason}); "
            "nothing exported (--force exports anyway, marked as such)"
        )
    result = build_package(
        detail,
        repo.db.artifacts.open,
        out,
        audit=audit,
        signing_key=signing_key,
        chromium=chromium,
        referral=referral,
        forced=not audit.ok,
    )
    sha = sha256_file(out)
    note = f"导出证据包 {out.name}（SHA-256 {sha}，{result.files} 个文件"
    note += f"，{batch}）" if batch else "）"
    repo.reviews.add(lead_id, user=user, action=EXPORT_ACTION, note=note)
    return Exported(lead_id, result, sha, "" if audit.ok else audit.reason or "broken")


def confirmed_in_month(repo: Repository, month: str) -> list[int]:
    """Leads an analyst confirmed during the (Beijing-time) month."""
    from zhenwei.reports.monthly import month_bounds

    start, end = month_bounds(month)
    out = []
    for lead in repo.leads.find():
        if lead.status in ("new", "official"):
            continue
        confirmed = [r.at for r in repo.leads.get(lead.id).reviews if r.new_status == "confirmed"]
        if confirmed and start <= min(confirmed) < end:
            out.append(lead.id)
    return sorted(out)


def export_batch(
    repo: Repository,
    lead_ids: Sequence[int],
    out_dir: Path,
    *,
    user: str,
    label: str,
    signing_key: Ed25519PrivateKey | None = None,
    chromium: str | None = None,
    force: bool = False,
) -> list[Exported]:
    """One package per lead in `out_dir`, and `index.json` naming each with its hash."""
    if not force:  # refuse before writing anything, not half-way through the batch
        for lead_id in lead_ids:
            audit = repo.reviews.verify_chain(lead_id)
            if not audit.ok:
                raise AuditBrokenError(
                    f"lead {lead_id}: the review audit trail is broken ({audit.reason}); "
                    "nothing exported (--force exports anyway, marked as such)"
                )
    out_dir.mkdir(parents=True, exist_ok=True)
    done = []
    for lead_id in lead_ids:
        host = repo.leads.get(lead_id).lead.host
        # a post's key holds "/" and "?": the file name keeps only what a file system takes
        path = out_dir / f"lead-{lead_id}-{re.sub(r'[^A-Za-z0-9._-]+', '_', host)[:120]}.zip"
        done.append(
            export_lead(
                repo,
                lead_id,
                path,
                user=user,
                signing_key=signing_key,
                chromium=chromium,
                batch=f"批量导出：{label}",
                force=force,
            )
        )
    index = {
        "batch": label,
        "exported_at": iso(datetime.now(UTC)),
        "exported_by": user,
        "packages": [
            {
                "lead_id": e.lead_id,
                "file": e.result.path.name,
                "sha256": e.sha256,
                "files": e.result.files,
                "signed": e.result.signed,
            }
            for e in done
        ],
    }
    (out_dir / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return done
