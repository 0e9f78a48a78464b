"""IP → country / network owner from the database shipped in geoip2fast's wheel (offline)."""

from __future__ import annotations

import pytest

from core.netpath.geoip import DATA_FILE, ip_info


def test_the_database_ships_with_the_wheel():
    assert DATA_FILE.is_file() and "asn" in DATA_FILE.name


@pytest.mark.parametrize(
    "ip", ["8.8.8.8", "47.242.10.21", "114.114.114.114", "1.1.1.1", "2001:4860:4860::8888"]
)
def test_public_ips_get_a_country_and_an_owner(ip):
    country, owner = ip_info(ip)
    assert country is not None and len(country) == 2 and country.isalpha() and country.isupper()
    assert owner


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "::1", "not-an-ip"])
def test_private_and_invalid_addresses_have_no_country(ip):
    assert ip_info(ip) == (None, None)
