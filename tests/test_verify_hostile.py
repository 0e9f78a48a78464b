"""Finding 4 of issue 9 (and the export side of finding 3): `verify` must neither be fooled
by a crafted zip nor exhausted by one, must say when authorship is unverified, and a package
exported over a broken audit trail must never pass."""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from test_evidence import T0, _key, scored_page, write_warc

from core.config import Settings
from storage.db import Database
from storage.repository import Repository
from zhenwei.cli import main

META = {"manifest.json", "SHA256SUMS", "manifest.json.sig", "manifest.pub.pem"}


def _seed(data_dir: Path, root: Path) -> int:
    db = Database.from_settings(Settings.from_env({"ZHENWEI_DATA_DIR": str(data_dir)}))
    repo = Repository(db)
    warc = write_warc(root / "c.warc.gz", "https://cx-mem-gov.top/query", b"<html>0</html>")
    lead_id = repo.leads.record(scored_page(T0, 0), run_id=None, capture_files={"warc": warc}).id
    repo.reviews.add(lead_id, user="li", action="status", new_status="reviewing")
    repo.reviews.add(lead_id, user="li", action="status", new_status="confirmed", note="确认")
    db.close()
    return lead_id


def _export(env: dict[str, str], lead_id: int, out: Path, *extra: str) -> tuple[int, str]:
    r = CliRunner().invoke(
        main, ["export", str(lead_id), "--out", str(out), "--no-pdf", *extra], env=env
    )
    return r.exit_code, r.output


def _verify(path: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    r = CliRunner().invoke(main, ["verify", str(path), *extra], env=env or {})
    return r.exit_code, r.output


class Unit:
    def __init__(
        self, root: Path, env: dict[str, str], lead_id: int, plain: Path, signed: Path, pub: Path
    ) -> None:
        self.root, self.env, self.lead_id = root, env, lead_id
        self.plain, self.signed, self.pub = plain, signed, pub


@pytest.fixture(scope="module")
def unit(tmp_path_factory: pytest.TempPathFactory) -> Unit:
    root = tmp_path_factory.mktemp("hostile")
    env = {"ZHENWEI_DATA_DIR": str(root / "data")}
    lead_id = _seed(root / "data", root)
    plain = root / "plain.zip"
    assert _export(env, lead_id, plain)[0] == 0
    priv, pub = _key(root / "unit")
    signed = root / "signed.zip"
    code, out = _export({**env, "ZHENWEI_SIGNING_KEY": str(priv)}, lead_id, signed)
    assert code == 0, out
    return Unit(root, env, lead_id, plain, signed, pub)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def forge(
    src: Path,
    dst: Path,
    mutate: Callable[[dict[str, bytes]], None],
    *,
    attrs: dict[str, int] | None = None,
    signer: Ed25519PrivateKey | None = None,
) -> Path:
    """Rewrite a package as a careful forger would: after `mutate`, manifest and SHA256SUMS
    are made to agree with the new entries (and re-signed by `signer`, if any)."""
    with zipfile.ZipFile(src) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    mutate(files)
    for name in ("manifest.json.sig", "manifest.pub.pem"):
        files.pop(name, None)
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = {n: _sha(d) for n, d in files.items() if n not in META}
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    if signer is not None:
        files["manifest.json.sig"] = signer.sign(files["manifest.json"])
        files["manifest.pub.pem"] = signer.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    files.pop("SHA256SUMS", None)
    files["SHA256SUMS"] = "".join(f"{_sha(d)}  {n}\n" for n, d in sorted(files.items())).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2025, 3, 1, 0, 0, 0))
            info.external_attr = (attrs or {}).get(name, 0o644 << 16)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return dst


def test_forger_helper_makes_a_passing_package(unit: Unit, tmp_path: Path) -> None:
    """The control: without a structural trick, `forge` output passes, so each test below
    fails for its trick alone."""
    out = forge(unit.plain, tmp_path / "same.zip", lambda f: None)
    code, text = _verify(out)
    assert code == 0, text


def test_backslash_name_fails(unit: Unit, tmp_path: Path) -> None:
    out = forge(unit.plain, tmp_path / "bs.zip", lambda f: f.update({"captures\\..\\x.txt": b"x"}))
    code, text = _verify(out)
    assert code == 1 and "backslash" in text


def test_symlink_entry_fails(unit: Unit, tmp_path: Path) -> None:
    out = forge(
        unit.plain,
        tmp_path / "ln.zip",
        lambda f: f.update({"captures/link.txt": b"/etc/passwd"}),
        attrs={"captures/link.txt": 0o120777 << 16},
    )
    code, text = _verify(out)
    assert code == 1 and "symbolic link" in text


