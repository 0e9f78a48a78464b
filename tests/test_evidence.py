"""Evidence packages end to end: real SQLite, real artifacts, real Chromium, `zhenwei export/verify`."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import stix2
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageDraw
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from core.config import Settings
from core.signals import ScoredPage, Signal
from core.types import DnsFacts, Page, RedirectHop, TlsFacts, WhoisFacts
from storage.db import Database
from storage.repository import Repository
from zhenwei.cli import main

HOST = "cx-mem-gov.top"
HOSTILE = "特种作业操作证查询</title><script>alert('x')</script>"
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
FAKE_PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"


def png(seed: int, size: tuple[int, int] = (320, 900)) -> bytes:
    img = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((10 + seed, 10, 200, 120), fill=(200, 20, 20))
    draw.ellipse((40, 300 + seed, 280, 600), fill=(20, 60, 200))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def write_warc(path: Path, url: str, body: bytes) -> Path:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", HOST)], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=req))
        resp = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=resp)
        )
    return path


def scored_page(at: datetime, seed: int) -> ScoredPage:
    html = f"<html><head><title>{HOSTILE}</title></head><body>请输入证件号码</body></html>"
    page = Page(
        url=f"http://{HOST}/",
        final_url=f"https://{HOST}/query",
        status=200,
        fetched_at=at,
        user_agent="Mozilla/5.0 test",
        redirects=(RedirectHop(f"http://{HOST}/", 302, f"https://{HOST}/query"),),
        raw_html=html,
        rendered_html=html.replace("</body>", "<div>rendered</div></body>"),
        title=HOSTILE,
        visible_text="特种作业操作证查询 请输入证件号码",
        screenshot_png=png(seed),
        viewport_png=png(seed + 1, (320, 240)),
        tls=TlsFacts(
            verified=False,
            error="self-signed",
            issuer="CN=Fake CA",
            subject=f"CN={HOST}",
            sans=(HOST,),
            not_before=T0 - timedelta(days=3),
            not_after=T0 + timedelta(days=87),
            pem=FAKE_PEM,
        ),
        dns=DnsFacts(
            host=HOST,
            a=("203.0.113.7",),
            ns=("ns1.evil-dns.top",),
            raw=f"; {at:%F}\n{HOST}. 300 IN A 203.0.113.7",
        ),
        whois=WhoisFacts(
            domain=HOST,
            server="127.0.0.1",
            registrar="Evil Registrar Ltd",
            created=T0 - timedelta(days=5),
            registrant="张三",
            registrant_country="CN",
            name_servers=("ns1.evil-dns.top",),
            raw=f"Domain Name: {HOST}\nRegistrar: Evil Registrar Ltd\n",
        ),
        timings={"fetch_ms": 12},
    )
    signals = (
        Signal(
            "title_match",
            "1.0",
            0.9,
            f"标题与官方平台相同：{HOSTILE}",
            {"title": HOSTILE},
            ("impersonation",),
        ),
        Signal("domain_lookalike", "1.2", 0.7, "域名仿冒 cx.mem.gov.cn", {"distance": 2}),
    )
    return ScoredPage(page, signals, 92, "counterfeit", ("impersonation",), target="mem")


class Built:
    def __init__(self, root: Path, lead_id: int, env: dict[str, str], zip_path: Path) -> None:
        self.root, self.lead_id, self.env, self.zip = root, lead_id, env, zip_path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("evidence")
    env = {"ZHENWEI_DATA_DIR": str(root / "data")}
    db = Database.from_settings(Settings.from_env(env))
    repo = Repository(db)
    lead_id = 0
    for i, at in enumerate((T0, T0 + timedelta(days=1))):
        warc = write_warc(
            root / f"c{i}.warc.gz", f"https://{HOST}/query", f"<html>{i}</html>".encode()
        )
        lead_id = repo.leads.record(
            scored_page(at, i), run_id=None, capture_files={"warc": warc}
        ).id
    repo.reviews.add(
        lead_id, user="analyst1", action="status", note="<b>确认仿冒</b>", new_status="reviewing"
    )
    repo.reviews.add(
        lead_id, user="analyst1", action="status", note="移交公安", new_status="confirmed"
    )
    db.close()
    out = root / "lead.zip"
    result = CliRunner().invoke(main, ["export", str(lead_id), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    return Built(root, lead_id, env, out)


def verify(path: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", str(path), *extra])
    return result.exit_code, result.output


def rewrite(
    src: Path,
    dst: Path,
    *,
    change: dict[str, bytes] | None = None,
    drop: str = "",
    add: dict[str, bytes] | None = None,
) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = (change or {}).get(info.filename, zin.read(info.filename))
            zout.writestr(info, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def test_package_layout_and_sha256sums(built: Built) -> None:
    with zipfile.ZipFile(built.zip) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        sums = zf.read("SHA256SUMS").decode()
        listed = {}
        for line in sums.splitlines():  # what `sha256sum -c SHA256SUMS` does
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest, name
            listed[name] = digest
        assert set(listed) == set(names) - {"SHA256SUMS"}
        manifest = json.loads(zf.read("manifest.json"))
    for suffix in (
        "screenshot.png",
        "viewport.png",
        "raw.html",
        "rendered.html",
        "capture.warc.gz",
        "whois.txt",
        "dns.txt",
        "tls.pem",
    ):
        assert sum(n.endswith("/" + suffix) for n in names) == 2, suffix
    assert {"report.html", "report.pdf", "stix.json", "manifest.json"} <= set(names)
    assert manifest["lead"]["host"] == HOST
    assert manifest["tool"]["name"] == "zhenwei"
    assert manifest["exported_at"].endswith("Z")
    assert manifest["audit_chain"]["ok"] is True and manifest["audit_chain"]["checked"] == 2
    assert [r["new_status"] for r in manifest["reviews"]] == ["reviewing", "confirmed"]
    assert len(manifest["captures"]) == 2
    assert {s["detector"]: s["version"] for s in manifest["captures"][0]["signals"]} == {
        "title_match": "1.0",
        "domain_lookalike": "1.2",
    }
    assert manifest["environment"]["report_chromium"]
    assert set(manifest["files"]) == set(names) - {"manifest.json", "SHA256SUMS"}
    assert any(n.startswith("captures/01-20250301T080000Z/") for n in names)


def test_verify_passes_on_untouched_package(built: Built) -> None:
    code, out = verify(built.zip)
    assert code == 0, out
    assert "校验通过" in out


def test_report_escapes_hostile_strings_and_is_self_contained(built: Built) -> None:
    with zipfile.ZipFile(built.zip) as zf:
        html = zf.read("report.html").decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "&lt;b&gt;确认仿冒" in html
    for heading in (
        "线索概况",
        "判定理由",
        "每次抓取",
        "域名注册与解析",
        "TLS",
        "审核记录",
        "证据文件清单",
        "说明",
    ):
        assert heading in html, heading
    assert "仿冒" in html and "北京时间" in html and "Evil Registrar Ltd" in html
    assert "title_match 1.0" in html
    assert "data:image/jpeg;base64," in html
    assert 'http-equiv="Content-Security-Policy"' in html
    assert 'src="http' not in html and 'href="http' not in html


def test_pdf_is_a_real_pdf(built: Built) -> None:
    with zipfile.ZipFile(built.zip) as zf:
        pdf = zf.read("report.pdf")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000


def test_stix_bundle_parses_with_domain_observable(built: Built) -> None:
    with zipfile.ZipFile(built.zip) as zf:
        bundle = stix2.parse(zf.read("stix.json").decode(), allow_custom=False)
    types = {o.type: o for o in bundle.objects}
    assert {
        "identity",
        "observed-data",
        "indicator",
        "note",
        "domain-name",
        "url",
        "ipv4-addr",
    } <= set(types)
    domains = [o for o in bundle.objects if o.type == "domain-name"]
    assert [d.value for d in domains] == [HOST]
    observed = types["observed-data"]
    assert domains[0].id in observed.object_refs
    assert HOST in types["indicator"].pattern
    assert "仿冒" in types["note"].abstract


def test_warc_in_package_is_readable(built: Built) -> None:
    with zipfile.ZipFile(built.zip) as zf:
        warcs = [n for n in zf.namelist() if n.endswith("capture.warc.gz")]
        assert len(warcs) == 2
        kinds = [r.rec_type for r in ArchiveIterator(io.BytesIO(zf.read(warcs[0])))]
    assert kinds == ["request", "response"]


def test_changed_byte_fails_and_names_the_file(built: Built, tmp_path: Path) -> None:
    with zipfile.ZipFile(built.zip) as zf:
        html = bytearray(zf.read("report.html"))
    html[200] ^= 0x01
    bad = rewrite(built.zip, tmp_path / "bad.zip", change={"report.html": bytes(html)})
    code, out = verify(bad)
    assert code == 1
    assert "report.html" in out and "校验失败" in out


def test_removed_file_fails(built: Built, tmp_path: Path) -> None:
    with zipfile.ZipFile(built.zip) as zf:
        shot = next(n for n in zf.namelist() if n.endswith("screenshot.png"))
    code, out = verify(rewrite(built.zip, tmp_path / "bad.zip", drop=shot))
    assert code == 1
    assert shot in out


def test_added_file_fails(built: Built, tmp_path: Path) -> None:
    code, out = verify(rewrite(built.zip, tmp_path / "bad.zip", add={"extra.txt": b"planted"}))
    assert code == 1
    assert "extra.txt" in out


def test_edited_manifest_with_recomputed_sums_still_fails(built: Built, tmp_path: Path) -> None:
    # A forger who edits the report and rewrites SHA256SUMS is caught by manifest.json.
    with zipfile.ZipFile(built.zip) as zf:
        html = zf.read("report.html").replace(HOST.encode(), b"innocent.example", 1)
        sums = zf.read("SHA256SUMS").decode().splitlines()
    fixed = [
        f"{hashlib.sha256(html).hexdigest()}  report.html"
        if line.endswith("  report.html")
        else line
        for line in sums
    ]
    bad = rewrite(
        built.zip,
        tmp_path / "bad.zip",
        change={"report.html": html, "SHA256SUMS": ("\n".join(fixed) + "\n").encode()},
    )
    code, out = verify(bad)
    assert code == 1
    assert "report.html" in out and "manifest.json" in out


def _key(path: Path) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    priv = path.with_suffix(".key.pem")
    pub = path.with_suffix(".pub.pem")
    priv.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pub.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return priv, pub


def test_signed_export_verifies_only_with_the_right_key(built: Built, tmp_path: Path) -> None:
    priv, pub = _key(tmp_path / "unit")
    _, other_pub = _key(tmp_path / "other")
    out = tmp_path / "signed.zip"
    env = {**built.env, "ZHENWEI_SIGNING_KEY": str(priv)}
    result = CliRunner().invoke(
        main, ["export", str(built.lead_id), "--out", str(out), "--no-pdf"], env=env
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        assert {"manifest.json.sig", "manifest.pub.pem"} <= set(zf.namelist())
    code, text = verify(out, "--public-key", str(pub))
    assert code == 0, text
    assert "签名有效" in text
    code, text = verify(out, "--public-key", str(other_pub))
    assert code == 1
    assert "manifest.json.sig" in text
    # The unsigned package does not pass when a signature is required.
    code, text = verify(built.zip, "--public-key", str(pub))
    assert code == 1
    assert "signature was required" in text


def test_export_of_missing_lead_fails_clearly(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "none.zip"
    result = CliRunner().invoke(main, ["export", "9999", "--out", str(out)], env=built.env)
    assert result.exit_code == 1
    assert "no lead with id 9999" in result.output
    assert not out.exists()


def test_altered_artifact_in_store_is_left_out_and_named(built: Built, tmp_path: Path) -> None:
    db = Database.from_settings(Settings.from_env(built.env))
    try:
        detail = Repository(db).leads.get(built.lead_id)
        sha = detail.captures[0].artifacts["dns"]
        path = db.artifacts.path(sha)
        original = path.read_bytes()
        path.write_bytes(original + b"tampered")
        try:
            out = tmp_path / "partial.zip"
            result = CliRunner().invoke(
                main, ["export", str(built.lead_id), "--out", str(out), "--no-pdf"], env=built.env
            )
        finally:
            path.write_bytes(original)
    finally:
        db.close()
    assert result.exit_code == 0, result.output
    assert "was altered" in result.output
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert sum(n.endswith("/dns.txt") for n in zf.namelist()) == 1
    assert any("dns" in p for p in manifest["problems"])
    assert verify(out)[0] == 0
