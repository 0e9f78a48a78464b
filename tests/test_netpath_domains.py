"""Registrable domains from the offline public suffix list, IDN-aware."""

from __future__ import annotations

import pytest

from core.netpath.domains import registrable_domain, split_host, to_ascii, to_unicode


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("cx.mem.gov.cn", "mem.gov.cn"),
        ("a.b.example.com.cn", "example.com.cn"),
        ("CX.MEM.GOV.CN.", "mem.gov.cn"),
        ("cx.mem.gov.cn.evil.example.org", "example.org"),
        ("www.cx-mem-gov.top", "cx-mem-gov.top"),
        ("应急管理部.中国", "xn--extu8ah31brfhgw1a.xn--fiqs8s"),
        ("www.xn--extu8ah31brfhgw1a.xn--fiqs8s", "xn--extu8ah31brfhgw1a.xn--fiqs8s"),
        ("cx.例子.公司", "xn--fsqu00a.xn--55qx5d"),
        ("47.242.10.21", "47.242.10.21"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("localhost", "localhost"),
    ],
)
def test_registrable_domain(host, expected):
    assert registrable_domain(host) == expected


def test_split_host():
    assert split_host("a.b.example.com.cn") == ("a.b", "example", "com.cn")
    assert split_host("cx.mem.gov.cn") == ("cx", "mem", "gov.cn")
    assert split_host("1.2.3.4") == ("", "1.2.3.4", "")


def test_idn_round_trip():
    assert to_ascii("例子.中国") == "xn--fsqu00a.xn--fiqs8s"
    assert to_unicode("xn--fsqu00a.xn--fiqs8s") == "例子.中国"
    assert to_ascii("bad_label.例子.中国") == "bad_label.xn--fsqu00a.xn--fiqs8s"
