"""WHOIS goes to the configured server (RFC 3912), retries, records errors, stores UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from netpath_servers import LOOPBACK, free_port, whois_server

from core.config import Settings
from core.netpath.egress import parse_networks
from core.netpath.whois import WhoisClient, WhoisError, parse

#: these tests talk to loopback servers of their own: the egress policy's test opt-in
LOOPBACK_NETS = parse_networks("127.0.0.0/8")

CNNIC = """Domain Name: cx-mem-gov.cn
ROID: 20260914s10001s55512345-cn
Domain Status: ok
Registrant: 隐私保护
Registrant Contact Email: abuse@example.cn
Sponsoring Registrar: 阿里云计算有限公司（万网）
Name Server: DNS1.HICHINA.COM
Name Server: dns2.hichina.com
Registration Time: 2026-09-14 11:12:00
Expiration Time: 2027-09-14 11:12:00
DNSSEC: unsigned
"""

CNNIC_PERSON = CNNIC.replace("隐私保护", "张三").replace("cx-mem-gov.cn", "yjglbzw.cn")

ICANN = """Domain Name: CX-MEM-GOV.COM
Registry Domain ID: 2899999999_DOMAIN_COM-VRSN
Registrar WHOIS Server: whois.namesilo.com
Registrar URL: https://www.namesilo.com/
Updated Date: 2026-09-15T01:00:00Z
Creation Date: 2026-09-14T03:12:00Z
Registrar Registration Expiration Date: 2027-09-14T03:12:00Z
Registrar: NameSilo, LLC
Domain Status: clientTransferProhibited https://www.icann.org/epp#clientTransferProhibited
Registrant Name: REDACTED FOR PRIVACY
Registrant Organization: PrivacyGuardian.org llc
Registrant Country: US
Name Server: NS1.DNSOWL.COM
Name Server: NS2.DNSOWL.COM
DNSSEC: unsigned
"""


def settings_for(port: int) -> Settings:
    return Settings.from_env({"ZHENWEI_WHOIS_SERVER": f"{LOOPBACK}:{port}"})


def test_cnnic_record_goes_to_the_configured_server_and_beijing_time_becomes_utc():
    with whois_server({"cx-mem-gov.cn": CNNIC}) as server:
        facts = WhoisClient(settings_for(server.port)).lookup("www.CX-mem-gov.cn")
    assert server.queries == ["cx-mem-gov.cn"]  # the registrable domain, once
    assert facts.error is None
    assert facts.server == f"{LOOPBACK}:{server.port}"
    assert facts.created == datetime(2026, 9, 14, 3, 12, tzinfo=UTC)
    assert facts.expires == datetime(2027, 9, 14, 3, 12, tzinfo=UTC)
    assert facts.created.utcoffset().total_seconds() == 0
    assert facts.registrar == "阿里云计算有限公司（万网）"
    assert facts.name_servers == ("dns1.hichina.com", "dns2.hichina.com")
    assert facts.status == ("ok",)
    assert facts.privacy is True  # 隐私保护
    assert facts.raw == CNNIC


def test_a_named_cnnic_registrant_is_not_privacy():
    with whois_server({"yjglbzw.cn": CNNIC_PERSON}) as server:
        facts = WhoisClient(settings_for(server.port)).lookup("yjglbzw.cn")
    assert facts.registrant == "张三"
    assert facts.privacy is False


def test_icann_record_keeps_utc_and_detects_privacy():
    with whois_server({"cx-mem-gov.com": ICANN}) as server:
        server_name, text = WhoisClient(settings_for(server.port)).query_text("cx-mem-gov.com")
        facts = WhoisClient(settings_for(server.port)).lookup("cx-mem-gov.com")
    assert server_name == f"{LOOPBACK}:{server.port}" and text == ICANN
    # configured server: the registrar's referral (whois.namesilo.com) is never followed
    assert server.queries == ["cx-mem-gov.com", "cx-mem-gov.com"]
    assert facts.created == datetime(2026, 9, 14, 3, 12, tzinfo=UTC)
    assert facts.updated == datetime(2026, 9, 15, 1, 0, tzinfo=UTC)
    assert facts.expires == datetime(2027, 9, 14, 3, 12, tzinfo=UTC)
    assert facts.registrar == "NameSilo, LLC"
    assert facts.registrant_country == "US"
    assert facts.status == ("clientTransferProhibited",)
    assert facts.privacy is True


def test_unregistered_domain_is_an_error_in_the_facts():
    with whois_server({}) as server:
        facts = WhoisClient(settings_for(server.port)).lookup("never-registered.cn")
    assert server.queries == ["never-registered.cn"]
    assert facts.error is not None and "未注册" in facts.error
    assert facts.raw.strip() == "No matching record."


def test_hanging_server_is_retried_then_recorded():
    with whois_server({}, hang=True) as server:
        client = WhoisClient(settings_for(server.port), timeout=0.3, retries=2)
        facts = client.lookup("cx-mem-gov.cn")
        with pytest.raises(WhoisError) as info:
            client.query_text("cx-mem-gov.cn")
    assert server.connections == 6  # 3 attempts per query
    assert facts.error is not None and "超时" in facts.error and f"{server.port}" in facts.error
    assert "超时" in info.value.reason


def test_dead_port_is_recorded_not_raised():
    port = free_port()
    facts = WhoisClient(settings_for(port), timeout=0.5, retries=1).lookup("cx-mem-gov.cn")
    assert facts.error is not None and "拒绝" in facts.error
    assert facts.server == f"{LOOPBACK}:{port}"


def test_a_dropped_connection_is_retried():
    with whois_server({"cx-mem-gov.cn": CNNIC}, drop_first=1) as server:
        facts = WhoisClient(settings_for(server.port), timeout=2, retries=2).lookup("cx-mem-gov.cn")
    assert server.connections == 2
    assert facts.error is None and facts.registrar


def test_thin_registry_referral_is_followed_without_a_configured_server():
    with whois_server({"cx-mem-gov.com": ICANN}) as registrar:
        thin = (
            "Domain Name: CX-MEM-GOV.COM\n"
            f"Registrar WHOIS Server: {LOOPBACK}:{registrar.port}\n"
            "Creation Date: 2026-09-14T03:12:00Z\n"
        )
        with whois_server({"cx-mem-gov.com": thin}) as registry:
            registry_addr = f"{LOOPBACK}:{registry.port}"
            client = WhoisClient(
                Settings(allow_networks=LOOPBACK_NETS),
                servers={"com": registry_addr},
                thin={registry_addr},
            )
            facts = client.lookup("cx-mem-gov.com")
    assert registry.queries == ["cx-mem-gov.com"]
    assert registrar.queries == ["cx-mem-gov.com"]
    assert facts.server == f"{LOOPBACK}:{registrar.port}"
    assert facts.registrar == "NameSilo, LLC" and facts.privacy is True
    assert registry_addr in facts.raw and "REDACTED FOR PRIVACY" in facts.raw


def test_parser_quirks_lists_and_unparsed_dates():
    text = ICANN.replace(
        "Creation Date: 2026-09-14T03:12:00Z",
        "Creation Date: 2026-09-14T03:12:00Z\nCreation Date: 2026-09-14 03:12:00\n"
        "Updated Date: not a date at all",
    )
    facts = parse("cx-mem-gov.com", "x:43", text)
    assert facts.error is None
    assert facts.created == datetime(2026, 9, 14, 3, 12, tzinfo=UTC)  # min of the list
    assert facts.updated == datetime(2026, 9, 15, 1, 0, tzinfo=UTC)  # junk line ignored
    assert "not a date at all" in facts.raw


def test_a_named_whois_server_is_found_through_our_dns():
    from netpath_servers import Zone, dns_server

    zone = Zone({"whois.test": {"A": ["127.0.0.1"]}})
    with whois_server({"cx-mem-gov.cn": CNNIC}) as server, dns_server(zone) as dns_port:
        settings = Settings.from_env(
            {
                "ZHENWEI_WHOIS_SERVER": f"whois.test:{server.port}",
                "ZHENWEI_DNS_SERVERS": f"127.0.0.1:{dns_port}",
            }
        )
        facts = WhoisClient(settings).lookup("cx-mem-gov.cn")
    assert ("whois.test", "A") in zone.queries
    assert facts.server == f"whois.test:{server.port}" and facts.error is None


def test_ip_addresses_have_no_domain_whois():
    with whois_server({}) as server:
        facts = WhoisClient(settings_for(server.port)).lookup("47.242.10.21")
    assert server.queries == []
    assert facts.error is not None
