"""The evidence store in an S3-compatible bucket, against a real S3 server on 127.0.0.1 (moto's
threaded server): round trip, dedup, tampering, a missing object, a store that is down, two
workers sharing one bucket, and `zhenwei export` / `verify` of evidence stored there."""

from __future__ import annotations

import asyncio
import io
import json
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from minio import Minio
from storage_pages import T0, png, scored
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from core.config import ConfigError, Settings
from core.s3config import S3Location
from crawler.context import RunContext
from pipelines.storage import RepositoryStore, StoragePipeline
from storage.artifacts import ArtifactError, StoreUnavailable
from storage.db import Database
from storage.models import Artifact
from storage.repository import Repository
from storage.s3store import S3Store
from zhenwei.cli import main

KEY_ID, SECRET = "zhenwei-test", "zhenwei-test-secret"


class S3Server:
    """moto's S3 on an ephemeral loopback port."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.client = Minio(
            f"{host}:{port}", access_key=KEY_ID, secret_key=SECRET, secure=False, region="us-east-1"
        )

    def bucket(self) -> str:
        name = f"evidence-{uuid.uuid4().hex[:12]}"
        self.client.make_bucket(name)
        return name

    def env(self, bucket: str, prefix: str = "zhenwei/evidence") -> dict[str, str]:
        return {
            "ZHENWEI_EVIDENCE_URL": f"s3://{bucket}/{prefix}",
            "ZHENWEI_S3_ENDPOINT": self.endpoint,
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET,
        }

    def store(self, bucket: str) -> S3Store:
        location = Settings.from_env(self.env(bucket)).evidence_s3
        assert location is not None
        return S3Store(location)

    def keys(self, bucket: str) -> list[str]:
        return sorted(o.object_name or "" for o in self.client.list_objects(bucket, recursive=True))

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    server = S3Server()
    yield server
    server.stop()


def count_uploads(store: S3Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    upload = store._upload

    def counted(digest: str, *args: object, **kwargs: object) -> None:
        sent.append(digest)
        upload(digest, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_upload", counted)
    return sent


def test_put_and_open_round_trip_under_ab_cd_sha(s3: S3Server, tmp_path: Path) -> None:
    bucket = s3.bucket()
    store = s3.store(bucket)
    assert store.location == f"s3://{bucket}/zhenwei/evidence"
    art = store.put(b"<html>evidence</html>", "text/html")
    assert art.path == f"{art.sha256[:2]}/{art.sha256[2:4]}/{art.sha256}"
    src = tmp_path / "capture.warc"
    src.write_bytes(b"WARC/1.1\r\n" * 700_000)  # 7 MB: sent in parts, whole when complete
    warc = store.put_file(src, "application/warc")
    assert warc.size == 7_000_000
    assert s3.keys(bucket) == sorted(f"zhenwei/evidence/{a.path}" for a in (art, warc))
    assert store.open(art.sha256) == b"<html>evidence</html>"
    assert store.open(warc.sha256) == src.read_bytes()
    assert store.exists(art.sha256) and store.exists(warc.sha256)
    stat = s3.client.stat_object(bucket, store.key(art.sha256))
    assert stat.content_type == "text/html"


def test_an_object_already_there_is_not_sent_again(
    s3: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = s3.bucket()
    store = s3.store(bucket)
    sent = count_uploads(store, monkeypatch)
    first = store.put(b"same bytes", "text/plain")
    again = store.put(b"same bytes", "text/plain")
    src = tmp_path / "same.txt"
    src.write_bytes(b"same bytes")
    from_file = store.put_file(src, "text/plain")
    assert first == again and from_file.sha256 == first.sha256
    assert sent == [first.sha256]
    # an object of the wrong size under the name (cut short by hand) is replaced
    s3.client.put_object(bucket, store.key(first.sha256), io.BytesIO(b"same"), 4)
    store.put(b"same bytes", "text/plain")
    assert sent == [first.sha256, first.sha256]
    assert store.open(first.sha256) == b"same bytes"


def test_tampered_object_is_refused(s3: S3Server) -> None:
    bucket = s3.bucket()
    store = s3.store(bucket)
    art = store.put(b"<html>original</html>", "text/html")
    forged = b"<html>forgery</html>!"
    s3.client.put_object(bucket, store.key(art.sha256), io.BytesIO(forged), len(forged))
    with pytest.raises(ArtifactError, match="altered"):
        store.open(art.sha256)


def test_missing_object_is_an_artifact_error(s3: S3Server) -> None:
    store = s3.store(s3.bucket())
    assert not store.exists("0" * 64)
    with pytest.raises(ArtifactError, match="missing from s3://"):
        store.open("0" * 64)
    with pytest.raises(ArtifactError, match="not a sha256"):
        store.open("../../etc/passwd")


def test_a_missing_bucket_is_a_store_failure_not_a_missing_artifact(s3: S3Server) -> None:
    store = s3.store(f"absent-{uuid.uuid4().hex[:12]}")
    with pytest.raises(StoreUnavailable, match="NoSuchBucket"):
        store.put(b"x", "text/plain")
    with pytest.raises(StoreUnavailable):
        store.open("0" * 64)


def test_a_stopped_server_is_a_typed_error_and_a_counted_storage_failure(
    tmp_path: Path,
) -> None:
    server = S3Server()
    bucket = server.bucket()
    env = {**server.env(bucket), "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    db = Database.from_settings(Settings.from_env(env))
    try:
        art = db.artifacts.put(b"stored while up", "text/plain")
        server.stop()
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="evidence store s3://") as err:
            db.artifacts.open(art.sha256)
        assert isinstance(err.value, OSError)
        assert time.monotonic() - started < 20  # bounded retries, no hang
        with pytest.raises(StoreUnavailable):
            db.artifacts.put(b"new", "text/plain")
        with pytest.raises(StoreUnavailable):
            db.artifacts.exists(art.sha256)

        # The crawl's storage pipeline counts it as a storage error and goes on.
        repo = Repository(db)
        context = RunContext(store=RepositoryStore(repo, run_id=None))
        crawler = SimpleNamespace(stats=None)  # the pipeline only reads the crawler's stats
        pipeline = StoragePipeline(crawler, context, context.store)  # type: ignore[arg-type]
        item = scored("down-mem.com", screenshot=png(1))
        assert asyncio.run(pipeline.process_item(item)) is item
        assert context.tally.errors == 1
        assert repo.leads.by_host("down-mem.com") is None  # nothing half-recorded
    finally:
        db.close()


def test_two_workers_share_one_bucket(
    s3: S3Server, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = s3.bucket()
    env = {**s3.env(bucket), "ZHENWEI_DATABASE_URL": database_url}
    dbs = [
        Database.from_settings(Settings.from_env({**env, "ZHENWEI_DATA_DIR": str(tmp_path / w)}))
        for w in ("worker-a", "worker-b")
    ]
    try:
        a, b = (Repository(db) for db in dbs)
        lead = a.leads.record(scored("shared-mem.com", favicon=png(7)), run_id=None)
        sent = count_uploads(dbs[1].artifacts, monkeypatch)  # type: ignore[arg-type]
        b.leads.record(scored("other-mem.com", favicon=png(7)), run_id=None)
        fav_a = b.leads.get(lead.id).captures[0].artifacts["favicon"]
        # worker b reads what worker a stored, and never sends the favicon they share
        assert dbs[1].artifacts.open(fav_a) == png(7)
        assert fav_a not in sent and sent
        assert not (tmp_path / "worker-a" / "artifacts").exists()
        assert not (tmp_path / "worker-b" / "artifacts").exists()
        assert a.count(Artifact) == len(s3.keys(bucket))
    finally:
        for db in dbs:
            db.close()


def write_warc(path: Path, url: str, body: bytes) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        resp = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=resp)
        )


def test_export_reads_evidence_back_from_the_bucket_and_verifies(
    s3: S3Server, tmp_path: Path
) -> None:
    bucket = s3.bucket()
    env = {**s3.env(bucket), "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    capture = tmp_path / "capture"
    capture.mkdir()
    item = scored("export-mem.com", screenshot=png(3), favicon=png(4))
    write_warc(capture / "capture.warc.gz", item.page.url, b"<html>served</html>")
    (capture / "page.json").write_text(json.dumps({"url": item.page.url}), "utf-8")
    item = replace(item, page=replace(item.page, capture_dir=str(capture)))

    db = Database.from_settings(Settings.from_env(env))
    try:
        # the crawl's own storage path: RepositoryStore, as the pipeline calls it
        stored = RepositoryStore(Repository(db), run_id=None).store(item, [])
        roles = Repository(db).leads.get(stored.lead_id).captures[0].artifacts
    finally:
        db.close()
    assert {"warc", "page_json", "screenshot", "favicon", "raw_html"} <= set(roles)
    assert s3.keys(bucket) == sorted(
        f"zhenwei/evidence/{sha[:2]}/{sha[2:4]}/{sha}" for sha in set(roles.values())
    )
    assert not (tmp_path / "data" / "artifacts").exists()

    out = tmp_path / "lead.zip"
    runner = CliRunner()
    result = runner.invoke(
        main, ["export", str(stored.lead_id), "--out", str(out), "--no-pdf"], env=env
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        warcs = [n for n in zf.namelist() if n.endswith(".warc.gz")]
        assert len(warcs) == 1
        assert zf.read(warcs[0]) == (capture / "capture.warc.gz").read_bytes()
    assert manifest["problems"] == []
    verified = runner.invoke(main, ["verify", str(out)])
    assert verified.exit_code == 0, verified.output


def test_export_with_the_store_down_fails_in_one_line(tmp_path: Path) -> None:
    server = S3Server()
    bucket = server.bucket()
    env = {**server.env(bucket), "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    db = Database.from_settings(Settings.from_env(env))
    try:
        lead = Repository(db).leads.record(scored("gone-mem.com"), run_id=None)
    finally:
        db.close()
    server.stop()
    out = tmp_path / "lead.zip"
    result = CliRunner().invoke(
        main, ["export", str(lead.id), "--out", str(out), "--no-pdf"], env=env
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a handled failure, not a crash
    assert "evidence store s3://" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ZHENWEI_EVIDENCE_URL": "https://bucket/x"}, "is not s3://bucket/prefix"),
        ({"ZHENWEI_EVIDENCE_URL": "s3://Bad_Bucket/x"}, "is not a bucket name"),
        ({"ZHENWEI_EVIDENCE_URL": "s3://bucket/a/../b"}, "may not contain"),
        ({"ZHENWEI_EVIDENCE_URL": "s3://bucket/x"}, "set ZHENWEI_S3_ENDPOINT"),
        (
            {"ZHENWEI_EVIDENCE_URL": "s3://bucket/x", "ZHENWEI_S3_ENDPOINT": "minio:9000"},
            "is not http(s)://host[:port]",
        ),
        (
            {"ZHENWEI_EVIDENCE_URL": "s3://bucket/x", "ZHENWEI_S3_ENDPOINT": "http://m:99999"},
            "bad port",
        ),
        (
            {"ZHENWEI_EVIDENCE_URL": "s3://bucket/x", "ZHENWEI_S3_ENDPOINT": "http://m/path"},
            "no path",
        ),
        (
            {"ZHENWEI_EVIDENCE_URL": "s3://bucket/x", "ZHENWEI_S3_ENDPOINT": "http://m:9000"},
            "AWS_ACCESS_KEY_ID",
        ),
        ({"ZHENWEI_S3_ENDPOINT": "http://m:9000"}, "ZHENWEI_EVIDENCE_URL"),
        (
            {"ZHENWEI_EVIDENCE_URL": "s3://bucket/x", "ZHENWEI_ARTIFACTS_DIR": "/srv/evidence"},
            "keep one",
        ),
    ],
)
def test_a_malformed_setting_is_a_config_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        Settings.from_env(env)
    assert message in str(err.value)


def test_settings_parse_an_s3_store_and_keep_the_secret_out_of_repr() -> None:
    s = Settings.from_env(
        {
            "ZHENWEI_EVIDENCE_URL": "s3://zw-evidence/prov/hb/",
            "ZHENWEI_S3_ENDPOINT": "https://[fd00::5]:9000/",
            "ZHENWEI_S3_REGION": "cn-north-1",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI",
        }
    )
    assert s.evidence_s3 == S3Location(
        bucket="zw-evidence",
        prefix="prov/hb",
        endpoint="[fd00::5]:9000",
        secure=True,
        access_key="AKIDEXAMPLE",
        secret_key="wJalrXUtnFEMI",
        region="cn-north-1",
    )
    assert s.evidence_s3.key("ab/cd/x") == "prov/hb/ab/cd/x"
    assert "wJalrXUtnFEMI" not in repr(s) and "AKIDEXAMPLE" not in repr(s)
    assert Settings.from_env({}).evidence_s3 is None


def test_a_local_store_run_never_imports_the_s3_client(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from core.config import Settings; from storage.db import Database; "
        f"db = Database.from_settings(Settings.from_env({{'ZHENWEI_DATA_DIR': {str(tmp_path)!r}}})); "
        "db.artifacts.put(b'x', 'text/plain'); "
        "assert 'minio' not in sys.modules and 'storage.s3store' not in sys.modules, 'imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_crawl_with_the_store_down_before_the_first_page_stops_in_one_line(
    tmp_path: Path,
) -> None:
    from core.signals import ReferenceCapture

    server = S3Server()
    env = {**server.env(server.bucket()), "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    db = Database.from_settings(Settings.from_env(env))
    try:
        ref = ReferenceCapture("https://cx.mem.gov.cn/", T0, "首页", "查询", screenshot_png=png(1))
        Repository(db).references.add("mem", ref)
    finally:
        db.close()
    server.stop()
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("http://cx-mem-gov.top/\n", "utf-8")
    args = ["crawl", "--sources", "seeds", "--seeds", str(seeds), "--no-progress"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a handled failure, not a crash
    assert "zhenwei crawl: evidence store s3://" in result.output


def test_review_ui_serves_evidence_from_the_bucket_and_503_when_it_is_down(
    tmp_path: Path,
) -> None:
    import re

    from starlette.testclient import TestClient

    from zhenwei.web import create_app

    server = S3Server()
    env = {**server.env(server.bucket()), "ZHENWEI_DATA_DIR": str(tmp_path / "data")}
    settings = Settings.from_env(env)
    db = Database.from_settings(settings)
    try:
        repo = Repository(db)
        lead = repo.leads.record(scored("ui-mem.com", screenshot=png(5)), run_id=None)
        cap = repo.leads.get(lead.id).captures[0]
        repo.users.add("li", "analyst", "analyst-pw-123")
    finally:
        db.close()
    url = f"/leads/{lead.id}/captures/{cap.id}/screenshot"
    app = create_app(settings, secret_key="test-secret-" + "x" * 32)
    try:
        with TestClient(app, follow_redirects=False) as client:
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
            assert token
            form = {"name": "li", "password": "analyst-pw-123", "csrf": token.group(1)}
            assert client.post("/login", data=form).status_code == 303
            r = client.get(url)
            assert r.status_code == 200 and r.content == png(5)
            server.stop()
            r = client.get(url)
            assert r.status_code == 503 and "证据存储" in r.text
    finally:
        server.stop()
