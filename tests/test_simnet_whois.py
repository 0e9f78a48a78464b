"""The simnet WHOIS server: RFC 3912 on a raw socket, records python-whois can parse."""

from __future__ import annotations

import socket
from datetime import datetime

import pytest
import whois.parser


def query(net, text: str) -> str:
    with socket.create_connection(net.whois_address, timeout=5) as s:
        s.sendall(text.encode("utf-8") + b"\r\n")
        chunks = []
        while chunk := s.recv(4096):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8")


def naive(value):
    value = value[0] if isinstance(value, list) else value
    assert isinstance(value, datetime)
    return value.replace(tzinfo=None)


def test_cnnic_record_in_beijing_time(tiny_net):
    text = query(tiny_net, "cx-mem-gov.cn")
    assert "Domain Name: cx-mem-gov.cn" in text
    assert "ROID: 20260914s10001s" in text
    assert "Sponsoring Registrar: 阿里云计算有限公司（万网）" in text
    assert "Registrant Contact Email: fake@163.com" in text
    # 2026-09-14T03:12:00Z is 11:12 in Beijing
    assert "Registration Time: 2026-09-14 11:12:00" in text
    assert "Expiration Time: 2027-09-14 11:12:00" in text
    assert "DNSSEC: unsigned" in text
    entry = whois.parser.WhoisEntry.load("cx-mem-gov.cn", text)
    assert naive(entry.creation_date) == datetime(2026, 9, 14, 11, 12)
    assert naive(entry.expiration_date) == datetime(2027, 9, 14, 11, 12)
    assert "阿里云" in entry.registrar
    assert {n.lower() for n in entry.name_servers} == {"ns1.dnsowl.com", "ns2.dnsowl.com"}


def test_icann_record_with_privacy(tiny_net):
    text = query(tiny_net, "selfsigned-mem.xyz")
    assert "Registry Expiry Date: 2027-08-01T00:00:00Z" in text
    assert "Registrar WHOIS Server: whois.namesilo.com" in text
    assert "Registrant Name: REDACTED FOR PRIVACY" in text
    assert "Registrant Country: US" in text
    assert ">>> Last update of WHOIS database:" in text
    entry = whois.parser.WhoisEntry.load("selfsigned-mem.xyz", text)
    assert naive(entry.creation_date) == datetime(2026, 8, 1)
    assert naive(entry.expiration_date) == datetime(2027, 8, 1)
    assert entry.registrar == "NameSilo, LLC"
    assert {n.lower() for n in entry.name_servers} == {"ns1.dnsowl.com", "ns2.dnsowl.com"}


@pytest.mark.parametrize("domain", ["mem-gov.net", "parked-mem.cn"])
def test_domains_toml_records(tiny_net, domain):
    entry = whois.parser.WhoisEntry.load(domain, query(tiny_net, domain))
    assert entry.creation_date and entry.expiration_date and entry.registrar


def test_idn_query_in_unicode(tiny_net):
    assert "No matching record." in query(tiny_net, "应急管理部.cn")  # no [whois] for it
    assert query(tiny_net, "CX-MEM-GOV.CN").startswith("Domain Name: cx-mem-gov.cn")


def test_unknown_domains(tiny_net):
    assert query(tiny_net, "unknown-domain.cn").strip() == "No matching record."
    assert query(tiny_net, "unknown-domain.com").startswith('No match for "UNKNOWN-DOMAIN.COM".')
    with pytest.raises(whois.parser.WhoisDomainNotFoundError):
        whois.parser.WhoisEntry.load("unknown-domain.cn", query(tiny_net, "unknown-domain.cn"))


def test_whois_queries_are_logged(tiny_net):
    tiny_net.log.clear()
    query(tiny_net, "mem-gov.net")
    assert [(e.kind, e.host, e.status) for e in tiny_net.log.entries()] == [
        ("whois", "mem-gov.net", 200)
    ]
