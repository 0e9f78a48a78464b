"""Build the evidence zip for one lead (ARCHITECTURE §7): files, report, STIX, manifest, sums."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core import __version__
from storage.artifacts import ArtifactError
from storage.records import AuditResult, CaptureRecord, LeadDetail, iso
from zhenwei.evidence import misp, report, stix
from zhenwei.evidence.referral import Referral
from zhenwei.evidence.verify import MANIFEST, PUBLIC_KEY, SIGNATURE, SUMS, key_fingerprint

log = logging.getLogger(__name__)

FORMAT = "zhenwei-evidence/1"
ROLE_FILES = {
    "screenshot": "screenshot.png",
    "viewport": "viewport.png",
    "raw_html": "raw.html",
    "rendered_html": "rendered.html",
    "whois": "whois.txt",
    "dns": "dns.txt",
    "tls_certificate": "tls.pem",
    "page_json": "page.json",
}
# Already-compressed formats are stored as they are.
_STORED_SUFFIXES = (".png", ".gz", ".jpg", ".pdf", ".ico", ".gif", ".webp")


class ExportError(Exception):
    """The package could not be built (the reason is in the message)."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    files: int
    signed: bool
    problems: tuple[str, ...]


def load_signing_key(pem: bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from unencrypted PEM; ExportError otherwise."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ExportError(f"signing key unreadable: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ExportError("signing key is not an Ed25519 private key")
    return key


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "x"


def role_filename(role: str, data: bytes) -> str:
    """The file name of an artifact role inside a capture folder."""
    if role in ROLE_FILES:
        return ROLE_FILES[role]
    if role == "warc":
        return "capture.warc.gz" if data[:2] == b"\x1f\x8b" else "capture.warc"
    if role == "favicon":
        return "favicon" + _image_ext(data)
    if role.startswith("variant:") and role.endswith(":raw_html"):
        return f"variant-{_safe(role[len('variant:') : -len(':raw_html')])}.raw.html"
    return _safe(role)


def _image_ext(data: bytes) -> str:
    from storage.pagedata import image_type

    return {
        "image/png": ".png",
        "image/x-icon": ".ico",
        "image/gif": ".gif",
        "image/jpeg": ".jpg",
        "image/webp": ".webp",
        "image/svg+xml": ".svg",
    }.get(image_type(data), ".bin")


def _capture_dir(number: int, cap: CaptureRecord) -> str:
    at = cap.fetched_at.astimezone(UTC) if cap.fetched_at.tzinfo else cap.fetched_at
    return f"captures/{number:02d}-{at:%Y%m%dT%H%M%SZ}"


def _capture_json(cap: CaptureRecord, files: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": cap.id,
        "key": cap.key,
        "url": cap.url,
        "final_url": cap.final_url,
        "status": cap.status,
        "fetched_at": iso(cap.fetched_at),
        "user_agent": cap.user_agent,
        "title": cap.title,
        "score": cap.score,
        "verdict": cap.verdict,
        "categories": list(cap.categories),
        "target": cap.target,
        "error": cap.error,
        "errors": list(cap.errors),
        "source": cap.source,
        "timings": cap.timings,
        "redirects": cap.redirects,
        "headers": cap.headers,
        "resources": cap.resources,
        "variants": cap.variants,
        "facts": cap.facts,
        "infra": cap.infra,
        "artifacts": {
            role: {"sha256": sha, "path": files.get(role)}
            for role, sha in sorted(cap.artifacts.items())
        },
        "signals": [
            {
                "detector": s.detector,
                "version": s.version,
                "score": s.score,
                "reason": s.reason,
                "details": s.details,
                "categories": list(s.categories),
                "official": s.official,
            }
            for s in cap.signals
        ],
    }


def build_package(
    detail: LeadDetail,
    open_artifact: Callable[[str], bytes],
    out: Path,
    *,
    audit: AuditResult,
    exported_at: datetime | None = None,
    signing_key: Ed25519PrivateKey | None = None,
    chromium: str | None = "/usr/bin/chromium",
    referral: Referral | None = None,
    forced: bool = False,
) -> ExportResult:
    """Write the evidence zip for `detail` to `out`; `chromium=None` leaves the PDF out.

    An artifact that is missing or no longer matches its hash is left out and named in the
    manifest and report: the rest of the evidence is still worth handing over.
    """
    exported_at = (exported_at or datetime.now(UTC)).astimezone(UTC)
    files: dict[str, bytes] = {}
    problems: list[str] = []
    capture_files: list[dict[str, str]] = []
    screenshots: list[bytes | None] = []
    n = len(detail.captures)
    for i, cap in enumerate(detail.captures):
        folder = _capture_dir(n - i, cap)  # numbered oldest first
        paths: dict[str, str] = {}
        shot: bytes | None = None
        for role, sha in sorted(cap.artifacts.items()):
            try:
                data = open_artifact(sha)
            except ArtifactError as exc:
                problems.append(f"capture {cap.id} {role}: {exc}")
                log.warning("capture %s artifact %s left out: %s", cap.id, role, exc)
                continue
            path = f"{folder}/{role_filename(role, data)}"
            files[path] = data
            paths[role] = path
            if role == "screenshot" or (role == "viewport" and shot is None):
                shot = data
        capture_files.append(paths)
        screenshots.append(shot)

    stix_bytes = stix.bundle_json(
        stix.build_bundle(detail, tool_version=__version__, created=exported_at)
    )
    files["stix.json"] = stix_bytes
    files["misp.json"] = misp.event_json(
        misp.build_event(
            detail, created=exported_at, campaign=referral.campaign if referral else None
        )
    )
    fingerprint = key_fingerprint(signing_key.public_key()) if signing_key else None
    html = report.render_html(
        detail,
        tool_version=__version__,
        exported_at=exported_at,
        audit=audit,
        capture_files=capture_files,
        screenshots=screenshots,
        files={p: _sha(d) for p, d in files.items()},
        problems=problems,
        signing_fingerprint=fingerprint,
        referral=referral,
    )
    files["report.html"] = html.encode("utf-8")
    chromium_version = None
    if chromium is not None:
        try:
            files["report.pdf"], chromium_version = report.render_pdf(html, chromium=chromium)
        except report.PdfError as exc:
            raise ExportError(str(exc)) from exc

    manifest = {
        "format": FORMAT,
        "tool": {"name": "zhenwei", "version": __version__},
        "exported_at": iso(exported_at),
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "report_chromium": chromium_version,
        },
        "lead": {
            **detail.lead.to_json(),
            "sources": [
                {
                    "source": s.source,
                    "first_found": iso(s.first_found),
                    "last_found": iso(s.last_found),
                    "context": s.context,
                }
                for s in detail.sources
            ],
        },
        "campaign": (
            {
                "id": detail.campaign.id,
                "label": detail.campaign.label,
                "lead_ids": list(detail.campaign.lead_ids),
                "links": detail.campaign.links,
            }
            if detail.campaign
            else None
        ),
        **(referral.to_json() if referral is not None else {}),
        "captures": [_capture_json(c, capture_files[i]) for i, c in enumerate(detail.captures)],
        "reviews": [
            {
                "user": r.user,
                "action": r.action,
                "note": r.note,
                "old_status": r.old_status,
                "new_status": r.new_status,
                "at": iso(r.at),
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            }
            for r in detail.reviews
        ],
        "audit_chain": {
            "ok": audit.ok,
            "checked": audit.checked,
            "reason": audit.reason,
            # exported over a broken trail on purpose (`export --force`); `verify` fails it
            "forced_export": forced,
        },
        "problems": problems,
        "signing_key_fingerprint": fingerprint,
        "files": {p: _sha(d) for p, d in sorted(files.items())},
    }
    manifest_bytes = json.dumps(
        manifest, ensure_ascii=False, indent=2, sort_keys=True, default=str
    ).encode("utf-8")
    files[MANIFEST] = manifest_bytes
    if signing_key is not None:
        files[SIGNATURE] = signing_key.sign(manifest_bytes)
        files[PUBLIC_KEY] = signing_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    files[SUMS] = "".join(f"{_sha(d)}  {p}\n" for p, d in sorted(files.items())).encode("utf-8")
    _write_zip(out, files, exported_at)
    return ExportResult(out, len(files), signing_key is not None, tuple(problems))


def _write_zip(out: Path, files: Mapping[str, bytes], at: datetime) -> None:
    """Sorted entries with one timestamp, so the same export gives the same zip layout."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    stamp = at.timetuple()[:6]
    with zipfile.ZipFile(tmp, "w") as zf:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = (
                zipfile.ZIP_STORED if path.endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[path])
    tmp.replace(out)  # never leave a half-written package under the final name
