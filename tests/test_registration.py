"""Registration/hosting detector: WHOIS, IP country/ASN (offline geoip2fast), TLS, ICP."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "pages"))
import pagekit as kit  # noqa: E402

from core.netpath.geoip import ip_info  # noqa: E402
from core.signals import Lookups  # noqa: E402
from core.types import DnsFacts, TlsFacts, WhoisFacts  # noqa: E402
from detectors.registration import detector, registered_domain  # noqa: E402

REF = kit.reference()
NOW = kit.FETCHED


def young_whois(domain: str) -> WhoisFacts:
    created = NOW - timedelta(days=12)
    return WhoisFacts(
        domain=domain,
        server="whois.test",
        registrar="NameSilo, LLC",
        created=created,
        expires=created + timedelta(days=365),
        privacy=True,
        registrant="REDACTED FOR PRIVACY",
    )


def old_whois(domain: str) -> WhoisFacts:
    return WhoisFacts(
        domain=domain,
        server="whois.cnnic.cn",
        registrar="阿里云计算有限公司（万网）",
        created=datetime(2012, 3, 1, tzinfo=UTC),
        expires=datetime(2030, 3, 1, tzinfo=UTC),
    )


def dns_for(ip: str):
    return lambda host: DnsFacts(host=host, a=(ip,), ns=("ns1.dnsowl.com",))


HK = Lookups(dns=dns_for("47.242.10.21"), whois=young_whois, geoip=ip_info)
CN = Lookups(dns=dns_for("202.108.22.5"), whois=old_whois, geoip=ip_info)


def run(url, name, lookups, **kw):
    return detector.detect(kit.page(url, kit.html(name), **kw), REF, lookups)


def find(signals, word):
    return [s for s in signals if word in s.reason]


def test_metadata():
    assert detector.name == "registration" and detector.version
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detector.description)


def test_registered_domain_uses_public_suffixes():
    assert registered_domain("a.b.cx-mem-gov.com.cn") == "cx-mem-gov.com.cn"
    assert registered_domain("cx.mem.gov.cn.verify-cert.org") == "verify-cert.org"


def test_clone_young_private_abroad_is_strengthened_by_gov_claim():
    signals = run("http://cx-mem-gov.cn/special?index=0", "clone_special.html", HK)
    whois = find(signals, "注册于12天前")
    assert whois and "NameSilo" in whois[0].reason and "隐私" in whois[0].reason
    assert whois[0].score >= 0.6 and "自称政府机构" in whois[0].reason
    host = find(signals, "47.242.10.21")
    assert host and "HK" in host[0].reason and "Alibaba" in host[0].reason
    assert host[0].score >= 0.45 and host[0].details["ips"][0]["country"] == "HK"
    assert all("hosting-risk" in s.categories for s in signals)


def test_same_facts_are_weak_without_gov_claim():
    signals = run("http://www.banzheng88.com/", "seller.html", HK)
    assert signals and max(s.score for s in signals) <= 0.45
    assert not find(signals, "ICP")


def test_gov_claim_without_icp_filing():
    signals = run("http://sdyjzw.com/", "gov_claim_form.html", CN)
    icp = find(signals, "ICP备案号")
    assert icp and icp[0].score >= 0.5 and "山东省应急管理厅" in icp[0].reason


def test_school_old_domain_in_china_gets_nothing():
    assert run("http://www.andapx.com/cx.html", "school.html", CN) == []


def test_page_facts_win_over_lookups_and_tls_problems():
    tls = TlsFacts(
        verified=False,
        error="self-signed certificate",
        issuer="cx-mem-gov.cn",
        subject="cx-mem-gov.cn",
        sans=("cx-mem-gov.cn", "a1.xyz", "b2.top", "c3.cc"),
        not_before=NOW - timedelta(days=400),
        not_after=NOW - timedelta(days=5),
    )
    signals = run(
        "https://cx-mem-gov.cn/",
        "clone_special.html",
        Lookups(),
        whois=young_whois("cx-mem-gov.cn"),
        dns=DnsFacts(host="cx-mem-gov.cn", a=("104.21.3.4",)),
        tls=tls,
    )
    tls_sig = find(signals, "TLS证书")
    assert tls_sig and "self-signed" in tls_sig[0].reason and "过期" in tls_sig[0].reason
    assert set(tls_sig[0].details["other_domains"]) == {"a1.xyz", "b2.top", "c3.cc"}
    assert find(signals, "注册于12天前")
    assert not find(signals, "104.21.3.4")  # no geoip callable: no hosting judgement


def test_official_and_gov_hosts_are_skipped():
    assert run("http://cx.mem.gov.cn/", "genuine_special.html", HK) == []
    assert run("http://yjt.shandong.gov.cn/", "gov_claim_form.html", HK) == []


def test_failing_lookups_are_tolerated():
    def broken_dns(host):
        raise OSError("resolver unreachable")

    def whois_error(domain):
        return WhoisFacts(domain=domain, server="whois.test", error="connection refused")

    signals = run(
        "http://cx-mem-gov.cn/",
        "clone_special.html",
        Lookups(dns=broken_dns, whois=whois_error, geoip=ip_info),
    )
    assert not find(signals, "注册于") and not find(signals, "境外")