def test_directory_entry_with_data_fails(unit: Unit, tmp_path: Path) -> None:
    out = forge(
        unit.plain, tmp_path / "dir.zip", lambda f: f.update({"captures/hidden#": b"A" * 14_000})
    )
    raw = out.read_bytes()
    assert raw.count(b"captures/hidden#") == 2  # local header and central directory
    out.write_bytes(raw.replace(b"captures/hidden#", b"captures/hidden/"))
    with zipfile.ZipFile(out) as zf:
        assert zf.getinfo("captures/hidden/").file_size == 14_000
    code, text = _verify(out, "--public-key", str(unit.pub))
    assert code == 1 and "captures/hidden/" in text


def test_prepended_data_and_comment_fail(unit: Unit, tmp_path: Path) -> None:
    pre = tmp_path / "pre.zip"
    pre.write_bytes(b"MZ" + b"\0" * 4096 + unit.plain.read_bytes())
    code, text = _verify(pre)
    assert code == 1 and "prepended" in text
    commented = tmp_path / "comment.zip"
    commented.write_bytes(unit.plain.read_bytes())
    with zipfile.ZipFile(commented, "a") as zf:
        zf.comment = b"<script>alert(1)</script>"
    code, text = _verify(commented)
    assert code == 1 and "comment" in text


def test_authorship_unverified_without_a_trusted_key(unit: Unit, tmp_path: Path) -> None:
    attacker = Ed25519PrivateKey.generate()
    resigned = forge(
        unit.signed,
        tmp_path / "resigned.zip",
        lambda f: f.update({"stix.json": b"{}"}),
        signer=attacker,
    )
    stripped = forge(unit.signed, tmp_path / "stripped.zip", lambda f: None)
    for pkg in (resigned, stripped):
        code, text = _verify(pkg)
        assert "作者身份未验证" in text, text
        code, text = _verify(pkg, "--require-signature")
        assert code == 1, text
        trusted = {"ZHENWEI_TRUSTED_KEYS": str(unit.pub)}
        code, text = _verify(pkg, env=trusted)
        assert code == 1, text
    code, text = _verify(
        unit.signed, "--require-signature", env={"ZHENWEI_TRUSTED_KEYS": str(unit.pub)}
    )
    assert code == 0 and "受信任" in text, text


def test_keys_init_makes_a_usable_pair(unit: Unit, tmp_path: Path) -> None:
    env = {**unit.env, "ZHENWEI_DATA_DIR": str(tmp_path / "d")}
    r = CliRunner().invoke(main, ["keys", "init"], env=env)
    assert r.exit_code == 0, r.output
    priv = tmp_path / "d" / "keys" / "signing.key.pem"
    pub = tmp_path / "d" / "keys" / "signing.pub.pem"
    assert priv.stat().st_mode & 0o777 == 0o600
    assert CliRunner().invoke(main, ["keys", "init"], env=env).exit_code == 1  # never overwritten
    out = tmp_path / "k.zip"
    assert _export({**unit.env, "ZHENWEI_SIGNING_KEY": str(priv)}, unit.lead_id, out)[0] == 0
    code, text = _verify(out, "--require-signature", env={"ZHENWEI_TRUSTED_KEYS": str(pub)})
    assert code == 0, text


@pytest.fixture(scope="module")
def bomb(unit: Unit) -> Path:
    """A few-MB package with one entry inflating to 2 GiB (listed nowhere: it need not be)."""
    path = unit.root / "bomb.zip"
    path.write_bytes(unit.plain.read_bytes())
    block = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "a") as zf:
        info = zipfile.ZipInfo("captures/bomb.bin", date_time=(2025, 3, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as w:
            for _ in range(2048):
                w.write(block)
    assert path.stat().st_size < 8 << 20
    return path


def _limit_memory() -> None:
    limit = 1536 << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_zip_bomb_is_refused_within_a_memory_limit(bomb: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "zhenwei.cli", "verify", str(bomb)],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_limit_memory,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert "captures/bomb.bin" in proc.stderr


def test_export_refuses_a_broken_audit_trail_unless_forced(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"ZHENWEI_DATA_DIR": str(data)}
    lead_id = _seed(data, tmp_path)
    db = Database.from_settings(Settings.from_env(env))
    with db.session(write=True) as s:
        s.execute(text("UPDATE lead SET status = 'dismissed'"))
    db.close()
    out = tmp_path / "refused.zip"
    code, text_ = _export(env, lead_id, out)
    assert code == 1 and not out.exists(), text_
    code, text_ = _export(env, lead_id, out, "--force")
    assert code == 0 and out.exists(), text_
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["audit_chain"]["ok"] is False and manifest["audit_chain"]["forced_export"]
    code, text_ = _verify(out)
    assert code == 1 and "audit" in text_
