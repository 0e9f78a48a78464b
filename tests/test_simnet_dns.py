"""The simnet DNS server answers over UDP and TCP like an authoritative server."""

from __future__ import annotations

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver
import pytest


def ask(net, name: str, rdtype: str, tcp: bool = False) -> dns.message.Message:
    q = dns.message.make_query(name, rdtype)
    host, port = net.dns_address
    send = dns.query.tcp if tcp else dns.query.udp
    return send(q, host, port=port, timeout=5)


def values(msg: dns.message.Message, rdtype: str) -> set[str]:
    t = dns.rdatatype.from_text(rdtype)
    return {r.to_text() for rrset in msg.answer if rrset.rdtype == t for r in rrset}


@pytest.mark.parametrize("tcp", [False, True])
def test_site_records_udp_and_tcp(tiny_net, tcp):
    assert values(ask(tiny_net, "cx-mem-gov.cn", "A", tcp), "A") == {"47.242.10.21"}
    assert values(ask(tiny_net, "www.cx-mem-gov.cn", "A", tcp), "A") == {"47.242.10.21"}
    assert values(ask(tiny_net, "cx-mem-gov.cn", "AAAA", tcp), "AAAA") == {"2001:db8::21"}
    assert values(ask(tiny_net, "cx-mem-gov.cn", "NS", tcp), "NS") == {
        "ns1.dnsowl.com.",
        "ns2.dnsowl.com.",
    }
    assert values(ask(tiny_net, "cx-mem-gov.cn", "MX", tcp), "MX") == {"10 mx.cx-mem-gov.cn."}
    assert values(ask(tiny_net, "cx-mem-gov.cn", "TXT", tcp), "TXT") == {'"v=spf1 -all"'}
    soa = ask(tiny_net, "cx-mem-gov.cn", "SOA", tcp)
    assert values(soa, "SOA") and "ns1.dnsowl.com." in next(iter(values(soa, "SOA")))


def test_unknown_names_are_nxdomain(tiny_net):
    assert ask(tiny_net, "no-such-host.example", "A").rcode() == dns.rcode.NXDOMAIN
    assert ask(tiny_net, "nope.cx-mem-gov.cn", "A").rcode() == dns.rcode.NXDOMAIN


def test_nodata_has_soa_in_authority(tiny_net):
    msg = ask(tiny_net, "xn--extu8ah31brfhgw1a.cn", "AAAA")
    assert msg.rcode() == dns.rcode.NOERROR and not msg.answer
    assert msg.authority and msg.authority[0].rdtype == dns.rdatatype.SOA


def test_wildcard_and_domains_toml_entries(tiny_net):
    assert values(ask(tiny_net, "x.y.mem-zw.com", "A"), "A") == {"103.1.2.5"}
    assert values(ask(tiny_net, "parked-mem.cn", "A"), "A") == {"198.51.100.7"}
    # registered (WHOIS only) domain: exists, NS from its WHOIS record, no address
    msg = ask(tiny_net, "mem-gov.net", "NS")
    assert values(msg, "NS") == {"ns01.domaincontrol.com."}
    assert ask(tiny_net, "mem-gov.net", "A").rcode() == dns.rcode.NOERROR


def test_resolver_configured_like_the_crawler(tiny_net):
    """dnspython's Resolver pointed at ZHENWEI_DNS_SERVERS, as the network path does it."""
    res = dns.resolver.Resolver(configure=False)
    host, port = tiny_net.dns_address
    res.nameservers = [host]
    res.port = port
    assert [r.address for r in res.resolve("www.cx-mem-gov.cn", "A")] == ["47.242.10.21"]
    with pytest.raises(dns.resolver.NXDOMAIN):
        res.resolve("cx-mem-gov.cn.example", "A")


def test_dns_queries_are_logged(tiny_net):
    tiny_net.log.clear()
    ask(tiny_net, "cx-mem-gov.cn", "MX")
    entries = [e for e in tiny_net.log.entries() if e.kind == "dns"]
    assert [(e.host, e.method, e.status) for e in entries] == [("cx-mem-gov.cn", "MX", 0)]
