"""Seed lists, 12345 hotline tips and QR photos → candidates; bad lines → failures."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from core.config import Settings
from core.profiles import TargetProfile
from core.urls import find_urls
from crawler.sources.base import SourceContext, SourceResult
from crawler.sources.seeds import SeedsSource, parse_beijing_time
from crawler.sources.state import SourceState

QR_DIR = Path(__file__).parent / "fixtures" / "qr"
sys.path.insert(0, str(QR_DIR))
from generate import certificate_photo  # noqa: E402

MEM = TargetProfile(
    key="mem",
    name="特种作业操作证及安全生产知识和管理能力考核合格信息查询平台",
    owner="应急管理部",
    official_hosts=("cx.mem.gov.cn",),
    registrable_domains=("mem.gov.cn",),
    names_zh=("特种作业操作证查询",),
    pinyin=("yingji",),
    abbreviations=("tzzy",),
    service_words=("cx",),
    reference_urls=("http://cx.mem.gov.cn/",),
    brand_labels=("mem",),
)
NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def run(tmp_path: Path, *paths: Path) -> SourceResult:
    ctx = SourceContext(
        settings=Settings(data_dir=tmp_path),
        profiles=(MEM,),
        state=SourceState.under(tmp_path),
        now=NOW,
        seed_paths=paths,
    )
    return asyncio.run(SeedsSource().collect(ctx))


def urls(result: SourceResult) -> list[str]:
    return [c.url for c in result.candidates]


def test_plain_text_list(tmp_path: Path) -> None:
    f = tmp_path / "seeds.txt"
    f.write_text(
        "# analyst list, May\n"
        "\n"
        "cx-mem-gov.cn\n"
        "https://tzzy-cx.com/verify?id=1#top   # from a WeChat group\n"
        "ftp://files.example.com/x\n"
        "not a url at all\n"
        "http://cx.mem.gov.cn/\n"
        "ｗｗｗ．ｍｅｍｃｘ．ｔｏｐ\n"
        "cx-mem-gov.cn\n"
        "bad_host!.com\n",
        "utf-8",
    )
    result = run(tmp_path, f)
    assert urls(result) == [
        "http://cx-mem-gov.cn/",
        "https://tzzy-cx.com/verify?id=1",
        "http://www.memcx.top/",
    ]
    assert all(c.source == "seeds" and c.found_at == NOW for c in result.candidates)
    assert result.candidates[1].context["line"] == 4
    details = [f.detail for f in result.failures]
    assert [d.split(": ")[0] for d in details] == [f"{f}:5", f"{f}:6", f"{f}:10"]
    assert "ftp" in result.failures[0].reason
    assert "第6行" in result.failures[1].reason
    assert result.stats["official_skipped"] == 1


def test_url_csv_with_note_and_gbk(tmp_path: Path) -> None:
    f = tmp_path / "list.csv"
    f.write_bytes(
        "url,note\ncx-mem-gov.cn/index,同事转来\nhttp://,空的\nmemgov.xyz,\n".encode("gbk")
    )
    result = run(tmp_path, f)
    assert urls(result) == ["http://cx-mem-gov.cn/index", "http://memgov.xyz/"]
    assert result.candidates[0].context["note"] == "同事转来"
    assert len(result.failures) == 1 and f"{f}:3" in result.failures[0].detail
    assert "缺少主机名" in result.failures[0].reason


def test_hotline_tips(tmp_path: Path) -> None:
    f = tmp_path / "12345.csv"
    f.write_text(
        "工单编号,时间,来电人,内容\n"
        "GD20260301001,2026-03-01 14:22,王女士,市民反映在网站 ｃｘ－ｍｅｍ－ｇｏｖ．ｃｎ 查到了自己从未考过的证书\n"
        "GD20260301002,2026年3月2日 09:05,李先生,朋友发来链接http://tzzy-cx.com/q?id=99，说免考包过\n"
        "GD20260301003,2026/03/03 23:59,匿名,卖证的网址是 zscx点mem-gov点top 请查处\n"
        "GD20260301004,2026-03-04 10:00,张先生,只说有人卖假证，没有网址\n"
        "GD20260301005,昨天下午,赵先生,网址 memgov.vip\n"
        "GD20260301006,2026-03-06 10:00\n",
        "utf-8",
    )
    result = run(tmp_path, f)
    assert urls(result) == [
        "http://cx-mem-gov.cn/",
        "http://tzzy-cx.com/q?id=99",
        "http://zscx.mem-gov.top/",
        "http://memgov.vip/",
    ]
    first = result.candidates[0].context
    assert first["tip_id"] == "GD20260301001" and first["reporter"] == "王女士"
    assert first["reported_at"] == "2026-03-01T06:22:00+00:00"  # Beijing 14:22 = 06:22 UTC
    assert result.candidates[2].context["reported_at"] == "2026-03-03T15:59:00+00:00"
    assert result.candidates[1].context["reported_at"] == "2026-03-02T01:05:00+00:00"
    assert "reported_at" not in result.candidates[3].context
    reasons = " | ".join(x.reason for x in result.failures)
    assert "GD20260301004" in reasons  # tip without a URL is reported, not dropped silently
    assert "昨天下午" in reasons  # unreadable time reported, the tip still kept
    assert "第7行列数" in reasons
    assert result.stats["tips"] == 5


def test_csv_without_known_columns(tmp_path: Path) -> None:
    f = tmp_path / "odd.csv"
    f.write_text("a,b\n1,2\n", "utf-8")
    result = run(tmp_path, f)
    assert result.candidates == () and "表头" in result.failures[0].reason


def test_qr_photos_and_directories(tmp_path: Path) -> None:
    d = tmp_path / "tips"
    d.mkdir()
    (d / "card.jpg").write_bytes(
        certificate_photo(["http://cx-mem-gov.cn/r?no=T1"], rotate=15, blur=1.5)
    )
    (d / "official.jpg").write_bytes(certificate_photo(["http://cx.mem.gov.cn/"]))
    (d / "text.png").write_bytes(certificate_photo(["加微信 zhengshu888 办证"], jpeg_quality=None))
    (d / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    result = run(tmp_path, d, tmp_path / "missing.txt")
    assert urls(result) == ["http://cx-mem-gov.cn/r?no=T1"]
    assert result.candidates[0].context["file"].endswith("card.jpg")
    reasons = [x.reason for x in result.failures]
    assert "二维码图片无法读取" in reasons
    assert any(r.startswith("二维码内容不是可访问的网址") for r in reasons)
    assert "种子文件不存在或无法读取" in reasons
    assert result.stats["official_skipped"] == 1


def test_text_extraction_forms() -> None:
    def found(text: str) -> list[str]:
        return [f.url for f in find_urls(text)]

    assert found("网址cxmem点com，说是官网") == ["http://cxmem.com/"]
    assert found("下午3点打电话，www点cxmem点top/q?id=1") == ["http://www.cxmem.top/q?id=1"]
    assert found("邮箱 123@qq.com 不算") == []
    assert found("访问http://cx-mem-gov.cn查询，说有效") == ["http://cx-mem-gov.cn/"]
    assert found("见hxxp://tzzy-cx[.]com/a 和 report.pdf") == ["http://tzzy-cx.com/a"]
    assert found("是http://证书查询.top/x?a=1。谢谢") == ["http://xn--1jq843d2lz3da.top/x?a=1"]


def test_beijing_time() -> None:
    assert parse_beijing_time("2026-01-01 00:30") == datetime(2025, 12, 31, 16, 30, tzinfo=UTC)
    assert parse_beijing_time("2026-01-01T00:30:00+00:00") == datetime(
        2026, 1, 1, 0, 30, tzinfo=UTC
    )
